"""loaddata over a record that editors keep: reloading changes nothing, and editors'
changes, deletions and renames are never undone unless the operator says --overwrite."""

import contextlib
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.cache import cache
from django.core.management import CommandError, call_command

from filings.models import Filing
from history.models import Revision

BINANCE = "/cases/sec-v-binance/"


def load(*labels, **options):
    out = io.StringIO()
    call_command("loaddata", *labels, stdout=out, verbosity=1, **options)
    return out.getvalue()


def everything():
    """Every row of the record, every field included, and the history's rows."""
    record = {
        model._meta.label: json.loads(serializers.serialize("json", model.objects.order_by("pk")))
        for app in ("cases", "filings")
        for model in apps.get_app_config(app).get_models()
    }
    history = {
        model._meta.label: list(model.objects.order_by("pk").values_list("pk", flat=True))
        for model in apps.get_app_config("history").get_models()
        if model is not Revision
    }
    return record, history


def filing(slug):
    return Filing.objects.get(case__slug="sec-v-binance", slug=slug)


def edit_in_the_admin(client, obj, **changes):
    """Save the object through its admin change form, as an editor would."""
    from tests.helpers import admin_form_data, change_url

    page = client.get(change_url(obj))
    response = client.post(change_url(obj), admin_form_data(page, **changes))
    assert response.status_code == 302, response.content.decode()[:2000]


def seed_objects():
    return json.loads((settings.BASE_DIR / "fixtures" / "seed.json").read_text())


def write_fixture(path, objects):
    path.write_text(json.dumps(objects))
    return str(path)


# Reloading what is there


def test_reloading_the_seed_changes_no_row_timestamp_version_or_history(seeded):
    before = everything()
    output = load("seed")
    assert everything() == before
    assert "105 unchanged, 0 added, 0 changed, 0 overwritten." in output


@pytest.mark.django_db(transaction=True)
def test_reloading_the_seed_keeps_the_revision_and_the_pages_etag(client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    call_command("loaddata", "seed", verbosity=0)
    token = Revision.current_token()
    updated = filing("dismissal").updated_at
    etag = client.get(BINANCE)["ETag"]

    call_command("loaddata", "seed", verbosity=0)

    assert Revision.current_token() == token
    assert filing("dismissal").updated_at == updated
    assert client.get(BINANCE, HTTP_IF_NONE_MATCH=etag).status_code == 304


# Editors' changes


def test_loading_over_an_editors_change_is_refused_naming_the_entry_and_the_editor(
    editor_client, seeded
):
    edit_in_the_admin(editor_client, filing("dismissal"), summary="Edited by an editor.")
    edited = filing("dismissal")
    history = list(edited.history.values_list("history_id", flat=True))
    before = everything()

    with pytest.raises(CommandError) as refused:
        load("seed")

    message = str(refused.value)
    assert "filings.Filing (sec-v-binance, dismissal): changed by editor on " in message
    assert "--overwrite" in message and "Nothing was loaded" in message
    assert everything() == before
    after = filing("dismissal")
    assert (after.summary, after.version) == ("Edited by an editor.", edited.version)
    assert list(after.history.values_list("history_id", flat=True)) == history


def test_an_entry_the_editor_unpublished_stays_unpublished(editor_client, seeded):
    edit_in_the_admin(editor_client, filing("dismissal"), is_published="")
    assert not filing("dismissal").is_published
    with pytest.raises(CommandError, match="dismissal"):
        load("seed")
    assert not filing("dismissal").is_published


def test_overwrite_stores_the_fixtures_values_with_a_higher_version_and_names_the_load(
    editor_client, seeded
):
    original = filing("dismissal").summary
    edit_in_the_admin(editor_client, filing("dismissal"), summary="Edited by an editor.")
    edited_version = filing("dismissal").version

    output = load("seed", overwrite=True)

    after = filing("dismissal")
    assert after.summary == original
    assert after.version == edited_version + 1
    latest = after.history.first()
    assert latest.history_type == "~" and latest.history_user is None
    assert latest.history_change_reason == "Overwritten by loaddata from fixtures/seed.json"
    assert latest.version == after.version
    assert "104 unchanged, 0 added, 0 changed, 1 overwritten." in output


def test_a_form_opened_before_an_overwrite_cannot_save_over_it(editor_client, seeded):
    from tests.helpers import admin_form_data, change_url

    edit_in_the_admin(editor_client, filing("dismissal"), summary="First edit.")
    stale_page = editor_client.get(change_url(filing("dismissal")))
    load("seed", overwrite=True)
    response = editor_client.post(
        change_url(filing("dismissal")), admin_form_data(stale_page, summary="Stale edit.")
    )
    assert response.status_code == 200  # the form comes back with the conflict
    assert filing("dismissal").summary != "Stale edit."


# Deleted and renamed


def test_an_entry_the_editor_deleted_stays_deleted(editor_client, seeded):
    response = editor_client.post(
        f"/admin/filings/filing/{filing('binance-response').pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302

    with pytest.raises(CommandError) as refused:
        load("seed")

    assert "(sec-v-binance, binance-response): deleted by editor on " in str(refused.value)
    assert not Filing.objects.filter(slug="binance-response").exists()


def test_overwrite_brings_a_deleted_entry_back_under_its_old_id_and_a_higher_version(
    editor_client, seeded
):
    deleted = filing("binance-response")
    editor_client.post(f"/admin/filings/filing/{deleted.pk}/delete/", {"post": "yes"})
    load("seed", overwrite=True)
    back = filing("binance-response")
    assert back.pk == deleted.pk and back.version == deleted.version + 1
    assert back.citations.count() == deleted.citations.count() > 0
    assert back.history.first().history_type == "+"


def test_an_entry_the_editor_renamed_is_neither_duplicated_nor_renamed_back(editor_client, seeded):
    renamed = filing("dismissal")
    edit_in_the_admin(editor_client, renamed, slug="dismissed-with-prejudice")

    with pytest.raises(CommandError) as refused:
        load("seed")

    assert (
        "(sec-v-binance, dismissal): renamed to (sec-v-binance, dismissed-with-prejudice) "
        "by editor on " in str(refused.value)
    )
    slugs = Filing.objects.filter(case__slug="sec-v-binance").values_list("slug", flat=True)
    assert "dismissed-with-prejudice" in slugs and "dismissal" not in slugs

    load("seed", overwrite=True)
    assert Filing.objects.get(pk=renamed.pk).slug == "dismissal"


# A newer fixture


def newer_seed(tmp_path, edited_summary=None):
    """The seed, with one entry added and the summary of another changed."""
    objects = seed_objects()
    complaint = next(
        o for o in objects if o["model"] == "filings.filing" and o["fields"]["slug"] == "complaint"
    )
    added = {
        "model": "filings.filing",
        "fields": {
            **complaint["fields"],
            "slug": "hearing-set",
            "title": "The court sets a hearing",
            "sequence": 999,
        },
    }
    complaint["fields"]["summary"] = "A newer wording of the complaint's summary."
    if edited_summary:
        dismissal = next(
            o
            for o in objects
            if o["model"] == "filings.filing" and o["fields"]["slug"] == "dismissal"
        )
        dismissal["fields"]["summary"] = edited_summary
    return write_fixture(tmp_path / "newer.json", [*objects, added])


def test_a_newer_fixture_adds_new_entries_and_updates_untouched_ones(seeded, tmp_path):
    version = filing("complaint").version
    output = load(newer_seed(tmp_path))
    assert "104 unchanged, 1 added, 1 changed, 0 overwritten." in output

    complaint = filing("complaint")
    assert complaint.summary == "A newer wording of the complaint's summary."
    assert complaint.version == version + 1
    assert complaint.history.first().history_change_reason.startswith("Changed by loaddata from ")
    added = filing("hearing-set")
    assert added.history.get().history_change_reason.endswith("newer.json")


def test_a_newer_fixture_is_refused_whole_when_it_would_undo_an_edit(
    editor_client, seeded, tmp_path
):
    edit_in_the_admin(editor_client, filing("dismissal"), summary="Edited by an editor.")
    before = everything()
    with pytest.raises(CommandError, match="dismissal"):
        load(newer_seed(tmp_path, edited_summary="The fixture's own newer summary."))
    assert everything() == before
    assert not Filing.objects.filter(slug="hearing-set").exists()


def test_an_object_changed_back_to_the_fixtures_values_is_not_a_conflict(editor_client, seeded):
    original = filing("dismissal").summary
    edit_in_the_admin(editor_client, filing("dismissal"), summary="A passing change.")
    edit_in_the_admin(editor_client, filing("dismissal"), summary=original)
    assert "105 unchanged" in load("seed")


def test_keep_edited_loads_nothing_and_says_so(editor_client, seeded, tmp_path):
    edit_in_the_admin(editor_client, filing("dismissal"), summary="Edited by an editor.")
    output = load(newer_seed(tmp_path), keep_edited=True)
    assert output.startswith("Kept the existing record; nothing was loaded.")
    assert "dismissal" in output
    assert not Filing.objects.filter(slug="hearing-set").exists()


# make run


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_run(env, port):
    """Start `make run`, fetch the Binance case page once it serves, then stop it."""
    process = subprocess.Popen(
        ["make", "--no-print-directory", "-o", "install", "run", f"PORT={port}"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{BINANCE}", timeout=5) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "make run did not serve in time"
                time.sleep(0.3)
    finally:
        with contextlib.suppress(ProcessLookupError):  # make may have stopped by itself
            os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0]
    return output, page


def manage(env, *args):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_started_twice_keeps_an_editors_change(tmp_path):
    # A fresh database of its own, never the real var/db.sqlite3.
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    first, _ = make_run(env, free_port())
    assert "0 unchanged, 105 added" in first

    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; from filings.models import Filing; "
        "f = Filing.objects.get(case__slug='sec-v-binance', slug='dismissal'); "
        "f.summary = 'An editor wrote this summary.'; "
        "f._history_user = User.objects.create_user('alice'); f.save()",
    )
    second, page = make_run(env, free_port())

    assert "Kept the existing record; nothing was loaded." in second
    assert "(sec-v-binance, dismissal): changed by alice on " in second
    assert "An editor wrote this summary." in page


def test_loading_reports_progress_on_stderr_and_keeps_stdout_for_the_counts(db):
    out, err = io.StringIO(), io.StringIO()
    call_command("loaddata", "seed", stdout=out, stderr=err, verbosity=1)
    assert err.getvalue().splitlines()[-1] == "loaddata: 105/105 objects (100%)"
    assert len(err.getvalue().splitlines()) == 10
    assert out.getvalue() == "0 unchanged, 105 added, 0 changed, 0 overwritten.\n"
