"""The editors' workflow: roles, drafts, history and revert, validation, no lost updates."""

import json
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from cases.models import Agency, Case, Party
from filings.models import Citation, Filing, Source
from tests.factories import CaseFactory, CitationFactory, FilingFactory, SourceFactory
from tests.helpers import admin_form_data, change_url, parse
from workbench.models import SourceText

BINANCE = "/cases/sec-v-binance/"
ARTICLE_000 = "000_26f21f1ec1e397ac.txt"


def filing(slug):
    return Filing.objects.get(case__slug="sec-v-binance", slug=slug)


def public(client, url):
    return client.get(url).content.decode()


# Roles


def test_editors_group_has_exactly_the_editing_permissions(db):
    permissions = set(
        Group.objects.get(name="Editors").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    for model in ("agency", "party", "case", "source", "filing", "citation"):
        app = "filings" if model in {"source", "filing", "citation"} else "cases"
        assert {(app, f"add_{model}"), (app, f"change_{model}")} <= permissions
    for model in ("agency", "party", "case"):
        assert ("cases", f"delete_{model}") not in permissions
    assert ("filings", "delete_source") not in permissions
    assert ("filings", "delete_filing") in permissions
    assert not {codename for app, codename in permissions if app == "auth"}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/cases/case/add/",
        "/admin/filings/filing/add/",
        "/admin/filings/citation/add/",
        "/admin/filings/source/add/",
        "/admin/cases/party/add/",
        "/admin/cases/agency/add/",
    ],
)
def test_an_editor_can_add_what_the_record_needs(editor_client, url):
    assert editor_client.get(url).status_code == 200


@pytest.mark.parametrize("model", ["cases/case", "cases/party", "cases/agency"])
def test_an_editor_cannot_delete_cases_parties_or_agencies(editor_client, seeded, model):
    obj = apps.get_model(model.replace("/", ".")).objects.first()
    response = editor_client.post(f"/admin/{model}/{obj.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_an_editor_can_delete_a_filing(editor_client, seeded):
    response = editor_client.post(
        f"/admin/filings/filing/{filing('binance-response').pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Filing.objects.filter(slug="binance-response").exists()


@pytest.mark.parametrize(
    "url", ["/admin/auth/user/", "/admin/auth/user/add/", "/admin/auth/group/"]
)
def test_an_editor_cannot_manage_users(editor_client, url):
    assert editor_client.get(url).status_code == 403


def test_createeditor_makes_a_staff_editor_without_a_prompt(db, monkeypatch, django_user_model):
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a long enough passphrase")
    call_command("createeditor", "alice", "--no-input", "--email=a@example.org", stdout=StringIO())
    alice = django_user_model.objects.get(username="alice")
    assert alice.is_staff and not alice.is_superuser
    assert list(alice.groups.values_list("name", flat=True)) == ["Editors"]
    assert alice.check_password("a long enough passphrase")
    assert alice.has_perm("filings.add_filing") and not alice.has_perm("cases.delete_case")


@pytest.mark.parametrize(
    "password, problem",
    [
        (None, "Set DJANGO_EDITOR_PASSWORD"),
        ("123", "This password is too short."),
    ],
)
def test_createeditor_refuses_without_a_good_password(
    db, monkeypatch, django_user_model, password, problem
):
    monkeypatch.delenv("DJANGO_EDITOR_PASSWORD", raising=False)
    if password:
        monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", password)
    with pytest.raises(CommandError, match=problem):
        call_command("createeditor", "bob", "--no-input")
    assert not django_user_model.objects.filter(username="bob").exists()


def test_createeditor_refuses_a_taken_username(make_editor, monkeypatch):
    make_editor("carol")
    monkeypatch.setenv("DJANGO_EDITOR_PASSWORD", "a long enough passphrase")
    with pytest.raises(CommandError, match="already exists"):
        call_command("createeditor", "carol", "--no-input")


# Drafts and publishing


def add_draft_filing(client, date="2025-03", title="Court sets a hearing"):
    """An editor adds an entry with one citation to SEC v. Binance, as the admin form does."""
    case = Case.objects.get(slug="sec-v-binance")
    source = Source.objects.get(key=ARTICLE_000)
    response = client.post(
        "/admin/filings/filing/add/",
        {
            "case": case.pk,
            "slug": "hearing",
            "sequence": 55,
            "kind": "order",
            "title": title,
            "date": date,
            "citations-TOTAL_FORMS": 1,
            "citations-INITIAL_FORMS": 0,
            "citations-0-source": source.pk,
            "citations-0-locator": 1,
            "citations-0-key_phrase": "filing a joint stipulation",
            "citations-0-reported_date": date,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Filing.objects.get(slug="hearing")


def test_a_new_filing_is_a_draft_hidden_from_readers(editor_client, seeded, client):
    draft = add_draft_filing(editor_client)
    assert not draft.is_published
    reader = type(client)()
    for url in ["/", BINANCE, "/timeline/", "/parties/changpeng-zhao/", f"/sources/{ARTICLE_000}/"]:
        assert "Court sets a hearing" not in public(reader, url), url
    assert "Court sets a hearing" not in public(reader, "/timeline/?after=2025-03&before=2025-03")


def test_the_preview_shows_drafts_to_staff_only(editor_client, seeded, client, django_user_model):
    add_draft_filing(editor_client)
    url = "/preview/cases/sec-v-binance/"
    html = public(editor_client, url)
    assert "<strong>Preview.</strong>" in html
    assert "Court sets a hearing" in between_entry(html, "hearing")
    assert '<span class="badge draft">Draft</span>' in between_entry(html, "hearing")
    assert '<meta name="robots" content="noindex">' in html

    reader = type(client)()
    assert reader.get(url).status_code == 302  # to the admin login
    reader.force_login(django_user_model.objects.create_user("reader", password="x"))
    response = reader.get(url)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def between_entry(html, slug):
    start = html.index(f'id="entry-{slug}"')
    return html[start : html.index("</li>", start)]


def test_publishing_shows_the_filing_in_its_place_with_its_precision(editor_client, seeded):
    draft = add_draft_filing(editor_client)
    response = editor_client.post(
        "/admin/filings/filing/",
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert "1 filing published." in response.content.decode()
    html = public(type(editor_client)(), BINANCE)
    entry = between_entry(html, "hearing")
    assert '<time datetime="2025-03">March 2025</time>' in entry
    assert "March 1" not in entry
    order = [
        html.index(f'id="entry-{slug}"') for slug in ["second-stay-request", "hearing", "dismissal"]
    ]
    assert order == sorted(order)
    record = draft.history.first()
    assert record.history_change_reason == "Published" and record.history_user.username == "editor"


def test_unpublishing_hides_it_again(editor_client, seeded):
    dismissal = filing("dismissal")
    editor_client.post(
        "/admin/filings/filing/", {"action": "unpublish", "_selected_action": [dismissal.pk]}
    )
    assert 'id="entry-dismissal"' not in public(type(editor_client)(), BINANCE)


def test_a_draft_case_is_not_found_and_not_listed(editor_client, seeded):
    case = Case.objects.get(slug="sec-v-kraken")
    editor_client.post("/admin/cases/case/", {"action": "unpublish", "_selected_action": [case.pk]})
    reader = type(editor_client)()
    assert reader.get("/cases/sec-v-kraken/").status_code == 404
    assert "/cases/sec-v-kraken/" not in public(reader, "/cases/")
    assert "/cases/sec-v-kraken/" not in public(reader, BINANCE)  # not as a related case
    preview = public(editor_client, "/preview/cases/sec-v-kraken/")
    assert "and the case itself is a draft" in preview


def test_view_on_site_goes_to_the_public_permalink(editor_client, seeded):
    dismissal = filing("dismissal")
    page = public(editor_client, change_url(dismissal))
    content_type = ContentType.objects.get_for_model(Filing)
    view_on_site = f"/admin/r/{content_type.pk}/{dismissal.pk}/"
    assert f'href="{view_on_site}"' in page
    response = editor_client.get(view_on_site)
    assert response.status_code == 302
    assert response["Location"].endswith("/cases/sec-v-binance/#entry-dismissal")
    # And the preview link, for drafts.
    assert 'href="/preview/cases/sec-v-binance/#entry-dismissal"' in page


# History and revert


def test_loading_the_seed_leaves_one_history_entry_per_object_and_reloading_adds_none(seeded):
    counts = {}
    for app in ("cases", "filings"):
        for model in apps.get_app_config(app).get_models():
            history = model.history
            assert history.count() == model.objects.count(), model
            assert set(history.values_list("history_type", flat=True)) == {"+"}
            counts[model] = history.count()
    call_command("loaddata", "seed", verbosity=0)
    assert {model: model.history.count() for model in counts} == counts


def test_an_edit_is_recorded_with_its_author_and_the_field_differences(editor_client, seeded):
    dismissal = filing("dismissal")
    page = editor_client.get(change_url(dismissal))
    response = editor_client.post(
        change_url(dismissal), admin_form_data(page, title="Case dismissed for good")
    )
    assert response.status_code == 302
    latest = dismissal.history.first()
    assert latest.history_type == "~" and latest.history_user.username == "editor"
    history_page = public(editor_client, change_url(dismissal).replace("change/", "history/"))
    assert "Case dismissed for good" in history_page
    assert "Joint stipulation dismisses the case with prejudice" in history_page


def test_saving_an_entry_leaves_the_citations_it_did_not_change_alone(editor_client, seeded):
    dismissal = filing("dismissal")
    changed, *untouched = dismissal.citations.order_by("pk")
    assert untouched
    page = editor_client.get(change_url(dismissal))
    rows = [form.instance.pk for form in page.context["inline_admin_formsets"][0].formset.forms]
    data = admin_form_data(page, title="Case dismissed for good")
    data[f"citations-{rows.index(changed.pk)}-note"] = "Read from the headline"

    assert editor_client.post(change_url(dismissal), data).status_code == 302

    changed.refresh_from_db()
    assert changed.note == "Read from the headline" and changed.version == 2
    assert changed.history.count() == 2
    for citation in untouched:
        assert Citation.objects.get(pk=citation.pk).version == 1
        assert citation.history.count() == 1
    dismissal.refresh_from_db()
    assert dismissal.title == "Case dismissed for good"


def test_saving_a_case_leaves_its_parties_claims_and_links_alone(editor_client, seeded):
    case = Case.objects.get(slug="sec-v-binance")
    rows = [*case.case_parties.all(), *case.claims.all(), *case.links_from.all()]
    assert rows
    page = editor_client.get(change_url(case))

    response = editor_client.post(change_url(case), admin_form_data(page, summary="New summary"))

    assert response.status_code == 302
    for row in rows:
        assert type(row).objects.get(pk=row.pk).version == 1, row
        assert row.history.count() == 1, row
    case.refresh_from_db()
    assert case.summary == "New summary" and case.version == 2


def test_reverting_from_the_history_view_restores_the_earlier_version(editor_client, seeded):
    dismissal = filing("dismissal")
    original = dismissal.history.get()
    page = editor_client.get(change_url(dismissal))
    editor_client.post(change_url(dismissal), admin_form_data(page, title="A wrong title"))
    revert_url = f"/admin/filings/filing/{dismissal.pk}/history/{original.history_id}/"
    revert_page = editor_client.get(revert_url)
    assert revert_page.status_code == 200
    response = editor_client.post(revert_url, admin_form_data(revert_page))
    assert response.status_code == 302
    dismissal.refresh_from_db()
    assert dismissal.title == original.title
    assert dismissal.history.count() == 3 and dismissal.version == 3


def test_a_deleted_filing_is_listed_and_restored_with_its_citations(editor_client, seeded):
    response_filing = filing("binance-response")
    pk, citations = response_filing.pk, set(response_filing.citations.values_list("pk", flat=True))
    assert citations
    editor_client.post(f"/admin/filings/filing/{pk}/delete/", {"post": "yes"})
    assert response_filing.history.first().history_type == "-"
    assert not Citation.objects.filter(pk__in=citations).exists()

    deleted_page = public(editor_client, "/admin/filings/filing/deleted/")
    assert f'href="/admin/filings/filing/{pk}/history/"' in deleted_page
    last = (
        Filing.history.filter(id=pk, history_type="~").first()
        or Filing.history.filter(id=pk, history_type="+").get()
    )
    revert_url = f"/admin/filings/filing/{pk}/history/{last.history_id}/"
    response = editor_client.post(revert_url, admin_form_data(editor_client.get(revert_url)))
    assert response.status_code == 302
    restored = Filing.objects.get(pk=pk)
    assert set(restored.citations.values_list("pk", flat=True)) == citations
    assert "binance-response" not in public(editor_client, "/admin/filings/filing/deleted/")


def test_history_is_recorded_for_every_model_an_editor_changes(editor_client, seeded):
    for model in (Agency, Party, Source):
        obj = model.objects.first()
        page = editor_client.get(change_url(obj))
        assert editor_client.post(change_url(obj), admin_form_data(page)).status_code == 302
        assert obj.history.first().history_user.username == "editor", model


# Validation


def test_a_case_closed_before_it_was_filed_is_an_error_on_closed(editor_client, seeded):
    case = Case.objects.get(slug="sec-v-binance")
    page = editor_client.get(change_url(case))
    response = editor_client.post(change_url(case), admin_form_data(page, closed="2022-12"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["closed"] == [
        "A case cannot close (December 2022) before it was filed (June 2023)."
    ]


@pytest.mark.parametrize(
    "date, problem",
    [
        ("2023-13", "month 13 is not between 1 and 12"),
        ("2023-02-30", "February 2023 has 28 days, so there is no day 30"),
    ],
)
def test_an_impossible_date_is_an_error_on_the_date(editor_client, seeded, date, problem):
    dismissal = filing("dismissal")
    page = editor_client.get(change_url(dismissal))
    response = editor_client.post(change_url(dismissal), admin_form_data(page, date=date))
    assert response.status_code == 200
    assert problem in response.context["adminform"].form.errors["date"][0]


def test_a_filing_dated_before_its_case_is_saved_with_a_warning(editor_client, seeded):
    draft = add_draft_filing(editor_client, date="2023-01")
    assert draft.date.iso == "2023-01"
    page = editor_client.get(change_url(draft))
    response = editor_client.post(change_url(draft), admin_form_data(page), follow=True)
    text = response.content.decode()
    assert "Date: The date January 2023 is before the case was filed (June 2023)." in text
    assert "before the case was filed" in public(editor_client, change_url(draft))


def test_a_key_phrase_not_in_the_source_is_an_error_on_the_key_phrase(editor_client, seeded):
    dismissal = filing("dismissal")
    page = editor_client.get(change_url(dismissal))
    data = admin_form_data(page)
    data["citations-0-key_phrase"] = "words this article never uses"
    response = editor_client.post(change_url(dismissal), data)
    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert "not in paragraph" in inline.forms[0].errors["key_phrase"][0]


def test_a_citation_that_disagrees_is_saved_and_the_filing_shown_disputed(editor_client, seeded):
    plea = Filing.objects.get(case__slug="doj-binance-criminal", slug="plea")
    assert not plea.is_disputed
    page = editor_client.get(change_url(plea))
    data = admin_form_data(page)
    data["citations-0-reported_date"] = "2022-11"
    response = editor_client.post(change_url(plea), data, follow=True)
    assert "Sources now disagree on the date of" in response.content.decode()
    assert Filing.objects.get(pk=plea.pk).is_disputed


# No lost updates


def test_the_second_of_two_editors_saving_the_same_filing_is_refused(client, seeded, make_editor):
    first, second = type(client)(), type(client)()
    first.force_login(make_editor("alice"))
    second.force_login(make_editor("bob"))
    dismissal = filing("dismissal")
    url = change_url(dismissal)
    alice_form, bob_form = first.get(url), second.get(url)

    assert first.post(url, admin_form_data(alice_form, title="Alice's title")).status_code == 302
    response = second.post(url, admin_form_data(bob_form, summary="Bob's summary"))

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("Not saved: alice saved this filing after you opened it")
    assert (
        "Title: “Joint stipulation dismisses the case with prejudice” → “Alice's title”"
        in errors[0]
    )
    assert "Bob&#x27;s summary" in response.content.decode()  # bob's input is kept
    dismissal.refresh_from_db()
    assert dismissal.title == "Alice's title" and dismissal.summary != "Bob's summary"
    titles = list(dismissal.history.values_list("title", flat=True))
    assert titles == ["Alice's title", "Joint stipulation dismisses the case with prejudice"]


# Safe deletion


def test_a_case_with_filings_cannot_be_deleted(admin_client, seeded):
    case = Case.objects.get(slug="sec-v-binance")
    page = admin_client.get(f"/admin/cases/case/{case.pk}/delete/").content.decode()
    assert "would require deleting the following protected related objects" in page
    admin_client.post(f"/admin/cases/case/{case.pk}/delete/", {"post": "yes"})
    assert Case.objects.filter(pk=case.pk).exists()
    with pytest.raises(ProtectedError):
        case.delete()


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_to_delete_a_case_with_filings():
    call_command("loaddata", "seed", verbosity=0)
    case = Case.objects.get(slug="sec-v-binance")
    table = connection.ops.quote_name(Case._meta.db_table)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [case.pk])
    assert Case.objects.filter(pk=case.pk).exists()


# Admin ergonomics


def test_the_disputed_and_uncited_filters(editor_client, seeded):
    disputed = editor_client.get("/admin/filings/filing/?disputed=yes")
    assert {f.slug for f in disputed.context["cl"].result_list} == {
        "complaint",
        "stay-motion",
        "second-stay-request",
        "dismissal",
    }
    agree = editor_client.get("/admin/filings/filing/?disputed=no")
    assert len(agree.context["cl"].result_list) == Filing.objects.count() - 4
    Citation.objects.filter(filing__slug="zhao-released").delete()
    uncited = editor_client.get("/admin/filings/filing/?cited=no")
    assert [f.slug for f in uncited.context["cl"].result_list] == ["zhao-released"]


def test_case_search_finds_parties_by_alias_and_lists_entry_counts(editor_client, seeded):
    response = editor_client.get("/admin/cases/case/?q=CZ")
    counts = {case.slug: case.filing_count for case in response.context["cl"].result_list}
    assert counts == {"sec-v-binance": 7, "doj-binance-criminal": 3}  # Zhao is in both


def test_filings_are_ordered_by_date_with_coarser_dates_first_within_them(editor_client, seeded):
    results = (
        editor_client.get(
            "/admin/filings/filing/?case__id__exact="
            + str(Case.objects.get(slug="sec-v-binance").pk)
        )
        .context["cl"]
        .result_list
    )
    dated = [f.date.iso for f in results if f.date]
    assert dated == ["2025-05-29", "2025", "2025", "2023-06"]


# Found in review: drafts named by other entries, other routes to lost updates, restores


def test_a_draft_named_as_the_entry_before_stays_off_public_pages(editor_client, seeded):
    plea = Filing.objects.get(case__slug="doj-binance-criminal", slug="plea")
    editor_client.post(
        "/admin/filings/filing/", {"action": "unpublish", "_selected_action": [plea.pk]}
    )
    reader = type(editor_client)()
    for url in [BINANCE, "/timeline/", "/sources/003_4ad433f5cb8dccfd.txt/", "/feed/"]:
        assert plea.title not in public(reader, url), url
    # Its date no longer decides a public dispute either: 003's order is not shown.
    complaint = between_entry(public(reader, BINANCE), "complaint")
    assert "Sources disagree" not in complaint


def test_the_case_page_lists_entries_without_editing_them(editor_client, seeded):
    case = Case.objects.get(slug="sec-v-binance")
    page = editor_client.get(change_url(case))
    html = page.content.decode()
    assert 'name="filings-0-title"' not in html
    assert "Joint stipulation dismisses the case with prejudice" in html


def test_a_stale_citation_inline_is_refused(client, seeded, make_editor):
    first, second = type(client)(), type(client)()
    first.force_login(make_editor("alice"))
    second.force_login(make_editor("bob"))
    dismissal = filing("dismissal")
    citation = dismissal.citations.order_by("pk").first()
    bob_page = second.get(change_url(dismissal))

    alice_page = first.get(change_url(citation))
    first.post(change_url(citation), admin_form_data(alice_page, note="Alice's note"))
    data = admin_form_data(bob_page)
    data["citations-0-note"] = "Bob's note"
    response = second.post(change_url(dismissal), data)

    assert response.status_code == 200
    inline = response.context["inline_admin_formsets"][0].formset
    assert "Not saved: alice saved this citation" in str(inline.forms[0].non_field_errors())
    citation.refresh_from_db()
    assert citation.note == "Alice's note"


def test_a_citation_changed_elsewhere_does_not_block_saving_its_entry_untouched(
    client, seeded, make_editor
):
    """The entry's save leaves the citation as it is, so there is nothing to refuse."""
    first, second = type(client)(), type(client)()
    first.force_login(make_editor("alice"))
    second.force_login(make_editor("bob"))
    dismissal = filing("dismissal")
    citation = dismissal.citations.order_by("pk").first()
    bob_page = second.get(change_url(dismissal))

    alice_page = first.get(change_url(citation))  # the number is not on the entry's page
    alice_saved = first.post(change_url(citation), admin_form_data(alice_page, reported_number=3))
    assert alice_saved.status_code == 302
    response = second.post(change_url(dismissal), admin_form_data(bob_page, title="Bob's title"))

    assert response.status_code == 302
    citation.refresh_from_db()
    assert citation.reported_number == 3 and citation.version == 2
    dismissal.refresh_from_db()
    assert dismissal.title == "Bob's title"


def test_two_editors_on_a_party_cannot_overwrite_each_other(client, seeded, make_editor):
    first, second = type(client)(), type(client)()
    first.force_login(make_editor("alice"))
    second.force_login(make_editor("bob"))
    zhao = Party.objects.get(slug="changpeng-zhao")
    alice_page, bob_page = first.get(change_url(zhao)), second.get(change_url(zhao))
    first.post(change_url(zhao), admin_form_data(alice_page, description="Alice's words"))
    response = second.post(change_url(zhao), admin_form_data(bob_page, description="Bob's"))
    assert response.status_code == 200
    assert "Not saved: alice saved this party" in str(
        response.context["adminform"].form.non_field_errors()
    )
    zhao.refresh_from_db()
    assert zhao.description == "Alice's words"


def test_an_entry_another_entry_is_placed_after_cannot_be_deleted(editor_client, seeded):
    plea = Filing.objects.get(case__slug="doj-binance-criminal", slug="plea")
    page = public(editor_client, f"/admin/filings/filing/{plea.pk}/delete/")
    assert "protected related objects" in page
    editor_client.post(f"/admin/filings/filing/{plea.pk}/delete/", {"post": "yes"})
    assert Filing.objects.filter(pk=plea.pk).exists()


def test_restoring_a_filing_whose_after_entry_is_gone_restores_the_rest(editor_client, seeded):
    complaint, plea = filing("complaint"), Filing.objects.get(slug="plea")
    cited = set(complaint.citations.values_list("pk", flat=True))
    first = complaint.history.get()
    editor_client.post(f"/admin/filings/filing/{complaint.pk}/delete/", {"post": "yes"})
    editor_client.post(f"/admin/filings/filing/{plea.pk}/delete/", {"post": "yes"})
    assert not Filing.objects.filter(pk__in=[complaint.pk, plea.pk]).exists()

    revert_url = f"/admin/filings/filing/{complaint.pk}/history/{first.history_id}/"
    response = editor_client.post(
        revert_url, admin_form_data(editor_client.get(revert_url)), follow=True
    )
    assert "without its “after” entry, which has been deleted" in response.content.decode()
    restored = Filing.objects.get(pk=complaint.pk)
    assert set(restored.citations.values_list("pk", flat=True)) == cited
    assert not restored.citations.filter(reported_after__isnull=False).exists()


def test_publishing_an_entry_of_a_draft_case_says_readers_wont_see_it_yet(editor_client, seeded):
    case = Case.objects.get(slug="sec-v-kraken")
    editor_client.post("/admin/cases/case/", {"action": "unpublish", "_selected_action": [case.pk]})
    closure = Filing.objects.get(case=case)
    editor_client.post(
        "/admin/filings/filing/", {"action": "unpublish", "_selected_action": [closure.pk]}
    )
    response = editor_client.post(
        "/admin/filings/filing/",
        {"action": "publish", "_selected_action": [closure.pk]},
        follow=True,
    )
    assert "1 of them belong to a draft case" in response.content.decode()


def test_the_deleted_list_shows_each_filing_once_at_a_fixed_query_cost(
    editor_client, seeded, django_assert_max_num_queries
):
    for slug in ["binance-response", "binance-welcomes-dismissal", "zhao-released"]:
        editor_client.post(
            f"/admin/filings/filing/{Filing.objects.get(slug=slug).pk}/delete/", {"post": "yes"}
        )
    with django_assert_max_num_queries(6):
        html = public(editor_client, "/admin/filings/filing/deleted/")
    assert html.count('/history/">') == 3


def test_a_view_only_user_cannot_revert(client, seeded, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_filing"))
    client.force_login(viewer)
    dismissal = filing("dismissal")
    record = dismissal.history.get()
    url = f"/admin/filings/filing/{dismissal.pk}/history/{record.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "Changed"}).status_code == 403
    dismissal.refresh_from_db()
    assert dismissal.title == record.title


def test_admin_login_is_throttled_after_repeated_failures(client, make_editor, settings):
    make_editor("ed")  # password "x"
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        failed = client.post("/admin/login/", {"username": "ed", "password": "wrong"})
        assert failed.status_code == 200  # the form again, with its error
    locked = client.post("/admin/login/", {"username": "ed", "password": "wrong"})
    assert locked.status_code == 429
    # Even the right password is refused while locked out.
    assert client.post("/admin/login/", {"username": "ed", "password": "x"}).status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_good_login_works_and_resets_the_count(client, make_editor, settings):
    make_editor("ed")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post("/admin/login/", {"username": "ed", "password": "wrong"})
    response = client.post("/admin/login/", {"username": "ed", "password": "x"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


# The entry's page: its date check, adding entries to a case, citations (issue 14)


def ripple_entry():
    """An entry whose two sources give four dates: ripple-a June 2025 twice, ripple-b
    August 2025 in paragraph 3 and March 2025 in paragraph 7."""
    entry = FilingFactory(title="Court approves the settlement", date="2025")
    ripple_a = SourceFactory(key="ripple-a")
    ripple_b = SourceFactory(key="ripple-b")
    for source, locator, date in [
        (ripple_a, 2, "2025-06"),
        (ripple_a, 5, "2025-06"),
        (ripple_b, 3, "2025-08"),
        (ripple_b, 7, "2025-03"),
    ]:
        CitationFactory(source=source, locator=locator, filing=entry, reported_date=date)
    return entry


RIPPLE_VERSIONS = (
    "ripple-a says June 2025 (paras. 2 and 5); ripple-b gives two dates: "
    "August 2025 (para. 3) and March 2025 (para. 7)"
)


def test_a_disputed_entrys_date_check_lists_each_sources_version(editor_client):
    entry = ripple_entry()
    html = public(editor_client, change_url(entry))
    assert f"Sources disagree on this date: {RIPPLE_VERSIONS}." in html
    assert "No doubts about this date." not in html


def test_an_entry_whose_sources_agree_has_no_doubts_about_its_date(editor_client):
    entry = FilingFactory(date="2025-06")
    CitationFactory(filing=entry, reported_date="2025-06-12")
    html = public(editor_client, change_url(entry))
    assert "No doubts about this date." in html
    assert "Sources disagree" not in html


def test_saving_a_disputed_entry_names_a_source_that_disagrees_with_itself_once(editor_client):
    entry = ripple_entry()
    page = editor_client.get(change_url(entry))
    response = editor_client.post(change_url(entry), admin_form_data(page), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert (
        f"Sources now disagree on the date of “Court approves the settlement”: {RIPPLE_VERSIONS}. "
        "Readers will see “Sources disagree” with each version."
    ) in messages


def post_entry(client, case, **fields):
    return client.post(
        "/admin/filings/filing/add/",
        {
            "case": case.pk,
            "kind": "order",
            "title": "Court sets a hearing",
            "slug": "hearing",
            "citations-TOTAL_FORMS": 0,
            "citations-INITIAL_FORMS": 0,
            **fields,
        },
        follow=True,
    )


def test_an_entry_added_without_a_sequence_comes_after_the_cases_last_with_a_gap(editor_client):
    case = CaseFactory()
    for sequence in (10, 20, 25):
        FilingFactory(case=case, sequence=sequence)
    response = post_entry(editor_client, case, sequence="")
    assert Filing.objects.get(case=case, slug="hearing").sequence == 30
    messages = [str(message) for message in response.context["messages"]]
    assert "Numbered 30, after the case's last entry." in messages


def test_an_entry_added_with_a_sequence_keeps_it(editor_client):
    case = CaseFactory()
    FilingFactory(case=case, sequence=10)
    post_entry(editor_client, case, sequence=5)
    assert Filing.objects.get(case=case, slug="hearing").sequence == 5


def test_the_entry_form_says_the_sequence_may_be_left_blank(editor_client):
    form = editor_client.get("/admin/filings/filing/add/").context["adminform"].form
    assert not form.fields["sequence"].required
    assert "Left blank, it is set after the case's last entry" in form.fields["sequence"].help_text


def test_the_add_entry_form_takes_the_case_from_the_address_and_the_slug_from_the_title(
    editor_client,
):
    case = CaseFactory(caption="SEC v. Ripple")
    response = editor_client.get(f"/admin/filings/filing/add/?case={case.pk}")
    assert response.context["adminform"].form["case"].value() == str(case.pk)
    html = response.content.decode()
    assert f'<option value="{case.pk}" selected>SEC v. Ripple</option>' in html
    (prepopulated,) = [
        tag for tag in parse(html).find_all("script") if "data-prepopulated-fields" in tag.attrs
    ]
    fields = json.loads(prepopulated.attrs["data-prepopulated-fields"])
    assert [(f["id"], f["dependency_ids"]) for f in fields] == [("#id_slug", ["#id_title"])]


# Citations: where the words are, what differs, and room to read them


@pytest.fixture
def cited_text(db):
    """A source with a text written for these tests, and an entry to cite it."""
    source = SourceFactory(key="notice.txt")
    SourceText.objects.create(
        source=source,
        text="Regulator drops its suit against the exchange\n\n"
        "The agency’s lawyers filed a short notice on a Tuesday.\n"
        "A spokesperson said the matter was closed for good.\n",
    )
    return source, FilingFactory()


def citation_error(source, filing, locator, key_phrase, field="key_phrase"):
    citation = Citation(source=source, filing=filing, locator=locator, key_phrase=key_phrase)
    with pytest.raises(ValidationError) as raised:
        citation.full_clean()
    return raised.value.message_dict[field]


def test_words_in_another_paragraph_say_which(cited_text):
    assert citation_error(*cited_text, 2, "the matter was closed") == [
        "These words are in paragraph 3 of notice.txt, not paragraph 2."
    ]


def test_words_typed_with_a_straight_apostrophe_say_the_text_has_a_curly_one(cited_text):
    assert citation_error(*cited_text, 2, "agency's lawyers") == [
        "These words are not in paragraph 2 of notice.txt as typed. "
        "The text has “agency’s” (curly apostrophe) where you typed “agency's”."
    ]


def test_a_locator_beyond_the_text_says_how_many_paragraphs_it_has(cited_text):
    assert citation_error(*cited_text, 4, "closed", field="locator") == [
        "The text of notice.txt has 3 paragraphs."
    ]


def test_the_citation_row_says_what_differs_when_an_entry_is_saved(editor_client, cited_text):
    source, entry = cited_text
    CitationFactory(source=source, filing=entry, locator=2, key_phrase="a short notice")
    page = editor_client.get(change_url(entry))
    data = admin_form_data(page, **{"citations-0-key_phrase": "the agency’s lawyers"})
    response = editor_client.post(change_url(entry), data)
    assert response.status_code == 200
    row = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert row.errors["key_phrase"] == [
        "These words are not in paragraph 2 of notice.txt as typed. "
        "The text starts with a capital: “The”."
    ]


def test_the_key_phrase_box_is_wide_enough_to_read_the_phrase_back(editor_client):
    entry_page = editor_client.get("/admin/filings/filing/add/")
    citation_page = editor_client.get("/admin/filings/citation/add/")
    for form in (
        entry_page.context["inline_admin_formsets"][0].formset.empty_form,
        citation_page.context["adminform"].form,
    ):
        attrs = form.fields["key_phrase"].widget.attrs
        assert (attrs["class"], attrs["rows"]) == ("vLargeTextField", 2)  # 48em, two lines
