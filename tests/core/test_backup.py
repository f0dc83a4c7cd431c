"""`make backup` and `make restore`: a round trip that loses nothing, history included."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from filings.models import Filing
from history.models import Revision


def everything(path):
    """The whole database as the backup writes it, as Python objects."""
    call_command("backup", str(path))
    return json.loads(path.read_text())


# Transactional: flush must empty tables outside a transaction (PostgreSQL
# refuses to TRUNCATE a table with pending foreign-key checks).
@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_into_an_empty_database_lose_nothing(seeded, make_editor, tmp_path):
    # Give the history something to keep: an edit by an editor, and a deletion.
    editor = make_editor()
    dismissal = Filing.objects.get(slug="dismissal")
    dismissal.title, dismissal._history_user = "Dismissed with prejudice", editor
    dismissal.save()
    released = Filing.objects.get(slug="zhao-released")
    released._history_user = editor
    released.delete()

    before = everything(tmp_path / "before.json")
    models = {obj["model"] for obj in before}
    assert {"history.historicalfiling", "auth.user", "auth.group", "cases.case"} <= models
    # The page cache's token is not data: a restored database makes its own.
    assert "history.revision" not in models
    edited = [
        o
        for o in before
        if o["model"] == "history.historicalfiling" and o["fields"]["history_user"]
    ]
    assert {o["fields"]["history_type"] for o in edited} == {"~", "-"}

    token = Revision.current_token()
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore", str(tmp_path / "before.json"), verbosity=0)

    assert everything(tmp_path / "after.json") == before
    assert Revision.current_token() != token  # pages cached before are not served


def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    path = tmp_path / "backup.json"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="The database is not empty"):
        call_command("restore", str(path))


def dumpdata(*labels, **options):
    out = StringIO()
    call_command("dumpdata", *labels, stdout=out, verbosity=0, **options)
    return json.loads(out.getvalue())


def test_backup_writes_what_one_dumpdata_call_for_the_record_and_one_for_history_write(
    seeded, make_editor, tmp_path
):
    dismissal = Filing.objects.get(slug="dismissal")
    dismissal.title, dismissal._history_user = "Dismissed with prejudice", make_editor()
    dismissal.save()

    call_command("backup", str(tmp_path / "backup.json"), verbosity=0)

    record = dumpdata(
        natural_foreign=True, exclude=["contenttypes", "auth.permission", "sessions", "history"]
    )
    history = dumpdata("history", exclude=["history.revision"])
    expected = json.dumps(record + history, indent=1, ensure_ascii=False)
    assert (tmp_path / "backup.json").read_text(encoding="utf-8") == expected
