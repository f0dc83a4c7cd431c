"""The reading view on a source's admin page: numbered paragraphs, cited words
marked, dates found, jumping to a paragraph, and publishing from there."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from cases.models import Case
from filings.models import Filing
from tests.factories import CaseFactory, CitationFactory, FilingFactory, SourceFactory
from tests.helpers import get, parse
from workbench.models import SourceText

# Written for these tests, in our own words.
TEXT = """A regulator sues a token exchange

The agency filed its complaint on March 3, 2021, over unregistered sales.
The exchange answered in June 2022 and asked for more time.
A hearing was set for May 29, but nobody said which year.
"""


@pytest.fixture
def source(db):
    source = SourceFactory(key="token-exchange.txt", title="A regulator sues an exchange")
    SourceText.objects.create(source=source, text=TEXT)
    return source


def page_of(client, source):
    return get(client, reverse("admin:filings_source_change", args=[source.pk]))


def reading_of(html):
    return parse(html).find("section", id="reading")


def test_the_source_page_shows_its_text_as_numbered_paragraphs_with_anchors(editor_client, source):
    items = reading_of(page_of(editor_client, source)).find("ol").find_all("li", cls="wb-paragraph")
    assert [(li.attrs["id"], li.attrs["value"]) for li in items] == [
        ("p-1", "1"),
        ("p-2", "2"),
        ("p-3", "3"),
        ("p-4", "4"),
    ]
    assert items[1].find("p", cls="wb-text").text == TEXT.splitlines()[2]
    cite = items[1].find("a", cls="wb-cite-link")
    assert cite.attrs["href"] == reverse("admin:workbench_cite", args=[source.pk]) + "?paragraph=2"


def test_cited_words_are_marked_and_link_to_what_they_cite(editor_client, source):
    citation = CitationFactory(
        source=source, locator=2, key_phrase="filed its complaint", reported_date="2021-03-03"
    )
    paragraph = reading_of(page_of(editor_client, source)).find("li", id="p-2")
    assert [mark.text for mark in paragraph.find_all("mark")] == ["filed its complaint"]
    assert paragraph.find("p", cls="wb-text").text == TEXT.splitlines()[2]
    link = paragraph.find("ul", cls="wb-citations").find("a")
    assert link.attrs["href"] == reverse("admin:filings_filing_change", args=[citation.filing_id])
    assert link.text == citation.filing.title


def test_the_dates_found_show_their_precision_and_the_uncited_ones_links_to_cite_or_dismiss(
    editor_client, source
):
    CitationFactory(source=source, locator=2, key_phrase="filed", reported_date="2021-03-03")
    reading = reading_of(page_of(editor_client, source))
    cited = reading.find("li", id="p-2").find("li", cls="wb-date")
    assert "day, 2021-03-03" in cited.text and "cited" in cited.text
    month = reading.find("li", id="p-3").find("li", cls="wb-date")
    assert "month, 2022-06" in month.text and "uncited" in month.text
    links = {a.text: a.attrs["href"] for a in month.find_all("a")}
    assert "paragraph=3" in links["Cite"] and "date=2022-06" in links["Cite"]
    assert links["Not a fact for the record"].startswith(
        reverse("admin:workbench_dismiss", args=[source.pk])
    )
    yearless = reading.find("li", id="p-4").find("li", cls="wb-date")
    assert "--05-29" in yearless.text and "no year given" in yearless.text


def test_an_entry_whose_sources_disagree_says_so_in_the_reading_view(editor_client, source):
    entry = FilingFactory(date="2022-06")
    CitationFactory(
        source=source, locator=3, key_phrase="answered", filing=entry, reported_date="2022-06"
    )
    CitationFactory(filing=entry, reported_date="2022-07")
    paragraph = reading_of(page_of(editor_client, source)).find("li", id="p-3")
    assert paragraph.find("strong", cls="wb-disputed").text == "Sources disagree:"
    assert "says July 2022" in paragraph.find("ul", cls="wb-citations").text


def test_a_source_giving_two_dates_for_one_entry_is_named_once_with_both(editor_client, source):
    entry = FilingFactory(date="2022-06")
    for locator, date in [(3, "2022-08"), (2, "2021-03")]:
        CitationFactory(
            source=source, locator=locator, key_phrase="the", filing=entry, reported_date=date
        )
    paragraph = reading_of(page_of(editor_client, source)).find("li", id="p-3")
    text = " ".join(paragraph.find("ul", cls="wb-citations").text.split())
    assert (
        "Sources disagree: token-exchange.txt gives two dates: March 2021 (para. 2) "
        "and August 2022 (para. 3)"
    ) in text
    assert text.count("token-exchange.txt") == 1


def test_marking_a_date_not_a_fact_is_offered_only_to_who_may_mark_it(
    client, source, django_user_model, make_editor
):
    user = django_user_model.objects.create_user("reader", password="x", is_staff=True)
    permissions = Group.objects.get(name="Editors").permissions
    user.user_permissions.set(permissions.exclude(codename="add_dismissedmention"))
    client.force_login(user)
    html = page_of(client, source)
    assert "uncited" in html and "Not a fact for the record" not in html


def test_a_source_without_text_has_no_reading_view(editor_client, db):
    source = SourceFactory()
    html = page_of(editor_client, source)
    assert 'id="reading"' not in html


def test_the_reading_view_takes_the_same_queries_however_many_citations(
    editor_client, source, django_assert_max_num_queries
):
    case = CaseFactory(is_published=False)
    for number in range(3):
        entry = FilingFactory(case=case, is_published=False)
        CitationFactory(source=source, locator=2 + number, key_phrase="the", filing=entry)
    with django_assert_max_num_queries(30) as few:
        page_of(editor_client, source)
    for number in range(12):
        entry = FilingFactory(is_published=False)
        CitationFactory(
            source=source, locator=2 + number % 3, key_phrase=f"x{number}", filing=entry
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page_of(editor_client, source)


@pytest.mark.parametrize("number", ["2", "4"])
def test_jump_to_paragraph_lands_on_its_anchor(editor_client, source, number):
    url = reverse("admin:workbench_jump", args=[source.pk])
    response = editor_client.get(url, {"paragraph": number})
    change = reverse("admin:filings_source_change", args=[source.pk])
    assert response.status_code == 302 and response.url == f"{change}#p-{number}"


@pytest.mark.parametrize("number", ["0", "abc", "5", "", "-1", "99999999999999999999"])
def test_jump_to_a_paragraph_that_is_not_there_says_which_there_are(editor_client, source, number):
    url = reverse("admin:workbench_jump", args=[source.pk])
    response = editor_client.get(url, {"paragraph": number}, follow=True)
    assert response.status_code == 200
    assert "Enter a paragraph number from 1 to 4." in response.content.decode()


def test_publishing_from_the_reading_view_publishes_the_case_and_its_drafts_with_history(
    editor_client, source
):
    case = CaseFactory(is_published=False)
    cited = FilingFactory(case=case, is_published=False)
    other = FilingFactory(case=case, is_published=False)
    CitationFactory(source=source, locator=2, key_phrase="filed", filing=cited)
    html = page_of(editor_client, source)
    button = parse(html).find("div", id="publish").find("button")
    assert button.text == f"Publish “{case}” and its 2 draft entries"

    response = editor_client.post(
        reverse("admin:workbench_publish", args=[source.pk]), {"case": case.pk}, follow=True
    )
    assert "and 2 draft entries" in response.content.decode()
    case.refresh_from_db()
    assert case.is_published
    assert set(Filing.objects.filter(case=case, is_published=True)) == {cited, other}
    assert case.history.first().history_user.username == "editor"
    assert cited.history.first().history_change_reason == "Published"


@pytest.mark.parametrize("case", ["", "abc", "0", "999999", "²", "99999999999999999999"])
def test_publishing_no_case_says_so(editor_client, source, case):
    draft = CaseFactory(is_published=False)
    response = editor_client.post(
        reverse("admin:workbench_publish", args=[source.pk]), {"case": case}, follow=True
    )
    assert response.status_code == 200
    assert "Choose a case to publish" in response.content.decode()
    assert not Case.objects.get(pk=draft.pk).is_published


@pytest.mark.parametrize("taken", ["change_case", "change_filing"])
def test_publishing_needs_permission_to_change_cases_and_entries(
    client, source, django_user_model, make_editor, taken
):
    case = CaseFactory(is_published=False)
    CitationFactory(source=source, locator=2, key_phrase="filed", filing__case=case)
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.set(Group.objects.get(name="Editors").permissions.exclude(codename=taken))
    client.force_login(user)
    assert 'id="publish"' not in page_of(client, source)
    response = client.post(reverse("admin:workbench_publish", args=[source.pk]), {"case": case.pk})
    assert response.status_code == 403
    case.refresh_from_db()
    assert not case.is_published
