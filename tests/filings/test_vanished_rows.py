"""An inline row another editor deleted (or moved) after the form was opened.

It used to trap the form: its hidden id failed with "Select a valid choice",
an error the admin does not show, so every save ended in "Please correct the
error below." with nothing to correct. Now the row is left out, the rest of the
editor's input is saved, and the editor is told, with what they had entered in it.
"""

import pytest

from cases.models import Case, CaseParty, Claim
from filings.models import Citation, Filing
from tests.helpers import admin_form_data, change_url

TASK_FORCE = (
    "SEC drops Binance case (report with a timeline), para. 2: "
    "“citing its newly formed Crypto Task Force”"
)


@pytest.fixture
def alice(client, make_editor):
    browser = type(client)()
    browser.force_login(make_editor("alice"))
    return browser


@pytest.fixture
def bob(client, make_editor):
    browser = type(client)()
    browser.force_login(make_editor("bob"))
    return browser


@pytest.fixture
def dismissal(seeded):
    return Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")


@pytest.fixture
def rows(dismissal):
    """The entry's citations, in the order of its form's rows 0-4; row 1 is TASK_FORCE."""
    pks = list(dismissal.citations.values_list("pk", flat=True))
    assert len(pks) == 5 and str(Citation.objects.get(pk=pks[1])) == TASK_FORCE
    return pks


def without_row_1(rows):
    return [rows[0], *rows[2:]]


def cited(entry):
    return list(entry.citations.values_list("pk", flat=True))


def shown_messages(response):
    return [str(message) for message in response.context["messages"]]


def response_rows(response, prefix):
    """The rows of one inline, as the page shows them."""
    return next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )


def citation_rows(response):
    return response_rows(response, "citations")


def delete_on_the_entry_page(browser, entry, row):
    """Another editor ticks "Delete" on one of the entry's citations and saves the entry."""
    data = admin_form_data(browser.get(change_url(entry)))
    data[f"citations-{row}-DELETE"] = "on"
    assert browser.post(change_url(entry), data).status_code == 302


def test_a_citation_deleted_by_another_editor_is_left_out_and_the_rest_is_saved(
    alice, bob, dismissal, rows
):
    page = alice.get(change_url(dismissal))
    data = admin_form_data(page, title="Alice's title")
    data["citations-3-note"] = "Alice's note"
    deleted = bob.post(f"/admin/filings/citation/{rows[1]}/delete/", {"post": "yes"})
    assert deleted.status_code == 302 and not Citation.objects.filter(pk=rows[1]).exists()

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.redirect_chain == [("/admin/filings/filing/", 302)]
    assert (
        f"The citation ({TASK_FORCE}) was deleted by bob after you opened this page, "
        "so this filing was saved without it."
    ) in shown_messages(response)
    assert "was deleted by bob after you opened this page" in response.content.decode()
    dismissal.refresh_from_db()
    assert dismissal.title == "Alice's title"
    assert Citation.objects.get(pk=rows[3]).note == "Alice's note"
    assert cited(dismissal) == without_row_1(rows)


def test_a_citation_deleted_on_the_entry_page_does_not_block_the_save(alice, bob, dismissal, rows):
    """Deleting it there saves the entry too, so its version moves on; nothing of the
    entry's own changed, though, so that is no conflict."""
    data = admin_form_data(alice.get(change_url(dismissal)), title="Alice's title")
    delete_on_the_entry_page(bob, dismissal, row=1)
    dismissal.refresh_from_db()
    assert dismissal.version == 2

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.redirect_chain == [("/admin/filings/filing/", 302)]
    assert any(
        message.startswith(f"The citation ({TASK_FORCE}) was deleted by bob")
        for message in shown_messages(response)
    )
    dismissal.refresh_from_db()
    assert dismissal.title == "Alice's title" and dismissal.version == 3
    assert cited(dismissal) == without_row_1(rows)


def test_what_the_editor_had_entered_in_a_deleted_citation_is_shown_to_them(
    alice, bob, dismissal, rows
):
    data = admin_form_data(alice.get(change_url(dismissal)), title="Alice's title")
    data["citations-1-key_phrase"] = "newly formed Crypto Task Force"
    data["citations-1-note"] = "Alice's note"
    Citation.objects.get(pk=rows[1]).delete()

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.status_code == 200
    assert (
        f"The citation ({TASK_FORCE}) was deleted by a script after you opened this page, "
        "so this filing was saved without it. Your changes to it could not be saved; "
        "you had entered Key phrase: “newly formed Crypto Task Force”; Note: “Alice's note”."
    ) in shown_messages(response)
    assert "you had entered Key phrase" in response.content.decode()
    dismissal.refresh_from_db()
    assert dismissal.title == "Alice's title"
    assert not Citation.objects.filter(note="Alice's note").exists()
    assert not Citation.objects.filter(pk=rows[1]).exists()


def test_a_citation_the_editor_also_deleted_is_noted_as_already_gone(alice, bob, dismissal, rows):
    data = admin_form_data(alice.get(change_url(dismissal)))
    data["citations-1-DELETE"] = "on"
    data["citations-4-DELETE"] = "on"  # still there
    bob.post(f"/admin/filings/citation/{rows[1]}/delete/", {"post": "yes"})

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.redirect_chain == [("/admin/filings/filing/", 302)]
    assert (
        f"The citation ({TASK_FORCE}), which you marked for deletion, was deleted by bob "
        "after you opened this page."
    ) in shown_messages(response)
    assert cited(dismissal) == [rows[0], rows[2], rows[3]]


def test_a_citation_moved_to_another_entry_is_left_as_it_is_there(alice, bob, dismissal, rows):
    data = admin_form_data(alice.get(change_url(dismissal)))
    data["citations-1-note"] = "Alice's note"
    other = Filing.objects.get(slug="second-stay-request")
    citation_page = bob.get(f"/admin/filings/citation/{rows[1]}/change/")
    moved = bob.post(
        f"/admin/filings/citation/{rows[1]}/change/",
        admin_form_data(citation_page, filing=other.pk),
    )
    assert moved.status_code == 302

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.redirect_chain == [("/admin/filings/filing/", 302)]
    assert (
        f"The citation ({TASK_FORCE}) was moved to “{other}” by bob after you opened this "
        "page, so this filing was saved without it. Your changes to it could not be saved; "
        "you had entered Note: “Alice's note”."
    ) in shown_messages(response)
    citation = Citation.objects.get(pk=rows[1])
    assert citation.filing == other and citation.note == ""


def test_a_form_shown_again_for_another_error_has_lost_only_the_deleted_citation(
    alice, bob, dismissal, rows
):
    data = admin_form_data(alice.get(change_url(dismissal)), title="Alice's title")
    data["date"] = "2025-13"
    data["citations-3-note"] = "Alice's note"
    bob.post(f"/admin/filings/citation/{rows[1]}/delete/", {"post": "yes"})

    response = alice.post(change_url(dismissal), data)

    assert response.status_code == 200
    assert "month 13" in response.context["adminform"].form.errors["date"][0]
    assert (
        f"The citation ({TASK_FORCE}) was deleted by bob after you opened this page, "
        "so it is no longer in the form below."
    ) in shown_messages(response)
    shown = citation_rows(response)
    assert [form.instance.pk for form in shown.forms] == without_row_1(rows)
    assert shown.forms[2]["note"].value() == "Alice's note"
    assert all(not form.errors for form in shown.forms)
    assert response.context["adminform"].form["title"].value() == "Alice's title"

    # Corrected and saved again: everything but the deleted citation is saved.
    again = alice.post(change_url(dismissal), admin_form_data(response, date="2025-05-29"))
    assert again.status_code == 302
    dismissal.refresh_from_db()
    assert dismissal.title == "Alice's title" and dismissal.date.iso == "2025-05-29"
    assert Citation.objects.get(pk=rows[3]).note == "Alice's note"
    assert cited(dismissal) == without_row_1(rows)


def test_a_change_to_the_entry_itself_is_still_refused_and_says_what_changed(
    alice, bob, dismissal, rows
):
    data = admin_form_data(alice.get(change_url(dismissal)), summary="Alice's summary")
    bob_data = admin_form_data(bob.get(change_url(dismissal)), title="Bob's title")
    bob_data["citations-1-DELETE"] = "on"
    assert bob.post(change_url(dismissal), bob_data).status_code == 302

    response = alice.post(change_url(dismissal), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors[0].startswith("Not saved: bob saved this filing after you opened it")
    assert (
        "Title: “Joint stipulation dismisses the case with prejudice” → “Bob's title”"
        in (errors[0])
    )
    assert (
        f"The citation ({TASK_FORCE}) was deleted by bob after you opened this page, "
        "so it is no longer in the form below."
    ) in shown_messages(response)
    assert all(not form.errors for form in citation_rows(response).forms)
    assert "Alice&#x27;s summary" in response.content.decode()  # her input is kept
    dismissal.refresh_from_db()
    assert dismissal.summary != "Alice's summary"

    # Reloaded, as the error says, the page has Bob's version and saves.
    reloaded = alice.get(change_url(dismissal))
    assert len(citation_rows(reloaded).forms) == 4
    saved = alice.post(change_url(dismissal), admin_form_data(reloaded, summary="Alice's summary"))
    assert saved.status_code == 302
    dismissal.refresh_from_db()
    assert (dismissal.title, dismissal.summary) == ("Bob's title", "Alice's summary")


def test_a_case_party_deleted_by_another_editor_is_left_out_of_the_case_save(alice, bob, seeded):
    case = Case.objects.get(slug="sec-v-binance")
    page = alice.get(change_url(case))
    data = admin_form_data(page)
    parties = response_rows(page, "case_parties")
    claims = response_rows(page, "claims")
    gone = parties.forms[0].instance
    data["claims-0-title"] = "Alice's claim title"
    assert bob.post(f"/admin/cases/caseparty/{gone.pk}/delete/", {"post": "yes"}).status_code == 302

    response = alice.post(change_url(case), data, follow=True)

    assert response.redirect_chain == [("/admin/cases/case/", 302)]
    assert (
        f"The party in a case ({gone}) was deleted by bob after you opened this page, "
        "so this case was saved without it."
    ) in shown_messages(response)
    assert Claim.objects.get(pk=claims.forms[0].instance.pk).title == "Alice's claim title"
    assert not CaseParty.objects.filter(pk=gone.pk).exists()
    assert case.case_parties.count() == len(parties.forms) - 1


def test_a_case_whose_party_was_deleted_on_its_page_is_refused_as_a_conflict(alice, bob, seeded):
    """A case's agencies have no history, so the version check cannot tell that
    only a party changed: it refuses, and the reloaded page saves."""
    case = Case.objects.get(slug="sec-v-binance")
    data = admin_form_data(alice.get(change_url(case)), docket_number="1:23-cv-01599-X")
    bob_page = bob.get(change_url(case))
    gone = response_rows(bob_page, "case_parties").forms[0].instance
    bob_data = admin_form_data(bob_page)
    bob_data["case_parties-0-DELETE"] = "on"
    assert bob.post(change_url(case), bob_data).status_code == 302

    response = alice.post(change_url(case), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert errors[0].startswith("Not saved: bob saved this case after you opened it")
    assert (
        f"The party in a case ({gone}) was deleted by bob after you opened this page, "
        "so it is no longer in the form below."
    ) in shown_messages(response)
    assert all(not form.errors for form in response_rows(response, "case_parties").forms)

    reloaded = alice.get(change_url(case))
    saved = alice.post(change_url(case), admin_form_data(reloaded, docket_number="1:23-cv-01599-X"))
    assert saved.status_code == 302
    case.refresh_from_db()
    assert case.docket_number == "1:23-cv-01599-X"


def test_citations_are_changed_added_and_deleted_as_before(alice, dismissal, rows):
    page = alice.get(change_url(dismissal))
    data = admin_form_data(page)
    data["citations-0-note"] = "Alice's note"
    data["citations-1-DELETE"] = "on"
    data["citations-TOTAL_FORMS"] = 6
    data.update(
        {
            "citations-5-source": Citation.objects.get(pk=rows[4]).source_id,
            "citations-5-locator": 4,
            "citations-5-key_phrase": "based on policy considerations",
            "citations-5-note": "Added by Alice",
        }
    )

    response = alice.post(change_url(dismissal), data, follow=True)

    assert response.redirect_chain == [("/admin/filings/filing/", 302)]
    assert not any("after you opened this page" in m for m in shown_messages(response))
    assert Citation.objects.get(pk=rows[0]).note == "Alice's note"
    assert not Citation.objects.filter(pk=rows[1]).exists()
    added = dismissal.citations.get(note="Added by Alice")
    assert set(cited(dismissal)) == {*without_row_1(rows), added.pk}
