"""Which dates of a source's text are cited, marked not facts for the record, or
neither; marking them, and the uncited dates page."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from filings.models import Source
from tests.factories import CitationFactory, SourceFactory
from tests.helpers import get, parse
from workbench.coverage import mentions, read, survey, totals
from workbench.models import DismissedMention, SourceText

# Written for these tests: four dated statements, one of them without a year.
TEXT = """Regulator sues a token exchange

The agency filed its complaint on March 3, 2021.

The exchange answered in June 2022 and asked for more time.
A hearing was set for May 29, but nobody said which year.
Both sides settled in 2024.
"""


@pytest.fixture
def source(db):
    source = SourceFactory(key="token-exchange.txt")
    SourceText.objects.create(source=source, text=TEXT)
    return source


def mentions_of(source):
    return {(m.paragraph, m.found.text): m for p in read(source) for m in p.mentions}


def test_a_citation_reporting_a_paragraphs_date_covers_that_mention(source):
    citation = CitationFactory(
        source=source, locator=2, key_phrase="filed its complaint", reported_date="2021-03-03"
    )
    mentions = mentions_of(source)
    assert mentions[2, "March 3, 2021"].citations == [citation]
    assert mentions[2, "March 3, 2021"].settled
    assert not mentions[3, "June 2022"].cited


def test_a_citation_covers_only_its_own_paragraph_and_precision(source):
    CitationFactory(source=source, locator=3, reported_date="2021-03-03")
    CitationFactory(source=source, locator=2, reported_date="2021-03")
    assert not mentions_of(source)[2, "March 3, 2021"].cited


def test_a_year_less_mention_is_cited_by_a_full_date_of_that_day(source):
    CitationFactory(source=source, locator=4, key_phrase="May 29", reported_date="2023-05-29")
    CitationFactory(source=source, locator=5, reported_date="2024")
    mentions = mentions_of(source)
    assert mentions[4, "May 29"].found.iso == "--05-29"
    assert mentions[4, "May 29"].cited
    assert mentions[5, "2024"].cited


def uncited():
    """The mentions neither cited nor dismissed, across every source."""
    return [m for m in mentions(survey()) if not m.settled]


def test_a_dismissed_mention_is_settled_and_not_uncited(source):
    dismissal = DismissedMention.objects.create(
        source=source, paragraph=3, text="June 2022", reason="A reply, not a ruling."
    )
    mention = mentions_of(source)[3, "June 2022"]
    assert mention.dismissal == dismissal and not mention.cited and mention.settled
    assert [(m.paragraph, m.found.text) for m in uncited()] == [
        (2, "March 3, 2021"),
        (4, "May 29"),
        (5, "2024"),
    ]


def test_totals_count_a_cited_mention_once_even_when_also_marked(source):
    CitationFactory(source=source, locator=3, reported_date="2022-06")
    for paragraph, text in [(3, "June 2022"), (5, "2024")]:
        DismissedMention.objects.create(source=source, paragraph=paragraph, text=text, reason="x")
    SourceFactory()  # without text: no mentions
    found = mentions(survey())
    cited_and_marked = mentions_of(source)[3, "June 2022"]
    assert cited_and_marked.cited and not cited_and_marked.dismissed
    assert totals(found) == {"mentions": 4, "cited": 1, "dismissed": 1, "uncited": 2}


def test_paragraphs_are_numbered_from_1_with_every_citation_into_them(source):
    dated = CitationFactory(source=source, locator=3, reported_date="2022-06")
    undated = CitationFactory(source=source, locator=3, key_phrase="asked for more time")
    paragraphs = read(source)
    assert [p.number for p in paragraphs] == [1, 2, 3, 4, 5]
    assert paragraphs[0].text == "Regulator sues a token exchange"
    assert paragraphs[2].citations == [dated, undated]
    assert paragraphs[2].mentions[0].citations == [dated]


def test_a_source_without_text_reads_as_none_and_has_no_uncited_dates(db):
    source = SourceFactory()
    assert read(source) is None
    assert uncited() == []


def test_reading_sources_takes_the_same_queries_however_many(source, django_assert_num_queries):
    for _ in range(5):
        other = SourceFactory()
        SourceText.objects.create(source=other, text=TEXT)
        CitationFactory(source=other, locator=2, reported_date="2021-03-03")
        DismissedMention.objects.create(source=other, paragraph=5, text="2024", reason="x")
    source = Source.objects.get(pk=source.pk)
    with django_assert_num_queries(3):  # the text, the citations with their targets, marks
        paragraphs = read(source)
        [c.filing.case for p in paragraphs for c in p.citations]
    with django_assert_num_queries(3):
        mentions = uncited()
        [m.source.key for m in mentions]
    assert len(mentions) == 4 + 5 * 2


# Marking a date not a fact for the record


@pytest.fixture
def marker(client, make_editor):
    """An editor of the Editors group, signed in."""
    editor = make_editor("marker")
    client.force_login(editor)
    return editor


def dismiss_url(source):
    return reverse("admin:workbench_dismiss", args=[source.pk])


def test_marking_a_date_records_the_reason_and_the_editor_in_history(client, marker, source):
    page = parse(get(client, dismiss_url(source) + "?paragraph=3&text=June+2022"))
    assert page.find("mark").text == "June 2022"
    response = client.post(
        dismiss_url(source), {"paragraph": 3, "text": "June 2022", "reason": "A reply only."}
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("admin:filings_source_change", args=[source.pk]) + "#p-3"
    )
    dismissal = DismissedMention.objects.get(source=source)
    assert (dismissal.paragraph, dismissal.text, dismissal.reason) == (
        3,
        "June 2022",
        "A reply only.",
    )
    record = dismissal.history.get()
    assert record.history_user == marker
    assert record.history_change_reason == "Marked not a fact for the record"
    assert (3, "June 2022") not in [(m.paragraph, m.found.text) for m in uncited()]


def test_undoing_a_mark_is_recorded_in_history(client, marker, source):
    dismissal = DismissedMention.objects.create(
        source=source, paragraph=5, text="2024", reason="Later than the case."
    )
    url = reverse("admin:workbench_undismiss", args=[source.pk, dismissal.pk])
    assert "Later than the case." in get(client, url)
    response = client.post(url)
    assert response.status_code == 302
    assert not DismissedMention.objects.exists()
    record = DismissedMention.history.get(history_type="-")
    assert record.history_user == marker
    assert record.history_change_reason == "Mark undone: a date to cite after all"


@pytest.mark.parametrize(
    "data, error",
    [
        ({"paragraph": 9, "text": "2024"}, "has paragraphs 1 to 5, not 9"),
        ({"paragraph": 5, "text": "settled"}, "“settled” is not a date found in paragraph 5"),
        ({"paragraph": "five", "text": "2024"}, "This form names no date mention"),
        ({"paragraph": 4, "text": "May 29", "reason": "  "}, "Say why this date is not a fact"),
        ({"paragraph": 5, "text": "2024", "reason": "Again."}, "already marked"),
    ],
)
def test_a_bad_mark_is_a_form_error(client, marker, source, data, error):
    DismissedMention.objects.create(source=source, paragraph=5, text="2024", reason="Once.")
    response = client.post(dismiss_url(source), {"reason": "A reason.", **data})
    assert response.status_code == 200
    assert error in parse(response.content.decode()).find(cls="errorlist").text
    assert DismissedMention.objects.count() == 1


def test_a_link_naming_no_date_of_the_source_says_so(client, marker, source):
    page = parse(get(client, dismiss_url(source) + "?paragraph=1&text=Regulator"))
    assert "“Regulator” is not a date found in paragraph 1" in page.find(cls="errornote").text
    assert page.find_all("textarea") == []


@pytest.mark.parametrize(
    "next_url, expected",
    [
        ("/admin/filings/source/uncited/", "/admin/filings/source/uncited/"),
        ("https://elsewhere.example/", None),
        ("//elsewhere.example/", None),
    ],
)
def test_after_marking_the_editor_goes_back_only_within_the_site(
    client, marker, source, next_url, expected
):
    data = {"paragraph": 5, "text": "2024", "reason": "Too late.", "next": next_url}
    response = client.post(dismiss_url(source), data)
    fallback = reverse("admin:filings_source_change", args=[source.pk]) + "#p-5"
    assert response["Location"] == (expected or fallback)


def test_marking_needs_the_permission_to_change_sources_and_mark(client, django_user_model, source):
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.add(Permission.objects.get(codename="view_source"))
    client.force_login(reader)
    response = client.post(dismiss_url(source), {"paragraph": 5, "text": "2024", "reason": "x"})
    assert response.status_code == 403
    assert not DismissedMention.objects.exists()


# The uncited dates page

UNCITED = "/admin/filings/source/uncited/"


def sections(html):
    """The page's sections, by their heading."""
    return {each.find("h2").text: each for each in parse(html).find_all("section")}


def rows(section):
    return [[cell.text for cell in row.find_all("td")] for row in section.find_all("tr")[1:]]


def test_the_uncited_dates_page_lists_each_date_with_links_to_cite_or_mark_it(
    editor_client, source
):
    SourceFactory(key="no-text.txt", title="Without text")
    CitationFactory(source=source, locator=2, reported_date="2021-03-03")
    DismissedMention.objects.create(source=source, paragraph=5, text="2024", reason="Too late.")
    html = get(editor_client, UNCITED)
    found = sections(html)
    listed = found[f"token-exchange.txt: {source.title}"]
    assert [row[:4] for row in rows(listed)] == [
        ["3", "“June 2022”", "2022-06", "month"],
        ["4", "“May 29”", "--05-29 (no year stated)", "day"],
    ]
    links = {a.text: a.attrs["href"] for a in listed.find("tbody").find("tr").find_all("a")}
    assert links["Not a fact for the record"] == (
        dismiss_url(source)
        + "?paragraph=3&text=June+2022&next=%2Fadmin%2Ffilings%2Fsource%2Funcited%2F"
    )
    cite = reverse("admin:workbench_cite", args=[source.pk])
    assert links["Cite"] == cite + "?paragraph=3&date=2022-06"
    assert rows(found["Marked not facts for the record"])[0][:4] == [
        "token-exchange.txt",
        "5",
        "“2024”",
        "Too late.",
    ]
    assert found["No text attached"].find("li").text == "no-text.txt: Without text"
    assert UNCITED in get(editor_client, reverse("admin:filings_source_changelist"))


def test_one_sources_uncited_dates_page_lists_only_that_source(editor_client, source):
    other = SourceFactory(key="other.txt")
    SourceText.objects.create(source=other, text=TEXT)
    url = reverse("admin:workbench_source_uncited", args=[source.pk])
    found = sections(get(editor_client, url))
    assert list(found) == [f"token-exchange.txt: {source.title}"]
    assert len(rows(found[f"token-exchange.txt: {source.title}"])) == 4
    get(editor_client, reverse("admin:workbench_source_uncited", args=[9999]), status=404)


def test_the_uncited_dates_page_is_for_editors_only(client, source):
    response = client.get(UNCITED)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_uncited_dates_page_takes_the_same_queries_however_many_sources(
    editor_client, query_limit
):
    # Every source without a text, the generated ones too, gets the test's text.
    without_text = Source.objects.filter(private_text__isnull=True)
    SourceText.objects.bulk_create(SourceText(source=each, text=TEXT) for each in without_text)
    # The session, the editor and their permissions (2), then sources, citations and marks.
    with query_limit.assert_max_num_queries(7):  # admin pages have no page cache
        html = get(editor_client, UNCITED)
    assert html.count("“June 2022”") == SourceText.objects.filter(text=TEXT).count()
