"""Citing from a source's text: the citation form, pre-filled from a link, and
saving it for an existing entry, claim or case fact, or a new draft entry."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import Case
from filings.models import Citation, Filing
from tests.factories import CaseFactory, ClaimFactory, FilingFactory, SourceFactory
from tests.helpers import get, parse
from workbench.models import SourceText

# Written for these tests, in our own words.
TEXT = """A regulator sues a token exchange
The agency filed its complaint in June 2023, over sales it called unregistered.
The two sides told the court on May 29 that they wanted to settle the matter.
"""


@pytest.fixture
def source(db):
    source = SourceFactory(key="token-exchange.txt")
    SourceText.objects.create(source=source, text=TEXT)
    return source


def cite_url(source):
    return reverse("admin:workbench_cite", args=[source.pk])


def form_values(html):
    form = parse(html).find("form", cls="wb-cite")
    values = {
        field.attrs["name"]: field.attrs.get("value", "")
        for field in form.find_all("input")
        if "name" in field.attrs and field.attrs.get("type") != "radio"
    }
    values["text"] = form.find("textarea", id="cite_text").text
    return values


def new_entry(source, **changes):
    """The posted form for words of paragraph 2 citing a new entry in a new case."""
    return {
        "paragraph": "2",
        "key_phrase": "filed its complaint in June 2023",
        "reported_date": "June 2023",
        "note": "",
        "target": "new",
        "new_case_caption": "Agency v. Token Exchange",
        "new_case_status": "active",
        "kind": "complaint",
        "title": "The agency files its complaint",
        "date": "",
        **changes,
    }


def test_the_cite_form_opens_at_the_paragraph_with_the_words_and_their_date(editor_client, source):
    html = get(editor_client, cite_url(source) + "?paragraph=2&phrase=complaint+in+June+2023")
    values = form_values(html)
    assert values["paragraph"] == "2"
    assert values["key_phrase"] == "complaint in June 2023"
    assert values["reported_date"] == values["date"] == "2023-06"
    assert values["text"] == TEXT.splitlines()[1]


def test_a_date_without_a_year_leaves_the_year_to_the_editor_and_starts_the_note(
    editor_client, source
):
    values = form_values(get(editor_client, cite_url(source) + "?paragraph=3&date=--05-29"))
    assert values["reported_date"] == "" and values["date"] == ""
    assert values["note"] == "Year not stated; the text gives “May 29”."


@pytest.mark.parametrize("paragraph", ["0", "abc", "4", "", "-2", "99999999999999999999", "²"])
def test_a_link_to_a_paragraph_that_is_not_there_says_which_there_are(
    editor_client, source, paragraph
):
    html = get(editor_client, cite_url(source) + f"?paragraph={paragraph}&date=nonsense")
    assert f"The text of {source.key} has paragraphs 1 to 3." in html


def test_a_source_without_text_cannot_be_cited_yet(editor_client, db):
    source = SourceFactory()
    html = get(editor_client, cite_url(source) + "?paragraph=1")
    assert "has no text yet" in html


def test_citing_new_words_makes_a_draft_case_and_entry_with_history_and_returns_to_them(
    editor_client, source
):
    response = editor_client.post(cite_url(source), new_entry(source))
    change = reverse("admin:filings_source_change", args=[source.pk])
    assert response.status_code == 302 and response.url == f"{change}#p-2"

    case = Case.objects.get(caption="Agency v. Token Exchange")
    entry = Filing.objects.get(case=case)
    citation = Citation.objects.get(filing=entry)
    assert (case.slug, case.status, case.is_published) == (
        "agency-v-token-exchange",
        "active",
        False,
    )
    assert (entry.slug, entry.kind, str(entry.date), entry.is_published) == (
        "the-agency-files-its-complaint",
        "complaint",
        "June 2023",
        False,
    )
    assert entry.sequence == 10
    assert (citation.source, citation.locator, citation.key_phrase) == (
        source,
        2,
        "filed its complaint in June 2023",
    )
    assert str(citation.reported_date) == "June 2023"
    for obj in (case, entry, citation):
        assert obj.history.get().history_user.username == "editor"

    page = get(editor_client, change)
    assert "<mark>filed its complaint in June 2023</mark>" in page


def test_a_new_entry_in_an_existing_case_gets_a_slug_of_its_own(editor_client, source):
    case = CaseFactory()
    FilingFactory(case=case, slug="the-agency-files-its-complaint", sequence=40)
    data = new_entry(source, new_case_caption="", case=case.pk, date="2023-06-05")
    assert editor_client.post(cite_url(source), data).status_code == 302
    entry = Filing.objects.get(case=case, sequence=50)
    assert entry.slug == "the-agency-files-its-complaint-2"
    assert str(entry.date) == "June 5, 2023"  # the adopted date, given, wins


def test_citing_an_existing_entry_with_another_date_says_the_sources_disagree(
    editor_client, source
):
    entry = FilingFactory(date="2023-07")
    data = {
        "paragraph": "2",
        "key_phrase": "complaint in June 2023",
        "reported_date": "2023-06",
        "target": "entry",
        "entry": entry.pk,
        "new_case_status": "active",
    }
    response = editor_client.post(cite_url(source), data, follow=True)
    assert "Sources now disagree" in response.content.decode()
    assert Filing.objects.get(pk=entry.pk).is_disputed


def test_citing_a_claim_and_a_case_fact(editor_client, source):
    claim = ClaimFactory()
    common = {"paragraph": "2", "new_case_status": "active"}
    data = {**common, "key_phrase": "sales it called unregistered", "target": "claim"}
    assert editor_client.post(cite_url(source), {**data, "claim": claim.pk}).status_code == 302
    data = {**common, "key_phrase": "The agency", "target": "fact", "case": claim.case.pk}
    data |= {"fact": "claims_total", "reported_number": "3"}
    assert editor_client.post(cite_url(source), data).status_code == 302
    assert Citation.objects.get(claim=claim).key_phrase == "sales it called unregistered"
    assert Citation.objects.get(case=claim.case, fact="claims_total").reported_number == 3


def errors_of(response):
    assert response.status_code == 200
    return response.content.decode()


def test_words_not_in_the_paragraph_are_refused_and_the_input_kept(editor_client, source):
    data = new_entry(source, key_phrase="filed a complaint in June 2023")
    html = errors_of(editor_client.post(cite_url(source), data))
    assert "not in paragraph 2" in html
    assert form_values(html)["key_phrase"] == "filed a complaint in June 2023"
    assert form_values(html)["title"] == "The agency files its complaint"
    assert not Case.objects.exists() and not Citation.objects.exists()


def test_a_phrase_of_more_than_twelve_words_is_refused(editor_client, source):
    words = "The agency filed its complaint in June 2023, over sales it called unregistered"
    html = errors_of(editor_client.post(cite_url(source), new_entry(source, key_phrase=words)))
    assert "at most 12 words; this one has 13" in html
    assert not Citation.objects.exists()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"new_case_caption": ""}, "Choose the entry&#x27;s case"),
        ({"case": "PLACEHOLDER"}, "Choose a case or give a new one"),
        ({"title": ""}, "Give the entry a title."),
        ({"reported_date": "sometime"}, "“sometime” is not"),
        ({"reported_date": "1850"}, "Enter a year from 1900 to 2100"),
        ({"target": "entry"}, "Choose the entry these words cite."),
        ({"paragraph": "0"}, "Ensure this value is greater than or equal to 1."),
        ({"paragraph": "abc"}, "Enter a whole number."),
        ({"paragraph": "9"}, "has paragraphs 1 to 3, not 9"),
        ({"paragraph": "²"}, "Enter a whole number."),
        ({"target": "entry", "entry": "²"}, "Select a valid choice."),
        ({"target": "entry", "entry": "99999999999999999999"}, "Select a valid choice."),
        ({"new_case_caption": "", "case": "²"}, "Select a valid choice."),
        ({"new_case_caption": "", "case": "99999999999999999999"}, "Select a valid choice."),
        ({"target": "claim", "claim": "-1"}, "Select a valid choice."),
    ],
)
def test_a_form_with_a_mistake_says_what_to_do(editor_client, source, changes, message):
    if changes.get("case") == "PLACEHOLDER":
        changes["case"] = CaseFactory().pk
    response = editor_client.post(cite_url(source), new_entry(source, **changes))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Citation.objects.exists()


def test_citing_the_same_words_for_the_same_entry_twice_is_refused(editor_client, source):
    entry = FilingFactory(title="The complaint")
    data = {
        "paragraph": "2",
        "key_phrase": "filed its complaint",
        "target": "entry",
        "entry": entry.pk,
        "new_case_status": "active",
    }
    assert editor_client.post(cite_url(source), data).status_code == 302
    html = errors_of(editor_client.post(cite_url(source), data))
    assert "The entry “The complaint” already cites these words of paragraph 2." in html


def test_an_editor_without_permission_to_add_citations_cannot_cite(
    client, source, make_editor, django_user_model
):
    viewer = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    editors = Group.objects.get(name="Editors")
    viewer.user_permissions.set(
        editors.permissions.exclude(codename__in=["add_citation", "add_filing"])
    )
    client.force_login(viewer)
    assert client.get(cite_url(source) + "?paragraph=2").status_code == 403
    assert client.post(cite_url(source), new_entry(source)).status_code == 403
    assert not Citation.objects.exists()
    page = get(client, reverse("admin:filings_source_change", args=[source.pk]))
    assert "wb-cite-link" not in page and 'id="cite-panel"' not in page


def sign_in_without(client, django_user_model, *taken):
    """Signs in a staff user with the Editors group's permissions less ``taken``
    ("app.codename" each)."""
    user = django_user_model.objects.create_user("limited", password="x", is_staff=True)
    permissions = Group.objects.get(name="Editors").permissions.all()
    for name in taken:
        app, codename = name.split(".")
        permissions = permissions.exclude(content_type__app_label=app, codename=codename)
    user.user_permissions.set(permissions)
    client.force_login(user)
    return client


@pytest.mark.parametrize("taken", ["filings.change_source", "filings.add_citation"])
def test_citing_needs_permission_to_change_the_source_and_add_citations(
    client, source, make_editor, django_user_model, taken
):
    client = sign_in_without(client, django_user_model, taken)
    assert client.get(cite_url(source) + "?paragraph=2").status_code == 403
    assert client.post(cite_url(source), new_entry(source)).status_code == 403
    page = get(client, reverse("admin:filings_source_change", args=[source.pk]))
    assert "wb-cite-link" not in page and 'id="cite-panel"' not in page
    assert not Citation.objects.exists()


def cite_data(target):
    """A posted citation of each target, with the objects it needs."""
    common = {"paragraph": "2", "key_phrase": "The agency", "target": target}
    if target == "entry":
        return {**common, "entry": FilingFactory().pk}
    if target == "claim":
        return {**common, "claim": ClaimFactory().pk}
    if target == "fact":
        return {**common, "case": CaseFactory().pk, "fact": "claims_total", "reported_number": 3}
    return {**common, "case": CaseFactory().pk, "kind": "complaint", "title": "A complaint"}


@pytest.mark.parametrize(
    "target,taken",
    [
        ("entry", "filings.change_filing"),
        ("claim", "cases.change_claim"),
        ("fact", "cases.change_case"),
        ("new", "filings.add_filing"),
    ],
)
def test_each_target_needs_permission_to_change_or_add_it(
    client, source, make_editor, django_user_model, target, taken
):
    data = cite_data(target)
    client = sign_in_without(client, django_user_model, taken)
    html = errors_of(client.post(cite_url(source), data))
    assert "Select a valid choice." in html
    assert not Citation.objects.exists() and Filing.objects.count() == (target == "entry")
    radios = parse(get(client, cite_url(source) + "?paragraph=2")).find_all("input", type="radio")
    assert target not in [radio.attrs["value"] for radio in radios]


def test_a_new_case_needs_permission_to_add_cases(client, source, make_editor, django_user_model):
    client = sign_in_without(client, django_user_model, "cases.add_case")
    html = errors_of(client.post(cite_url(source), new_entry(source)))
    assert "Your account may not add cases: choose an existing case." in html
    assert not Case.objects.exists() and not Citation.objects.exists()
    # An existing case will do.
    data = new_entry(source, new_case_caption="", new_case_status="", case=CaseFactory().pk)
    assert client.post(cite_url(source), data).status_code == 302
    assert Citation.objects.get().filing.case.caption != "Agency v. Token Exchange"


def test_the_new_case_status_is_needed_only_for_a_new_case_and_defaults_to_active(
    editor_client, source
):
    data = new_entry(source)
    del data["new_case_status"]
    assert editor_client.post(cite_url(source), data).status_code == 302
    assert Case.objects.get().status == Case.Status.ACTIVE
    claim = ClaimFactory()
    data = {"paragraph": "2", "key_phrase": "The agency", "target": "claim", "claim": claim.pk}
    assert editor_client.post(cite_url(source), data).status_code == 302


def test_the_cite_form_takes_a_few_queries(editor_client, source, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        get(editor_client, cite_url(source) + "?paragraph=2&phrase=filed")
    with django_assert_max_num_queries(30):
        editor_client.post(cite_url(source), new_entry(source))
