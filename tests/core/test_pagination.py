"""Long timelines a keyset page at a time, and counts that stop at a limit.

public/timeline.py (page_of_entries) and core/pagination.py, as the timeline,
party, agency, home and case list pages use them.
"""

import re
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import public.search
import public.views
from cases.models import Case
from core.pagination import COUNT_LIMIT, BoundedCount, paginate
from filings.models import Filing
from public.timeline import ENTRIES_PER_PAGE, order_entries, page_of_entries
from tests.factories import grow_seed
from tests.helpers import entry_titles, parse, section

LONG_PAGES = ["/timeline/", "/parties/changpeng-zhao/", "/agencies/sec/"]
NOT_A_PAGE = "This page link is not valid. Start again from the first page."

# The seed and the entries `ties` adds (case/entry), oldest first: "2023" before "2023-01-05",
# then sequence, case and entry break ties; the undated ones last, by the same three.
DATED = [
    "sec-v-coinbase/twin-1",
    "sec-v-coinbase/twin-2",
    "sec-v-coinbase/same-day",
    "sec-v-kraken/same-day",
    "sec-v-binance/complaint",
    "doj-binance-criminal/plea",
    "doj-binance-criminal/zhao-sentenced",
    "doj-binance-criminal/zhao-released",
    "sec-v-binance/stay-motion",
    "sec-v-coinbase/year-and-sequence-of-a-binance-stay",
    "sec-v-binance/second-stay-request",
    "sec-v-coinbase/sec-drops-case",
    "sec-v-binance/dismissal",
]
UNDATED = [
    "sec-v-kraken/case-closed",
    "sec-v-kraken/undated-twin",
    "sec-v-consensys/proceedings-begin",
    "sec-v-binance/binance-response",
    "sec-v-binance/ruling-on-claims",
    "sec-v-binance/binance-welcomes-dismissal",
]


def add_entry(case, slug, sequence, date, **fields):
    case = Case.objects.get(slug=case) if isinstance(case, str) else case
    defaults = {"is_published": True, "kind": Filing.Kind.MOTION, "title": f"{case.slug} {slug}"}
    return Filing.objects.create(
        case=case, slug=slug, sequence=sequence, date=date, **{**defaults, **fields}
    )


@pytest.fixture
def ties(seeded):
    """Entries on the same date across cases and within one, with the same sequence too."""
    add_entry("sec-v-coinbase", "year-and-sequence-of-a-binance-stay", 40, "2025")
    add_entry("sec-v-kraken", "same-day", 20, "2023-01-05")  # the lower pk, the later case
    add_entry("sec-v-coinbase", "same-day", 20, "2023-01-05")
    add_entry("sec-v-coinbase", "twin-1", 30, "2023")
    add_entry("sec-v-coinbase", "twin-2", 30, "2023")
    add_entry("sec-v-kraken", "undated-twin", 10, None)
    return Filing.objects.published().select_related("case")


def link(html, rel):
    found = parse(html).find_all("a", rel=rel)
    return found[0].attrs["href"] if found else None


def first_page_link(html):
    (href,) = [a.attrs["href"] for a in parse(html).find_all("a") if a.text == "First page"]
    return href


def walk(filings, newest_first, size):
    pages, cursor = [], ""
    while len(pages) < 100:
        pages.append(page_of_entries(filings, cursor, newest_first, size=size))
        cursor = pages[-1].next_cursor
        if cursor is None:
            return pages
    raise AssertionError("the pages never end")


def named(entries):
    return [f"{entry.case.slug}/{entry.slug}" for entry in entries]


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest", "newest"])
@pytest.mark.parametrize("size", [1, 3, 6, 13, 19, 100])
def test_walking_the_pages_gives_every_entry_once_in_timeline_order(ties, newest_first, size):
    pages = walk(ties, newest_first, size)
    walked = [entry for page in pages for entry in page.entries]
    assert named(walked) == (DATED[::-1] if newest_first else DATED) + UNDATED
    assert all(len(page.entries) == size for page in pages[:-1])
    assert 0 < len(pages[-1].entries) <= size
    # The same order as the unpaged timeline's for the dated entries.
    dated = [entry for entry in ties if entry.date]
    assert walked[: len(dated)] == order_entries(dated, newest_first)


@pytest.mark.parametrize("newest_first", [False, True], ids=["oldest", "newest"])
def test_each_pages_month_groups_hold_exactly_its_entries_undated_last(ties, newest_first):
    for page in walk(ties, newest_first, size=3):
        assert [entry for group in page.groups for entry in group.entries] == page.entries
        for group in page.groups:
            if group.year is None:  # the undated group: last, and only undated entries
                assert group is page.groups[-1] and group.label == "Date not known"
                assert not any(entry.date for entry in group.entries)
            else:
                months = {(entry.date.year, entry.date.month) for entry in group.entries}
                assert months == {(group.year, group.month)}
        keys = [(group.year, group.month) for group in page.groups]
        assert len(keys) == len(set(keys))


INVALID_CURSORS = [
    *["garbage", "2023-13.1.1.1", "2023-02-30.1.1.1", "0000.1.1.1", "9999999999999999999999.1.1.1"],
    *["2023-06.1.1", "2023-06.a.1.1", "2023-06.-1.1.1", "2023-06.1.1.1.1", "2023.1.1.1."],
    *["undated.1.1", "undated.-1.1.1", "undated.1.1.1.1", "undated.1.1.x"],
    "\uff12\uff10\uff12\uff13.1.1.1",  # full-width digits
    "2023.\uff11.1.1",
    " ",
    "\t",
]


@pytest.mark.parametrize("cursor", INVALID_CURSORS)
def test_an_invalid_cursor_is_a_bad_request_with_a_message(client, seeded, cursor):
    with pytest.raises(ValueError):
        page_of_entries(Filing.objects.published(), cursor)
    for url in LONG_PAGES:
        response = client.get(f"{url}?cursor={quote(cursor)}")
        assert response.status_code == 400, url
        html = response.content.decode()
        assert NOT_A_PAGE in html
        assert first_page_link(html) == "?"


@pytest.mark.parametrize("url", LONG_PAGES)
def test_an_empty_cursor_is_the_first_page(client, seeded, url):
    first = client.get(url)
    again = client.get(f"{url}?cursor=")
    assert first.status_code == again.status_code == 200
    assert entry_titles(again.content.decode()) == entry_titles(first.content.decode())
    assert link(first.content.decode(), "next") is None  # the seed fits on one page


# A position past any row's: what follows it (nothing), or a 400, never a 500. Fails on
# SQLite: Django checks a sequence or pk against the column's range before the query, but
# not the case id (a foreign key), and SQLite can't take an integer over 2**63 - 1.
@pytest.mark.parametrize(
    "cursor",
    [
        *["2023-06.99999999999999999999.1.1", "undated.1.1.99999999999999999999"],
        *["2023-06.1.9223372036854775808.1", "undated.1.9223372036854775808.1"],
    ],
)
def test_a_cursor_with_numbers_too_big_for_any_row_is_not_a_server_error(client, seeded, cursor):
    for url in LONG_PAGES:
        assert client.get(f"{url}?cursor={cursor}").status_code in (200, 400), url


@pytest.fixture
def long_timeline(seeded):
    """More published entries in SEC v. Binance than two pages hold, and drafts."""
    binance = Case.objects.get(slug="sec-v-binance")
    dates = ["2022", "2022-03", None, "2024-05-29", "2025-02"]
    Filing.objects.bulk_create(
        Filing(
            case=binance,
            slug=f"bulk-{i}",
            sequence=1000 + i // 7,  # ties on sequence too
            kind=Filing.Kind.ORDER,
            title=f"Bulk entry {i:03d}",
            date=dates[i % len(dates)],
            is_published=True,
        )
        for i in range(2 * ENTRIES_PER_PAGE + 50)
    )
    add_entry(binance, "draft", 15, "2023-06", is_published=False, title="Draft entry")
    hidden = Case.objects.create(caption="Unpublished", slug="hidden", status="active")
    add_entry(hidden, "in-a-draft-case", 10, "2024", title="Entry in a draft case")


def test_following_next_links_shows_every_published_entry_once(client, long_timeline):
    html = client.get("/timeline/").content.decode()
    assert link(html, "first") is None
    seen, pages = [], 0
    while True:
        pages += 1
        seen += entry_titles(html)
        assert "Draft entry" not in html and "Entry in a draft case" not in html
        next_href = link(html, "next")
        if next_href is None:
            break
        assert next_href.startswith("?cursor=")
        html = client.get(f"/timeline/{next_href}").content.decode()
        assert link(html, "first") == first_page_link(html) == "?"
        # Changing the order starts again from the first page.
        order_links = [
            a.attrs["href"]
            for a in parse(html).find_all("a")
            if a.text in ("oldest first", "newest first")
        ]
        assert order_links
        for order_link in order_links:
            assert "cursor" not in order_link
    published = list(Filing.objects.published().values_list("title", flat=True))
    assert sorted(seen) == sorted(published)
    assert pages == -(-len(published) // ENTRIES_PER_PAGE)


def test_the_next_link_promises_no_more_entries_than_the_next_page_has(client, long_timeline):
    html = client.get("/timeline/").content.decode()
    while next_href := link(html, "next"):
        (text,) = [a.text for a in parse(html).find_all("a", rel="next")]
        html = client.get(f"/timeline/{next_href}").content.decode()
        promised = re.findall(r"\d+", text)
        assert promised in ([], [str(len(entry_titles(html)))]), text


@pytest.mark.parametrize("url", LONG_PAGES)
def test_a_later_page_counts_nothing_fully_and_skips_no_rows(client, long_timeline, url):
    next_href = link(client.get(url).content.decode(), "next")
    assert next_href
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{url}{next_href}")
    assert response.status_code == 200
    assert entry_titles(response.content.decode())
    for query in queries.captured_queries:
        sql = query["sql"].upper()
        assert "OFFSET" not in sql, sql
        assert "COUNT(" not in sql or "LIMIT" in sql, sql


def test_the_home_pages_counts_are_bounded_queries(client, seeded):
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT" in sql.upper() for sql in counts)
    assert f'<a href="/timeline/">{Filing.objects.published().count()}</a>' in html


def test_a_bounded_count_is_exact_below_its_limit_and_says_more_than_above(seeded):
    published = Case.objects.published()
    assert published.count() == 5
    assert BoundedCount.of(published, limit=6) == BoundedCount(5)
    assert BoundedCount.of(published, limit=5) == BoundedCount(5)
    assert BoundedCount.of(published, limit=3) == BoundedCount(3, more=True)
    assert str(BoundedCount.of(published, limit=3)) == "more than 3"
    assert str(BoundedCount(5)) == "5"
    assert str(BoundedCount(1_234_567)) == "1,234,567"
    assert str(BoundedCount(COUNT_LIMIT, more=True)) == f"more than {COUNT_LIMIT:,}"
    assert BoundedCount.of(Case.objects.none()) == BoundedCount(0)


@pytest.fixture
def case_list_of_four(seeded, monkeypatch):
    """The case list, two to a page, paging through the first four of the five cases."""
    monkeypatch.setattr(public.views, "CASES_PER_PAGE", 2)

    def paginate_four(request, items, per_page, limit=None):
        return paginate(request, items, per_page, 4)

    monkeypatch.setattr(public.views, "paginate", paginate_four)


def test_the_case_list_says_more_than_its_limit_and_pages_only_that_far(client, case_list_of_four):
    first = client.get("/cases/").content.decode()
    assert "more than 4 cases, page 1 of 2." in first
    assert "The pages show the first 4" in first
    assert client.get("/cases/?page=2").status_code == 200
    assert client.get("/cases/?page=3").status_code == 404  # the fifth case is past the limit
    bad = client.get("/cases/?page=abc")
    assert bad.status_code == 400
    assert "The page number must be a whole number." in bad.content.decode()


def test_search_counts_the_matches_only_when_the_hits_fill_a_section(seeded, monkeypatch):
    filings = Filing.objects.order_by("pk")
    monkeypatch.setattr(public.search, "RESULTS_PER_SECTION", 20)
    with CaptureQueriesContext(connection) as queries:
        hits, total = public.search.limited(filings, filings)
    assert (len(hits), total, len(queries)) == (13, BoundedCount(13), 1)
    monkeypatch.setattr(public.search, "RESULTS_PER_SECTION", 5)
    hits, total = public.search.limited(filings, filings)
    assert (len(hits), total) == (5, BoundedCount(13))


def test_a_party_or_agency_in_many_cases_lists_some_and_links_to_all(client, seeded, monkeypatch):
    monkeypatch.setattr("public.views.CASES_SHOWN", 3)
    generated = grow_seed(4)  # each involves Zhao, the judge, the SEC and the court
    for url, link in [
        ("/parties/changpeng-zhao/", "/cases/?party=changpeng-zhao"),
        ("/agencies/sec/", "/cases/?agency=sec"),
    ]:
        html = client.get(url).content.decode()
        cases = section(html, "cases-heading")
        # At most three in each list (as a party and as judge; brought and heard).
        case_links = [
            a.attrs["href"]
            for a in parse(cases).find_all("a")
            if a.attrs["href"].startswith("/cases/")
            and "?" not in a.attrs["href"]
            and a.attrs["href"].count("/") == 3
        ]
        assert 0 < len(case_links) <= 3 * 2
        assert f'href="{link}"' in cases
        listed = client.get(link).content.decode()
        assert all(f"/cases/{case.slug}/" in listed for case in generated)


def test_a_party_in_few_cases_needs_no_link_to_the_case_list(client, seeded):
    html = client.get("/parties/changpeng-zhao/").content.decode()
    assert "/cases/?party=changpeng-zhao" not in html
