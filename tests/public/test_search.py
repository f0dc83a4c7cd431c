"""Site search: grouped, ranked and highlighted results.

Full-text search on PostgreSQL, a simpler fallback on SQLite; CI runs both.
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape

from cases.models import Case, Party
from filings.models import Filing
from public.search import MAX_QUERY_LENGTH, RESULTS_PER_SECTION
from tests.helpers import parse

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="full-text search and its GIN indexes exist only on PostgreSQL (CI runs both)",
)
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="tests the SQLite fallback (CI runs both)"
)

SCRIPT = "<script>alert(1)</script>"


def search(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def sections(html):
    """{section key: (count in its heading, [(link, title HTML, rest of the hit HTML)])}"""
    found = {}
    for section in parse(html).find_all("section", cls="search-section"):
        key = section.attrs["aria-labelledby"].removeprefix("results-")
        count = section.find("span", cls="search-count").text
        assert count.startswith("(") and count.endswith(")"), count
        hits = []
        for item in section.find_all("li"):
            if not (item.children and item.children[0].tag == "h3"):
                continue
            heading = item.children[0]
            link = heading.find("a")
            rest = item.source[heading.end : item.inner_end]
            hits.append((link.attrs["href"], link.inner, rest))
        found[key] = (int(count[1:-1]), hits)
    return found


def snippets(html):
    """The markup of each result's snippet."""
    return [p.inner for p in parse(html).find_all("p", cls="snippet")]


def links(html, key):
    """The links of one section's results; none when nothing at all was found."""
    _count, hits = sections(html).get(key, (0, []))
    return [link for link, _title, _rest in hits]


def add_filing(slug, title, summary="", *, case="sec-v-binance", is_published=True):
    return Filing.objects.create(
        case=Case.objects.get(slug=case),
        slug=slug,
        sequence=1000 + Filing.objects.count(),
        kind=Filing.Kind.OTHER,
        title=title,
        summary=summary,
        is_published=is_published,
    )


def entry(slug, case="sec-v-binance"):
    return f"/cases/{case}/#entry-{slug}"


# Both databases


def test_results_are_grouped_into_cases_entries_and_parties(client, seeded):
    html = search(client, "Binance")
    found = sections(html)
    assert list(found) == ["cases", "entries", "parties"]
    headings = [h2.text.split()[0] for h2 in parse(html).find_all("h2") if h2.attrs]
    assert headings == ["Cases", "Entries", "Parties"]
    assert "/cases/sec-v-binance/" in links(html, "cases")
    assert entry("binance-welcomes-dismissal") in links(html, "entries")
    assert "/parties/binance-holdings/" in links(html, "parties")
    for count, hits in found.values():
        assert count == len(hits)
    assert html.count("<h1") == 1


def test_prejudice_finds_the_dismissal_entry_first(client, seeded):
    html = search(client, "prejudice")
    assert links(html, "entries")[0] == entry("dismissal")
    assert links(html, "cases") == ["/cases/sec-v-binance/"]
    assert "<mark>prejudice</mark>" in html


def test_titles_and_snippets_are_escaped_and_highlighted(client, seeded):
    add_filing("hostile", f"{SCRIPT} prejudice", "Tom & Jerry's <b>prejudice</b> & bias case")
    html = search(client, "prejudice")
    assert SCRIPT not in html
    assert "<b>" not in html
    titles = {link: title for link, title, _rest in sections(html)["entries"][1]}
    title = titles[entry("hostile")]
    assert title == f"{escape(SCRIPT)} <mark>prejudice</mark>"
    (paragraph,) = [p for p in parse(html).find_all("p", cls="snippet") if "Jerry" in p.text]
    snippet = paragraph.inner
    # The only markup in it is the highlight; the summary's own tags are text.
    assert [(child.tag, child.text) for child in paragraph.children] == [("mark", "prejudice")]
    assert snippet.endswith("&amp; bias case"), snippet
    assert "Jerry&#x27;s" in snippet


def test_drafts_are_not_found(client, seeded):
    add_filing("draft-entry", "Zanzibar draft entry", is_published=False)
    add_filing("public-entry", "Zanzibar public entry")
    draft_case = Case.objects.create(
        caption="Zanzibar draft case", slug="zanzibar", status=Case.Status.ACTIVE
    )
    add_filing("entry-in-draft-case", "Zanzibar entry of a draft case", case=draft_case.slug)
    html = search(client, "zanzibar")
    assert links(html, "entries") == [entry("public-entry")]
    assert sections(html)["cases"] == (0, [])
    assert "draft" not in html.lower()


def test_an_empty_query_asks_for_words(client, db):
    html = search(client, "  ")
    assert "Type one or more words" in html
    assert not sections(html)


def test_nothing_found_says_so(client, seeded):
    html = search(client, "xylophone")
    assert "Nothing matches <q>xylophone</q>" in html
    assert not sections(html)


HOSTILE = [
    "",
    " \t\n ",
    "a" * 10_000,
    "binance " * 2_000,
    "'",
    '"',
    "' OR 1=1 --",
    '"; DROP TABLE cases_case; --',
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "\x00",
    "prejudice\x00",
    "!!! & | <-> :* ( ) \\",
    "-",
    "\ue000prejudice\ue001",
    "日本語 🙂",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_give_a_normal_page(client, seeded, query):
    html = search(client, query)
    assert html.count("<h1>Search</h1>") == 1
    assert SCRIPT not in html
    assert "<img" not in html


def test_nul_bytes_in_the_url_give_a_normal_page(client, seeded):
    response = client.get("/search/?q=%00prejudice%00")
    assert response.status_code == 200
    assert entry("dismissal") in response.content.decode()


def test_a_long_query_is_shortened_and_says_so(client, seeded):
    html = search(client, "prejudice " + "x" * 10_000)
    assert f"Only the first {MAX_QUERY_LENGTH} characters were searched." in html
    assert f'value="prejudice {"x" * (MAX_QUERY_LENGTH - 10)}"' in html


def add_matches(number):
    """More matches for "generated" than a section shows, in each section."""
    binance = Case.objects.get(slug="sec-v-binance")
    for i in range(number):
        Case.objects.create(
            caption=f"Generated case {i}", slug=f"generated-{i}", status="active", is_published=True
        )
        Party.objects.create(name=f"Generated party {i}", slug=f"generated-{i}", kind="person")
        Filing.objects.create(
            case=binance,
            slug=f"generated-{i}",
            sequence=1000 + i,
            kind=Filing.Kind.OTHER,
            title=f"Generated entry {i}",
            is_published=True,
        )


@pytest.mark.parametrize("extra", [0, RESULTS_PER_SECTION + 5])
def test_query_count_does_not_grow_with_the_data(
    client, seeded, django_assert_max_num_queries, extra
):
    add_matches(extra)
    # One query per section, and one more to count a section that has more than it shows.
    with django_assert_max_num_queries(7):  # 6, and the page cache's revision
        html = search(client, "generated")
    for count, hits in sections(html).values():
        assert (count, len(hits)) == (extra, min(extra, RESULTS_PER_SECTION))
    assert (f"The {RESULTS_PER_SECTION} best of {extra}." in html) == bool(extra)


def test_the_gin_indexes_exist_only_on_postgresql(db):
    with connection.cursor() as cursor:
        for table, index in [
            ("cases_case", "case_search"),
            ("cases_party", "party_search"),
            ("filings_filing", "filing_search"),
        ]:
            constraints = connection.introspection.get_constraints(cursor, table)
            assert (index in constraints) == (connection.vendor == "postgresql")


# PostgreSQL: full-text search


@postgresql_only
def test_stemming_finds_other_forms_of_a_word(client, seeded):
    add_filing("claims-dismissed", "Claims dismissed", "The judge dismissed two claims.")
    for query in ["dismiss", "dismissing", "dismisses"]:
        found = links(search(client, query), "entries")
        assert entry("claims-dismissed") in found
        assert entry("ruling-on-claims") in found  # "dismisses" in its title
        assert entry("binance-welcomes-dismissal") in found  # "dismissal"


@postgresql_only
def test_web_search_syntax(client, seeded):
    assert links(search(client, '"with prejudice"'), "entries") == [entry("dismissal")]
    assert links(search(client, '"joint stipulation"'), "entries") == [entry("dismissal")]
    assert links(search(client, '"stipulation joint"'), "entries") == []
    assert entry("dismissal") not in links(search(client, "dismiss -prejudice"), "entries")


@postgresql_only
def test_a_match_in_the_title_ranks_above_one_in_the_summary(client, seeded):
    add_filing("in-summary", "An order", "Mentions the walrus once.")
    add_filing("in-title", "Walrus ruling", "Nothing else.")
    assert links(search(client, "walrus"), "entries") == [entry("in-title"), entry("in-summary")]


@postgresql_only
def test_the_search_queries_use_the_gin_indexes(client, seeded):
    with connection.cursor() as cursor:
        # The tables are tiny, so a sequential scan would be cheaper; forbid it
        # to see whether the index can serve these queries at all. LOCAL: only
        # for this test's transaction.
        cursor.execute("SET LOCAL enable_seqscan = off")
        with CaptureQueriesContext(connection) as page:
            search(client, "prejudice")
        plans = []
        # All but the page cache's revision lookup (core/caching.py).
        searches = [q for q in page.captured_queries if "history_revision" not in q["sql"]]
        assert len(searches) == len(page.captured_queries) - 1
        for query in searches:
            cursor.execute(f"EXPLAIN {query['sql']}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    # Every query of the page (results and counts) goes through an index.
    used = [re.findall(r"Bitmap Index Scan on (\w+_search)", plan) for plan in plans]
    assert all(used), plans
    assert {index for indexes in used for index in indexes} == {
        "case_search",
        "filing_search",
        "party_search",
    }


# SQLite: the fallback


@sqlite_only
def test_sqlite_fallback_matches_every_word_ignoring_case(client, seeded):
    assert links(search(client, "PREJUDICE"), "entries") == [entry("dismissal")]
    assert links(search(client, "prejudice washington"), "entries") == [entry("dismissal")]
    assert links(search(client, "prejudice coinbase"), "entries") == []
    # No stemming: a substring matches, another form of the word does not.
    assert entry("dismissal") in links(search(client, "dismiss"), "entries")
    assert links(search(client, "dismissing"), "entries") == [entry("dismissal")]


@sqlite_only
def test_sqlite_fallback_ranks_title_matches_first(client, seeded):
    add_filing("in-summary", "An order", "Mentions the walrus once.")
    add_filing("in-title", "Walrus ruling", "Nothing else.")
    assert links(search(client, "walrus"), "entries") == [entry("in-title"), entry("in-summary")]


@sqlite_only
def test_sqlite_fallback_cuts_the_snippet_around_the_first_match(client, seeded):
    before, after = "word " * 60, " more" * 60
    add_filing("long", "A long entry", f"{before}the <walrus> & co{after}")
    html = search(client, "walrus")
    snippet = snippets(html)[0]
    assert snippet.startswith("… word ")
    assert snippet.endswith("more …")
    assert "the &lt;<mark>walrus</mark>&gt; &amp; co" in snippet
    assert len(snippet) < len(before) + len(after)
