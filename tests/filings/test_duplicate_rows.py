"""A row that repeats another of the same parent is a form error on that row, not a 500.

Django's inline formsets leave out the unique constraints that name the parent
(the form's foreign key is excluded from model validation) and compare rows by
unconditional ones only; the database then refused the save with an
IntegrityError. The citation admin, which does check them, said only
"Constraint “unique_filing_citation” is violated."
"""

import pytest

from cases.models import Alias, Claim
from filings.models import Citation, Filing
from tests.helpers import admin_form_data, change_url


@pytest.fixture
def dismissal(seeded):
    return Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")


def add_row(data, prefix, **values):
    """The values of one more row, as the admin's "Add another" would post them."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    for name, value in values.items():
        data[f"{prefix}-{total}-{name}"] = value
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    return data


def copy_of(citation):
    return {
        "source": citation.source_id,
        "locator": citation.locator,
        "key_phrase": citation.key_phrase,
    }


def row_errors(response, prefix):
    formset = next(
        inline.formset
        for inline in response.context["inline_admin_formsets"]
        if inline.formset.prefix == prefix
    )
    return [[str(e) for e in form.non_field_errors()] for form in formset.forms]


def test_a_new_citation_repeating_a_stored_one_is_an_error_on_its_row(editor_client, dismissal):
    stored = dismissal.citations.order_by("pk").first()
    before = list(Citation.objects.values_list("pk", "version"))
    data = admin_form_data(editor_client.get(change_url(dismissal)), title="New title")
    add_row(data, "citations", **copy_of(stored), note="Typed by the editor")

    response = editor_client.post(change_url(dismissal), data)

    assert response.status_code == 200
    errors = row_errors(response, "citations")
    assert errors[-1] == [
        f"This entry already cites these words of {stored.source}, paragraph {stored.locator}."
    ]
    assert not any(errors[:-1])
    assert "Typed by the editor" in response.content.decode()
    assert list(Citation.objects.values_list("pk", "version")) == before
    dismissal.refresh_from_db()
    assert dismissal.title != "New title" and dismissal.version == 1


def test_two_identical_new_citations_are_an_error_on_the_second(editor_client, dismissal):
    stored = dismissal.citations.order_by("pk").first()
    count = Citation.objects.count()
    data = admin_form_data(editor_client.get(change_url(dismissal)))
    new = {"source": stored.source_id, "locator": stored.locator, "key_phrase": "joint stipulation"}
    add_row(data, "citations", **new, note="The first of two")
    add_row(data, "citations", **new, note="The second of two")

    response = editor_client.post(change_url(dismissal), data)

    assert response.status_code == 200
    errors = row_errors(response, "citations")
    assert errors[-1] == [
        f"This entry already cites these words of {stored.source}, paragraph {stored.locator}."
    ]
    assert not any(errors[:-1])
    page = response.content.decode()
    assert "The first of two" in page and "The second of two" in page
    assert Citation.objects.count() == count


def test_two_identical_citations_on_a_new_entry_are_an_error(editor_client, dismissal):
    stored = dismissal.citations.order_by("pk").first()
    count = Filing.objects.count()
    data = admin_form_data(
        editor_client.get("/admin/filings/filing/add/"),
        case=dismissal.case_id,
        slug="new-entry",
        sequence=1000,
        kind="other",
        title="A new entry",
    )
    add_row(data, "citations", **copy_of(stored))
    add_row(data, "citations", **copy_of(stored))

    response = editor_client.post("/admin/filings/filing/add/", data)

    assert response.status_code == 200
    assert row_errors(response, "citations") == [
        [],
        [f"This entry already cites these words of {stored.source}, paragraph {stored.locator}."],
    ]
    assert Filing.objects.count() == count


def test_a_citation_changed_to_repeat_another_of_its_entry_is_an_error(editor_client, dismissal):
    first, second = dismissal.citations.order_by("pk")[:2]
    data = admin_form_data(editor_client.get(change_url(dismissal)))
    for name, value in copy_of(first).items():
        data[f"citations-1-{name}"] = value

    response = editor_client.post(change_url(dismissal), data)

    assert response.status_code == 200
    errors = row_errors(response, "citations")
    assert errors[1] == [
        f"This entry already cites these words of {first.source}, paragraph {first.locator}."
    ]
    assert Citation.objects.get(pk=second.pk).key_phrase == second.key_phrase


def test_the_citation_admin_refuses_a_duplicate_with_a_clear_error(editor_client, dismissal):
    stored = dismissal.citations.order_by("pk").first()
    count = Citation.objects.count()
    page = editor_client.get("/admin/filings/citation/add/")
    data = admin_form_data(page, **copy_of(stored), filing=dismissal.pk)

    response = editor_client.post("/admin/filings/citation/add/", data)

    assert response.status_code == 200
    assert [str(e) for e in response.context["adminform"].form.non_field_errors()] == [
        f"The entry “{dismissal}” already cites these words of {stored.source}, "
        f"paragraph {stored.locator}."
    ]
    assert Citation.objects.count() == count


@pytest.mark.parametrize(
    "target, says",
    [
        ("claim", lambda c: f"The claim “{c.claim}” already cites"),
        ("case", lambda c: f"For “{c.get_fact_display()}”, the case “{c.case}” already cites"),
    ],
    ids=["claim", "case_fact"],
)
def test_the_citation_admin_refuses_a_duplicate_claim_or_case_fact_citation(
    editor_client, seeded, target, says
):
    stored = Citation.objects.filter(**{f"{target}__isnull": False}).order_by("pk").first()
    count = Citation.objects.count()
    page = editor_client.get("/admin/filings/citation/add/")
    data = admin_form_data(page, **copy_of(stored), **{target: getattr(stored, f"{target}_id")})
    if stored.fact:
        data["fact"] = stored.fact

    response = editor_client.post("/admin/filings/citation/add/", data)

    assert response.status_code == 200
    expected = says(stored) + (f" these words of {stored.source}, paragraph {stored.locator}.")
    assert [str(e) for e in response.context["adminform"].form.non_field_errors()] == [expected]
    assert Citation.objects.count() == count


def test_an_alias_another_editor_added_meanwhile_is_an_error_on_the_new_row(editor_client, seeded):
    party = Alias.objects.order_by("pk").first().party
    data = admin_form_data(editor_client.get(change_url(party)))
    Alias.objects.create(party=party, name="Added meanwhile")  # not in the editor's form
    add_row(data, "aliases", name="Added meanwhile")

    response = editor_client.post(change_url(party), data)

    assert response.status_code == 200
    assert row_errors(response, "aliases")[-1] == ["Another alias of this party has the same name."]
    assert party.aliases.filter(name="Added meanwhile").count() == 1


def test_a_duplicate_claim_slug_on_a_case_is_an_error_on_its_row(editor_client, seeded):
    claim = Claim.objects.order_by("pk").first()
    case = claim.case
    data = admin_form_data(editor_client.get(change_url(case)))
    add_row(
        data,
        "claims",
        slug=claim.slug,
        title="Another claim",
        position=99,
        disposition=claim.disposition,
    )

    response = editor_client.post(change_url(case), data)

    assert response.status_code == 200
    assert row_errors(response, "claims")[-1] == ["Another claim of this case has the same slug."]
    assert not Claim.objects.filter(title="Another claim").exists()


def test_a_citation_deleted_and_added_again_in_one_save_is_no_repeat(editor_client, dismissal):
    """Deletions go first, so the new row repeats nothing once saved."""
    page = editor_client.get(change_url(dismissal))
    rows = [form.instance.pk for form in page.context["inline_admin_formsets"][0].formset.forms]
    deleted = Citation.objects.get(pk=rows[0])
    data = admin_form_data(page)
    data["citations-0-DELETE"] = "on"
    add_row(data, "citations", **copy_of(deleted), note="Added again")

    assert editor_client.post(change_url(dismissal), data).status_code == 302

    again = dismissal.citations.get(note="Added again")
    assert again.pk != deleted.pk and copy_of(again) == copy_of(deleted)
    assert not Citation.objects.filter(pk=deleted.pk).exists()
