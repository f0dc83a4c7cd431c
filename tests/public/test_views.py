"""The public pages: what readers can and cannot see, and what it costs in queries."""

import datetime
import re

import pytest
from django.utils.html import escape
from django.utils.text import Truncator

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, CaseQuerySet, Claim, Party
from filings.models import Citation, Filing, Source
from tests.helpers import (
    AGENCY_SLUGS,
    BINANCE,
    BINANCE_ORDER,
    CASE_SLUGS,
    DISPUTED,
    ENTRY,
    ENTRY_TITLE,
    PARTY_SLUGS,
    SCRIPT,
    SOURCE_000,
    SOURCE_KEYS,
    Links,
    between,
    entries,
    entry_titles,
    fact,
    get,
    listed_cases,
    month_groups,
    section,
    times,
    titles_of,
)

# Every page


PUBLIC_URLS = [
    "/",
    "/cases/",
    "/timeline/",
    "/parties/",
    "/agencies/",
    *(f"/cases/{slug}/" for slug in CASE_SLUGS),
    *(f"/parties/{slug}/" for slug in PARTY_SLUGS),
    *(f"/agencies/{slug}/" for slug in AGENCY_SLUGS),
    *(f"/sources/{key}/" for key in SOURCE_KEYS),
]


def test_the_seed_has_the_pages_these_tests_expect():
    assert len(CASE_SLUGS) == 5 and "sec-v-binance" in CASE_SLUGS
    assert SOURCE_000 in SOURCE_KEYS


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_public_page_responds_with_the_seed(client, seeded, url):
    html = get(client, url)
    assert "<main" in html


@pytest.mark.parametrize(
    "url",
    [
        "/cases/no-such-case/",
        "/parties/no-such-party/",
        "/agencies/no-such-agency/",
        "/sources/999_0000000000000000.txt/",
        "/no-such-page/",
    ],
)
def test_unknown_addresses_get_the_sites_not_found_page(client, seeded, url):
    html = get(client, url, status=404)
    assert "<h1>Not found</h1>" in html
    assert "Case Tracker" in html  # the site's own template, not a bare server page


def test_a_server_error_gets_the_sites_error_page(client, seeded, monkeypatch):
    def broken(self):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(CaseQuerySet, "published", broken)
    client.raise_request_exception = False
    response = client.get("/cases/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert "Case Tracker" in html
    assert "simulated failure" not in html


# The SEC v. Binance page


@pytest.mark.parametrize("key", ["%00", "a%00b", "a%20b", "..%2F..%2Fetc"])
def test_source_keys_with_characters_keys_cannot_have_are_not_found(client, seeded, key):
    get(client, f"/sources/{key}/", status=404)


def test_case_page_groups_the_four_defendants_with_zhaos_title(client, seeded):
    parties = section(get(client, BINANCE), "parties-heading")
    defendants = between(parties, "<h3>Defendants</h3>", "</ul>")
    names = [link["text"] for link in Links(defendants).links]
    assert sorted(names) == [
        "BAM Management US Holdings Inc.",
        "BAM Trading Services",
        "Binance Holdings",
        "Changpeng Zhao",
    ]
    zhao = between(defendants, ">Changpeng Zhao</a>", "</li>")
    assert zhao.startswith(", CEO when sued; later former CEO")
    assert '<time datetime="2023-06">June 2023</time>' in zhao
    assert parties.count("<h3>") == 1  # no other roles in this case


def test_case_page_names_the_court_and_the_judge(client, seeded):
    html = get(client, BINANCE)
    court = fact(html, "Court")
    assert "U.S. District Court for the District of Columbia" in court
    assert 'href="/agencies/ddc/"' in court
    judge = fact(html, "Judge")
    assert ">Amy Berman Jackson</a>" in judge
    assert 'href="/parties/amy-berman-jackson/"' in judge
    assert "U.S. Securities and Exchange Commission" in fact(html, "Brought by")


def test_disputed_filed_and_closed_dates_say_so_in_the_header(client, seeded):
    html = get(client, BINANCE)
    closed = fact(html, "Closed")
    assert '<time datetime="2025-05-29">May 29, 2025</time>' in closed
    assert '<a class="badge" href="#entry-dismissal">Sources disagree' in closed
    assert 'href="#entry-complaint">Sources disagree' in fact(html, "Filed")
    # The criminal case's dates are not disputed.
    assert "Sources disagree" not in fact(get(client, "/cases/doj-binance-criminal/"), "Closed")


def test_case_page_shows_every_seeded_entry_with_its_permalink_anchor(client, seeded):
    html = get(client, BINANCE)
    shown = entries(html)
    for filing in Filing.objects.filter(case__slug="sec-v-binance"):
        assert f'id="entry-{filing.slug}"' in html
        block = shown[filing.slug]
        assert ENTRY_TITLE.search(block).group(1) == escape(filing.title)
        assert f'href="{BINANCE}#entry-{filing.slug}"' in block
    assert set(shown) == set(BINANCE_ORDER)


def test_case_page_shows_each_date_at_the_precision_the_sources_give(client, seeded):
    html = get(client, BINANCE)
    shown = entries(html)
    expected = {
        "complaint": ("2023-06", "June 2023"),
        "stay-motion": ("2025", "2025"),
        "second-stay-request": ("2025", "2025"),
        "dismissal": ("2025-05-29", "May 29, 2025"),
    }
    for slug, block in shown.items():
        entry_date = between(block, '<p class="entry-date">', "</p>")
        if slug in expected:
            assert times(entry_date) == [expected[slug]], slug
        else:
            assert times(entry_date) == [], slug
            assert "Date not known" in entry_date
    assert fact(html, "Filed").startswith('<time datetime="2023-06">June 2023</time>')
    # A month is never shown as if it were its first day.
    assert "June 1, 2023" not in html
    assert "2023-06-01" not in html


def test_each_entry_lists_its_sources_with_paragraph_and_key_phrase(client, seeded):
    shown = entries(get(client, BINANCE))
    citations = Citation.objects.filter(filing__case__slug="sec-v-binance").select_related(
        "source", "filing"
    )
    assert citations.count() >= 20
    for citation in citations:
        sources = between(shown[citation.filing.slug], 'aria-label="Sources">', "</ul>")
        expected = (
            f'<a href="/sources/{citation.source.key}/#cite-{citation.pk}">'
            f"{escape(str(citation.source))}</a>, paragraph {citation.locator}: "
            f"<q>{escape(citation.key_phrase)}</q>"
        )
        assert expected in sources, citation


def test_every_citation_link_on_the_case_page_lands_on_its_source_page(client, seeded):
    links = [
        link["href"]
        for link in Links(get(client, BINANCE)).links
        if link["href"].startswith("/sources/") and "#cite-" in link["href"]
    ]
    assert links
    for href in links:
        path, anchor = href.split("#")
        assert f'id="{anchor}"' in get(client, path)


def test_disputed_entries_say_so_and_list_each_sources_version(client, seeded):
    shown = entries(get(client, BINANCE))
    for slug in DISPUTED:
        block = shown[slug]
        assert '<span class="badge">Sources disagree</span>' in block, slug
        assert block.count("<details") == 1, slug
    dismissal = between(shown["dismissal"], "<details", "</details>")
    dated = [iso for iso, _display in times(dismissal)]
    assert {"2024-05-29", "2025-05-29", "2024-05"} <= set(dated)
    assert 'Adopted here: <time datetime="2025-05-29">May 29, 2025</time>' in dismissal
    assert "SEC drops Binance case (report with a timeline)</a>, paragraph 1:" in dismissal
    assert "SEC dismisses Binance case, citing Reuters</a>, paragraph 3:" in dismissal
    stay = between(shown["stay-motion"], "<details", "</details>")
    assert ("2024-02", "February 2024") in times(stay)
    assert ("2025", "2025") in times(stay)
    second = between(shown["second-stay-request"], "<details", "</details>")
    assert ("2024-04", "April 2024") in times(second)
    complaint = between(shown["complaint"], "<details", "</details>")
    # 003 gives an order, not a date: after the plea of November 2023.
    assert "after “Binance pleads guilty and agrees to a multibillion-dollar penalty”" in complaint
    assert ("2023-11", "November 2023") in times(complaint)


def test_undisputed_entries_have_no_disagreement(client, seeded):
    binance = entries(get(client, BINANCE))
    for slug in set(BINANCE_ORDER) - DISPUTED:
        assert "<details" not in binance[slug], slug
        assert "Sources disagree" not in binance[slug], slug
    doj = entries(get(client, "/cases/doj-binance-criminal/"))
    assert set(doj) == {"plea", "zhao-sentenced", "zhao-released"}
    for slug, block in doj.items():
        assert "<details" not in block, slug
        assert "Sources disagree" not in block, slug
    # Three sources agree on November 2023 for the plea; each is still cited.
    assert times(between(doj["plea"], '<p class="entry-date">', "</p>")) == [
        ("2023-11", "November 2023")
    ]
    assert between(doj["plea"], 'aria-label="Sources">', "</ul>").count("<li>") == 5


# Case timeline order


def test_case_timeline_is_oldest_first_with_undated_entries_in_sequence(client, seeded):
    order = list(entries(get(client, BINANCE)))
    assert order == BINANCE_ORDER
    # The undated ruling keeps its place: after the complaint, before the 2025 stay.
    assert order.index("complaint") < order.index("ruling-on-claims") < order.index("stay-motion")
    assert order == list(entries(get(client, BINANCE + "?order=oldest")))


def test_newest_first_reverses_the_case_timeline(client, seeded):
    html = get(client, BINANCE + "?order=newest")
    assert list(entries(html)) == BINANCE_ORDER[::-1]
    assert '<ol class="timeline" reversed>' in html
    assert '<a href="?order=oldest">oldest first</a>' in html


def test_an_unknown_order_is_a_bad_request_with_a_message(client, seeded):
    html = get(client, BINANCE + "?order=bogus", status=400)
    assert '<p class="error" role="alert">Choose oldest first or newest first.</p>' in html
    # The page is still usable: the timeline is shown oldest first.
    assert list(entries(html)) == BINANCE_ORDER


# Dates about the record


def test_last_updated_is_shown_apart_from_the_latest_entry(client, seeded):
    Case.objects.filter(slug="sec-v-binance").update(
        updated_at=datetime.datetime(2025, 6, 2, 9, 30, tzinfo=datetime.UTC)
    )
    Filing.objects.filter(case__slug="sec-v-binance").update(
        updated_at=datetime.datetime(2025, 6, 1, 8, 0, tzinfo=datetime.UTC)
    )
    html = get(client, BINANCE)
    assert fact(html, "Latest entry").strip() == '<time datetime="2025-05-29">May 29, 2025</time>'
    updated = fact(html, "Last updated")
    assert '<time datetime="2025-06-02T09:30:00+00:00">June 2, 2025, 09:30 UTC</time>' in updated
    assert "May 29, 2025" not in updated


def test_last_updated_follows_the_latest_edit_to_an_entry(client, seeded):
    Case.objects.filter(slug="sec-v-binance").update(
        updated_at=datetime.datetime(2025, 6, 2, 9, 30, tzinfo=datetime.UTC)
    )
    Filing.objects.filter(case__slug="sec-v-binance").update(
        updated_at=datetime.datetime(2025, 6, 1, 8, 0, tzinfo=datetime.UTC)
    )
    Filing.objects.filter(case__slug="sec-v-binance", slug="dismissal").update(
        updated_at=datetime.datetime(2025, 7, 4, 12, 0, tzinfo=datetime.UTC)
    )
    assert "July 4, 2025, 12:00 UTC" in fact(get(client, BINANCE), "Last updated")


@pytest.mark.parametrize(
    ("microsecond", "written"),
    [(766000, "02:55:52.766+00:00"), (766999, "02:55:52.766+00:00"), (0, "02:55:52+00:00")],
)
def test_last_updated_datetime_has_at_most_three_digits_of_a_second(
    client, seeded, microsecond, written
):
    # HTML's datetime attribute takes one to three digits of a second; isoformat writes six.
    updated = datetime.datetime(2026, 12, 1, 2, 55, 52, microsecond, tzinfo=datetime.UTC)
    Case.objects.filter(slug="sec-v-binance").update(updated_at=updated)
    Filing.objects.filter(case__slug="sec-v-binance").update(updated_at=updated)
    value = re.search(r'<time datetime="([^"]+)"', fact(get(client, BINANCE), "Last updated"))[1]
    assert value == f"2026-12-01T{written}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?\+00:00", value)


# Related cases and claims


def test_related_cases_are_listed_with_the_kind_of_link(client, seeded):
    related = section(get(client, BINANCE), "related-heading")
    links = {link["href"]: link["text"] for link in Links(related).links}
    assert links == {
        "/cases/doj-binance-criminal/": "DOJ and FinCEN criminal resolution with Binance",
        "/cases/sec-v-coinbase/": "SEC v. Coinbase",
        "/cases/sec-v-kraken/": "SEC v. Kraken",
        "/cases/sec-v-consensys/": "SEC v. Consensys",
    }
    assert '<li>Parallel criminal matter: <a href="/cases/doj-binance-criminal/">' in related
    assert related.count("<li>Related enforcement action: ") == 3
    # The link shows from the other side too, worded for that side.
    doj = section(get(client, "/cases/doj-binance-criminal/"), "related-heading")
    assert 'Parallel civil or regulatory matter: <a href="/cases/sec-v-binance/">' in doj
    assert "Parallel criminal matter" not in doj
    assert "al.." not in doj


def test_claims_show_dispositions_and_the_counts_say_sources_disagree(client, seeded):
    claims = section(get(client, BINANCE), "claims-heading")
    assert "<strong>Sales of the Binance USD (BUSD) stablecoin</strong>: Dismissed\n" in claims
    assert "<strong>The Simple Earn token-lending program</strong>: Dismissed in part" in claims
    counts = between(claims, "<h3>Claim counts as reported", "</h3>")
    assert '<span class="badge">Sources disagree</span>' in counts
    assert "13 in all; 3 dismissed, 10 proceeding in full, 2 proceeding in part." in claims
    assert "(number of claims: 13): <q>three of the thirteen allegations</q>" in claims


def test_a_case_without_claims_or_links_leaves_those_sections_out(client, seeded):
    html = get(client, "/cases/sec-v-kraken/")
    assert 'id="claims-heading"' not in html
    assert "Related enforcement action" in section(html, "related-heading")
    assert fact(html, "Court") == "Not reported"
    assert fact(html, "Filed").strip() == '<span class="undated">Date not known</span>'


# The case page's overview


def test_case_overview_is_an_accessible_svg_with_spans_dots_and_disputes(client, seeded):
    html = get(client, BINANCE)
    svg = between(html, "<svg", "</svg>")
    assert 'role="img"' in svg
    assert '<title id="overview-title">Overview of the entries in SEC v. Binance' in svg
    desc = between(svg, '<desc id="overview-desc">', "</desc>")
    assert "from 2023 to 2025" in desc
    assert "3 undated entries not drawn" in desc
    rects = re.findall(r'<rect class="mark( disputed)?"[^>]*><title>([^<]*)</title>', svg)
    circles = re.findall(r'<circle class="mark( disputed)?"[^>]*><title>([^<]*)</title>', svg)
    # Month and year entries are spans; the entry known to the day is a dot.
    assert [title for _d, title in rects] == [
        "June 2023: SEC sues Binance, Zhao and two US affiliates",
        "2025: Joint motion to pause the case for 60 days",
        "2025: Second request to pause the case",
    ]
    assert [title for _d, title in circles] == [
        "May 29, 2025: Joint stipulation dismisses the case with prejudice"
    ]
    assert all(disputed for disputed, _title in rects + circles)
    assert svg.count('class="dispute-mark"') == 4


def test_an_undisputed_mark_is_not_flagged(client, seeded):
    svg = between(get(client, "/cases/doj-binance-criminal/"), "<svg", "</svg>")
    assert svg.count('<rect class="mark"') == 3
    assert "disputed" not in svg
    assert "dispute-mark" not in svg


# The case list


@pytest.mark.parametrize(
    "query, expected",
    [
        (
            "",
            {
                "sec-v-binance",
                "doj-binance-criminal",
                "sec-v-coinbase",
                "sec-v-kraken",
                "sec-v-consensys",
            },
        ),
        ("q=Coinbase", {"sec-v-coinbase"}),
        ("q=binance+holdings", {"sec-v-binance", "doj-binance-criminal"}),
        ("q=Changpeng", {"sec-v-binance", "doj-binance-criminal"}),
        ("q=CZ", {"sec-v-binance", "doj-binance-criminal"}),
        ("q=bam+trading", {"sec-v-binance"}),
        ("q=nothing+like+this", set()),
        ("agency=sec", {"sec-v-binance", "sec-v-coinbase", "sec-v-kraken", "sec-v-consensys"}),
        ("agency=doj", {"doj-binance-criminal"}),
        ("agency=fincen", {"doj-binance-criminal"}),
        ("agency=ddc", {"sec-v-binance"}),
        ("agency=nydfs", set()),
        ("party=changpeng-zhao", {"sec-v-binance", "doj-binance-criminal"}),
        ("party=amy-berman-jackson", {"sec-v-binance"}),
        ("party=kraken", {"sec-v-kraken"}),
        ("status=dismissed", {"sec-v-binance", "sec-v-coinbase"}),
        ("status=settled", {"doj-binance-criminal"}),
        ("kind=criminal", {"doj-binance-criminal"}),
        (
            "kind=civil",
            {"sec-v-binance", "sec-v-coinbase"},
        ),  # no source gives the kind of the others
        ("filed_before=2023-06", {"sec-v-binance"}),
        ("filed_before=2023-06-01", {"sec-v-binance"}),  # June 2023 may be June 1
        ("filed_before=2023-05", set()),
        ("filed_before=2023", {"sec-v-binance"}),
        ("filed_after=2023-06", {"sec-v-binance"}),
        ("filed_after=2023-06-30", {"sec-v-binance"}),  # June 2023 may be June 30
        ("filed_after=2023", {"sec-v-binance"}),
        ("filed_after=2023-07", set()),
        ("filed_after=2023-06&filed_before=2023-06", {"sec-v-binance"}),
        ("q=CZ&agency=sec", {"sec-v-binance"}),
        ("q=CZ&kind=criminal", {"doj-binance-criminal"}),
        ("party=changpeng-zhao&agency=doj", {"doj-binance-criminal"}),
        ("agency=sec&status=dismissed", {"sec-v-binance", "sec-v-coinbase"}),
        ("agency=sec&status=dismissed&filed_after=2023-06", {"sec-v-binance"}),
        ("agency=sec&status=dismissed&filed_after=2023-07", set()),
        ("agency=doj&status=active", set()),
        (
            "q=Binance&agency=ddc&party=changpeng-zhao&status=dismissed&kind=civil"
            "&filed_after=2023&filed_before=2023-06&sort=caption",
            {"sec-v-binance"},
        ),
    ],
)
def test_case_list_filters_alone_and_combined(client, seeded, query, expected):
    html = get(client, f"/cases/?{query}")
    shown = listed_cases(html)
    assert set(shown) == expected
    assert len(shown) == len(expected), "a case is listed twice"
    if not expected:
        assert "No cases match these filters." in html
    assert f"{len(expected)} case" in between(html, '<p class="result-count">', "</p>")


def test_case_list_shows_each_cases_latest_entry_and_filing_date(client, seeded):
    html = get(client, "/cases/")
    binance = between(html, 'href="/cases/sec-v-binance/"', "</li>")
    assert "Civil · Dismissed · U.S. District Court for the District of Columbia" in binance
    assert fact(binance, "Filed").strip() == '<time datetime="2023-06">June 2023</time>'
    assert fact(binance, "Latest entry").strip() == (
        '<time datetime="2025-05-29">May 29, 2025</time>'
    )
    doj = between(html, 'href="/cases/doj-binance-criminal/"', "</li>")
    assert fact(doj, "Brought by") == "FinCEN, DOJ"  # by full name
    assert fact(doj, "Filed").strip() == '<span class="undated">Date not known</span>'


@pytest.fixture
def dated_cases(seeded):
    """Three more cases filed at year, day and month precision, without entries."""
    sec = Agency.objects.get(slug="sec")
    for caption, slug, filed in [
        ("Alpha v. SEC", "alpha", "2021"),
        ("SEC v. Beta", "beta", "2024-01-15"),
        ("SEC v. Gamma", "gamma", "2023"),
    ]:
        Case.objects.create(
            is_published=True,
            caption=caption,
            slug=slug,
            kind="civil",
            status="active",
            filed=filed,
        ).agencies.add(sec)


UNDATED_BY_CAPTION = ["doj-binance-criminal", "sec-v-coinbase", "sec-v-consensys", "sec-v-kraken"]


@pytest.mark.parametrize(
    "sort, expected",
    [
        # Latest entry first; cases without dated entries last, by caption.
        (
            "activity",
            ["sec-v-binance", "sec-v-coinbase", "doj-binance-criminal", "alpha"]
            + ["beta", "sec-v-consensys", "gamma", "sec-v-kraken"],
        ),
        # A year sorts before the months and days inside it; unknown dates last.
        ("oldest", ["alpha", "gamma", "sec-v-binance", "beta", *UNDATED_BY_CAPTION]),
        ("newest", ["beta", "sec-v-binance", "gamma", "alpha", *UNDATED_BY_CAPTION]),
        (
            "caption",
            ["alpha", "doj-binance-criminal", "beta", "sec-v-binance", "sec-v-coinbase"]
            + ["sec-v-consensys", "gamma", "sec-v-kraken"],
        ),
    ],
)
def test_case_list_sorts(client, dated_cases, sort, expected):
    assert listed_cases(get(client, f"/cases/?sort={sort}")) == expected


def test_case_list_sorts_by_latest_activity_by_default(client, dated_cases):
    default = listed_cases(get(client, "/cases/"))
    assert default == listed_cases(get(client, "/cases/?sort=activity"))
    assert default == listed_cases(get(client, "/cases/?sort="))  # as the blank form sends
    assert default[:3] == ["sec-v-binance", "sec-v-coinbase", "doj-binance-criminal"]


def test_case_list_pages_keep_the_filters_in_their_links(client, seeded):
    sec = Agency.objects.get(slug="sec")
    for n in range(20):
        Case.objects.create(
            is_published=True,
            caption=f"SEC v. Extra {n:02d}",
            slug=f"extra-{n:02d}",
            kind="civil",
            status="active",
        ).agencies.add(sec)
    Case.objects.create(
        is_published=True, caption="Not SEC", slug="not-sec", kind="civil", status="active"
    )

    first = get(client, "/cases/?agency=sec&sort=caption")
    first_cases = listed_cases(first)
    assert len(first_cases) == 20
    assert "24 cases, page 1 of 2." in first
    (next_link,) = [link for link in Links(first).links if link.get("rel") == "next"]
    assert next_link["href"] == "?agency=sec&sort=caption&page=2"
    assert not [link for link in Links(first).links if link.get("rel") == "prev"]

    second = get(client, "/cases/" + next_link["href"])
    second_cases = listed_cases(second)
    assert len(second_cases) == 4
    assert "24 cases, page 2 of 2." in second
    (prev_link,) = [link for link in Links(second).links if link.get("rel") == "prev"]
    assert prev_link["href"] == "?agency=sec&sort=caption&page=1"
    assert not [link for link in Links(second).links if link.get("rel") == "next"]

    both = first_cases + second_cases
    assert len(set(both)) == 24
    assert "not-sec" not in both
    captions = dict(Case.objects.values_list("slug", "caption"))
    assert [captions[slug] for slug in both] == sorted(captions[slug] for slug in both)


@pytest.mark.parametrize(
    "query, message",
    [
        (
            "filed_before=2023-13",
            "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (month 13 is not between 1 and 12).",
        ),
        ("filed_after=June+2023", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("filed_after=2023-02-30", "February 2023 has 28 days, so there is no day 30"),
        ("agency=nope", "Select a valid choice. That choice is not one of the available choices."),
        ("party=nope", "Select a valid choice. That choice is not one of the available choices."),
        ("status=bogus", "Select a valid choice. bogus is not one of the available choices."),
        ("kind=bogus", "Select a valid choice. bogus is not one of the available choices."),
        ("sort=bogus", "Select a valid choice. bogus is not one of the available choices."),
        ("page=abc", "The page number must be a whole number."),
        ("agency=sec&page=abc", "The page number must be a whole number."),
    ],
)
def test_invalid_case_list_parameters_are_a_bad_request_with_the_message(
    client, seeded, query, message
):
    html = get(client, f"/cases/?{query}", status=400)
    alerts = re.findall(r'<p class="error"[^>]*role="alert">([^<]*)</p>', html)
    assert any(message in alert for alert in alerts), alerts
    assert listed_cases(html) is None
    assert '<form method="get" action="/cases/"' in html


@pytest.mark.parametrize("page", ["99", "0", "-1", "3"])
def test_a_page_past_the_end_is_not_found(client, seeded, page):
    html = get(client, f"/cases/?page={page}", status=404)
    assert "<h1>Not found</h1>" in html


# The cross-case timeline


def test_timeline_groups_every_entry_under_month_headings(client, seeded):
    groups = month_groups(get(client, "/timeline/"))
    assert [label for label, _titles in groups] == [
        "June 2023",
        "November 2023",
        "April 2024",
        "September 2024",
        "2025, month not known",
        "February 2025",
        "May 2025",
        "Date not known",
    ]
    by_label = dict(groups)
    assert by_label["June 2023"] == ["SEC sues Binance, Zhao and two US affiliates"]
    assert by_label["2025, month not known"] == [
        "Joint motion to pause the case for 60 days",
        "Second request to pause the case",
    ]
    assert set(by_label["Date not known"]) == titles_of(
        "binance-response",
        "ruling-on-claims",
        "binance-welcomes-dismissal",
        "case-closed",
        "proceedings-begin",
    )
    assert sum(len(titles) for _label, titles in groups) == Filing.objects.count()


def test_timeline_newest_first_reverses_the_months_and_keeps_undated_last(client, seeded):
    groups = month_groups(get(client, "/timeline/?order=newest"))
    labels = [label for label, _titles in groups]
    assert labels[:2] == ["May 2025", "February 2025"]
    assert labels[-2:] == ["June 2023", "Date not known"]


def test_timeline_entries_name_their_case(client, seeded):
    html = get(client, "/timeline/")
    block = next(b for _s, b in ENTRY.findall(html) if "Zhao released from prison" in b)
    assert '<a href="/cases/doj-binance-criminal/">DOJ and FinCEN criminal resolution' in block


def test_timeline_for_february_2025_has_the_coinbase_dismissal_not_the_binance_one(client, seeded):
    html = get(client, "/timeline/?after=2025-02&before=2025-02")
    shown = set(entry_titles(html))
    assert "SEC drops its case against Coinbase" in shown
    assert "Joint stipulation dismisses the case with prejudice" not in shown
    # Entries known only as "2025" may fall in February, so they are kept.
    assert shown == titles_of("sec-drops-case", "stay-motion", "second-stay-request")
    assert "3 entries." in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("agency=doj", {"plea", "zhao-sentenced", "zhao-released"}),
        ("agency=fincen", {"plea", "zhao-sentenced", "zhao-released"}),
        ("agency=ddc", set(BINANCE_ORDER)),
        (
            "agency=sec",
            set(BINANCE_ORDER) | {"sec-drops-case", "case-closed", "proceedings-begin"},
        ),
        ("agency=nydfs", set()),
        ("party=changpeng-zhao", set(BINANCE_ORDER) | {"plea", "zhao-sentenced", "zhao-released"}),
        ("party=amy-berman-jackson", set(BINANCE_ORDER)),
        ("party=coinbase", {"sec-drops-case"}),
        ("kind=stay_request", {"stay-motion", "second-stay-request"}),
        ("kind=statement", {"binance-response", "binance-welcomes-dismissal"}),
        ("after=2025-05", {"dismissal", "stay-motion", "second-stay-request"}),
        ("before=2023", {"complaint", "plea"}),
        ("after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("party=changpeng-zhao&after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("agency=sec&kind=stay_request&after=2025", {"stay-motion", "second-stay-request"}),
        ("agency=sec&kind=other", {"sec-drops-case", "case-closed", "proceedings-begin"}),
        ("agency=doj&party=changpeng-zhao&kind=sentencing", {"zhao-sentenced"}),
        ("party=binance-holdings&before=2023-12", {"complaint", "plea"}),
        (
            "agency=sec&after=2025-02&before=2025-02",
            {"sec-drops-case", "stay-motion", "second-stay-request"},
        ),
        ("agency=doj&after=2025", set()),
    ],
)
def test_timeline_filters_alone_and_combined(client, seeded, query, expected):
    html = get(client, f"/timeline/?{query}")
    shown = entry_titles(html)
    assert len(shown) == len(set(shown)), "an entry is listed twice"
    assert set(shown) == titles_of(*expected)


@pytest.mark.parametrize(
    "query, message",
    [
        ("after=2025-13", "month 13 is not between 1 and 12"),
        ("before=soon", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("agency=nope", "Select a valid choice."),
        ("party=nope", "Select a valid choice."),
        ("kind=bogus", "Select a valid choice. bogus is not one of the available choices."),
        ("order=bogus", "Choose oldest first or newest first."),
    ],
)
def test_invalid_timeline_parameters_are_a_bad_request_with_the_message(
    client, seeded, query, message
):
    html = get(client, f"/timeline/?{query}", status=400)
    alerts = re.findall(r'<p class="error"[^>]*role="alert">([^<]*)</p>', html)
    assert any(message in alert for alert in alerts), alerts
    assert entry_titles(html) == []


def test_timeline_overview_has_one_lane_label_per_case_with_dated_entries(client, seeded):
    svg = between(get(client, "/timeline/"), "<svg", "</svg>")
    labels = re.findall(r'<text class="lane-label"[^>]*>([^<]*)</text>', svg)
    dated_cases = Case.objects.filter(filings__date__isnull=False).distinct()
    expected = {escape(Truncator(case.caption).chars(24)) for case in dated_cases}
    assert len(labels) == len(expected) == 3
    assert set(labels) == expected
    assert '<title id="overview-title">Overview of the entries, one lane per case</title>' in svg
    assert "5 undated entries not drawn" in svg
    one_case = between(get(client, "/timeline/?agency=doj"), "<svg", "</svg>")
    assert re.findall(r'<text class="lane-label"[^>]*>([^<]*)</text>', one_case) == [
        "DOJ and FinCEN criminal…"
    ]


def test_timeline_order_links_keep_the_filters(client, seeded):
    html = get(client, "/timeline/?agency=sec&kind=other")
    hrefs = [link["href"] for link in Links(html).links if link["text"] == "newest first"]
    assert hrefs == ["?agency=sec&kind=other&order=newest"]


# Party and agency pages


def test_party_page_lists_cases_with_roles_and_their_entries(client, seeded):
    html = get(client, "/parties/changpeng-zhao/")
    assert "<dt>Also known as</dt><dd>CZ</dd>" in html
    cases = section(html, "cases-heading")
    assert (
        '<a href="/cases/sec-v-binance/">SEC v. Binance Holdings et al.</a>: '
        "Defendant (CEO when sued; later former CEO)"
    ) in cases
    assert (
        '<a href="/cases/doj-binance-criminal/">DOJ and FinCEN criminal resolution with Binance</a>'
        ": Defendant (Founder of Binance)"
    ) in cases
    shown = entry_titles(section(html, "entries-heading"))
    assert set(shown) == titles_of(*BINANCE_ORDER, "plea", "zhao-sentenced", "zhao-released")
    assert "SEC drops its case against Coinbase" not in shown


def test_the_judges_page_shows_the_case_she_judged(client, seeded):
    html = get(client, "/parties/amy-berman-jackson/")
    assert '<dt>Serves at</dt><dd>Judge, <a href="/agencies/ddc/">' in html
    cases = section(html, "cases-heading")
    assert '<a href="/cases/sec-v-binance/">SEC v. Binance Holdings et al.</a>: judge' in cases
    assert cases.count("<li>") == 1
    assert set(entry_titles(html)) == titles_of(*BINANCE_ORDER)


def test_a_party_in_no_case_says_so(client, seeded):
    html = get(client, "/parties/paul-atkins/")
    assert "Not a party to any case in the record." in html
    assert '<dt>Serves at</dt><dd>Chairman, <a href="/agencies/sec/">' in html
    assert "<p>No entries.</p>" in html


def test_party_list_counts_the_cases_each_party_is_in_or_judges(client, seeded):
    html = get(client, "/parties/")
    items = dict(re.findall(r'<a href="/parties/([\w-]+)/">[^<]*</a> <small>([^<]*)</small>', html))
    assert items["changpeng-zhao"] == "Person, 2 cases"
    assert items["binance-holdings"] == "Organization, 2 cases"
    assert items["coinbase"] == "Organization, 1 case"
    # Her own page lists the case she judges; the list must not say she has none.
    assert items["amy-berman-jackson"] == "Person, 1 case"
    assert items["paul-atkins"] == "Person, 0 cases"


def test_agency_page_lists_the_cases_it_brought_and_their_entries(client, seeded):
    html = get(client, "/agencies/sec/")
    assert "<h1>U.S. Securities and Exchange Commission (SEC)</h1>" in html
    cases = section(html, "cases-heading")
    brought = between(cases, "<h3>Brought</h3>", "</ul>")
    assert {link["href"] for link in Links(brought).links} == {
        "/cases/sec-v-binance/",
        "/cases/sec-v-coinbase/",
        "/cases/sec-v-kraken/",
        "/cases/sec-v-consensys/",
    }
    assert "<h3>Heard</h3>" not in cases
    assert '<a href="/agencies/sec-crypto-task-force/">Crypto Task Force</a>' in fact(html, "Units")
    assert "Paul Atkins</a> (Chairman)" in fact(html, "People")
    assert "SEC drops its case against Coinbase" in entry_titles(html)


def test_the_courts_page_shows_the_case_it_heard(client, seeded):
    html = get(client, "/agencies/ddc/")
    cases = section(html, "cases-heading")
    heard = between(cases, "<h3>Heard</h3>", "</ul>")
    assert [link["href"] for link in Links(heard).links] == ["/cases/sec-v-binance/"]
    assert "<h3>Brought</h3>" not in cases
    assert "Amy Berman Jackson</a> (Judge)" in fact(html, "People")
    assert set(entry_titles(html)) == titles_of(*BINANCE_ORDER)


def test_a_unit_shows_the_agency_it_is_part_of(client, seeded):
    html = get(client, "/agencies/sec-crypto-task-force/")
    assert fact(html, "Part of") == (
        '<a href="/agencies/sec/">U.S. Securities and Exchange Commission</a>'
    )
    assert fact(html, "Kind") == "Unit within an agency"
    assert "No cases in the record." in html
    agencies = get(client, "/agencies/")
    assert "Unit within an agency, part of SEC</small>" in agencies
    assert "Regulator, brought 4 cases</small>" in agencies


# Source pages


def test_source_page_shows_placeholders_for_what_is_not_known(client, seeded):
    html = get(client, f"/sources/{SOURCE_000}/")
    assert "<h1>SEC drops Binance case (report with a timeline)</h1>" in html
    assert fact(html, "Publisher") == "Not known"
    assert fact(html, "Published") == "Not known"
    assert fact(html, "Reference") == f"<code>{SOURCE_000}</code>"
    assert fact(get(client, "/sources/004_686ed3a3ca7ba218.txt/"), "Publisher") == "Odaily"


@pytest.mark.parametrize("key", SOURCE_KEYS)
def test_source_page_lists_every_fact_that_cites_it(client, seeded, key):
    html = get(client, f"/sources/{key}/")
    citations = Citation.objects.filter(source__key=key)
    assert html.count('id="cite-') == citations.count() > 0
    for citation in citations:
        item = between(html, f'<li id="cite-{citation.pk}">', "</li>")
        assert item.startswith(
            f"Paragraph {citation.locator}: <q>{escape(citation.key_phrase)}</q> supports"
        )


def test_source_page_says_where_it_disagrees_with_the_others(client, seeded):
    html = get(client, f"/sources/{SOURCE_000}/")
    disagreements = section(html, "disagree-heading")
    headings = re.findall(r'<h3><a href="([^"]+)">([^<]+)</a>', disagreements)
    # Not the complaint: 000's June 2023 agrees; only 003's order conflicts.
    expected = DISPUTED - {"complaint"}
    assert {href for href, _title in headings} == {f"{BINANCE}#entry-{slug}" for slug in expected}
    dismissal = between(
        disagreements, "Joint stipulation dismisses the case with prejudice", "</ul>"
    )
    assert "<strong>This source</strong>, paragraph 1:" in dismissal
    assert 'datetime="2024-05-29"' in dismissal and 'datetime="2024-05"' in dismissal
    other = between(
        dismissal, "SEC dismisses Binance case, citing Reuters</a>, paragraph 3:", "</li>"
    )
    assert '<time datetime="2025-05-29">May 29, 2025</time>' in other
    stay = between(disagreements, "Joint motion to pause the case for 60 days", "</ul>")
    assert ("2024-02", "February 2024") in times(stay)
    other = between(stay, "Binance and SEC ask for a 60-day pause</a>, paragraph 2:", "</li>")
    assert times(other) == [("2025", "2025")]
    second = between(disagreements, "Second request to pause the case", "</ul>")
    assert 'Adopted here: <time datetime="2025">2025</time>' in second
    assert ("2024-04", "April 2024") in times(second)
    # The plea, where three sources agree, is not a disagreement.
    assert "#entry-plea" not in disagreements


def test_source_page_lists_a_disputed_entry_only_where_its_own_version_conflicts(client, seeded):
    source_003 = section(get(client, "/sources/003_4ad433f5cb8dccfd.txt/"), "disagree-heading")
    assert f"{BINANCE}#entry-complaint" in source_003  # it puts the suit after the plea
    source_004 = section(get(client, "/sources/004_686ed3a3ca7ba218.txt/"), "disagree-heading")
    assert "#entry-complaint" not in source_004  # it gives no date for the complaint


def test_source_page_flags_claim_counts_that_do_not_fit(client, seeded):
    html = get(client, "/sources/003_4ad433f5cb8dccfd.txt/")
    assert 'Claim counts in <a href="/cases/sec-v-binance/">' in section(html, "disagree-heading")


def test_a_source_that_agrees_with_the_others_says_so(client, seeded):
    source = Source.objects.create(key="new.txt", title="A source that agrees")
    Citation.objects.create(
        source=source,
        locator=1,
        key_phrase="pleaded guilty in November 2023",
        filing=Filing.objects.get(slug="plea"),
        reported_date="2023-11",
    )
    html = get(client, "/sources/new.txt/")
    assert "No disagreement with other sources is recorded." in html
    assert html.count('id="cite-') == 1


# Escaping


def test_data_is_escaped_on_every_page(client, seeded):
    sec = Agency.objects.get(slug="sec")
    party = Party.objects.create(name=f"Evil {SCRIPT}", slug="evil", kind="person")
    Alias.objects.create(party=party, name=SCRIPT)
    case = Case.objects.create(
        is_published=True,
        caption=SCRIPT,
        slug="xss",
        kind="civil",
        status="active",
        summary=SCRIPT,
        outcome=SCRIPT,
    )
    case.agencies.add(sec)
    CaseParty.objects.create(case=case, party=party, role="defendant", title=SCRIPT)
    CaseLink.objects.create(
        from_case=case, to_case=Case.objects.get(slug="sec-v-kraken"), kind="appeal", note=SCRIPT
    )
    claim = Claim.objects.create(case=case, slug="c", title=SCRIPT)
    source = Source.objects.create(key="xss.txt", title=SCRIPT, publisher=SCRIPT)
    Citation.objects.create(source=source, locator=1, key_phrase=SCRIPT, claim=claim)
    filing = Filing.objects.create(
        is_published=True,
        case=case,
        slug="f",
        sequence=10,
        kind="other",
        title=SCRIPT,
        summary=SCRIPT,
        date="2025-06-01",
        date_note=SCRIPT,
        filed_by_party=party,
    )
    Citation.objects.create(
        source=source,
        locator=2,
        key_phrase=SCRIPT,
        filing=filing,
        reported_date="2024-06",
        note=SCRIPT,
    )
    urls = [
        "/",
        "/cases/",
        "/cases/xss/",
        "/timeline/",
        "/parties/",
        "/parties/evil/",
        "/agencies/sec/",
        "/sources/xss.txt/",
        "/cases/sec-v-kraken/",
        f"/cases/?q={SCRIPT}",
        f"/timeline/?kind={SCRIPT}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 400), url
        html = response.content.decode()
        assert "<script" not in html, url
        assert "&lt;script&gt;" in html, url


# Query counts: the same bound with the seed and with much more data (conftest.dataset)


# (page, URL, queries, text only the generated data puts on the page). Long timelines
# take two queries more than a case's: a page of dated entries, then of undated ones.
# Entries involving a party or agency take one more, for the ids of its cases
# (filings.models.in_cases), and its page one more, for how many cases it has.
QUERY_BUDGETS = [
    ("home", "/", 7, "Generated entry"),
    ("case list", "/cases/", 5, "SEC v. Generated Exchange"),
    ("case list, filtered", "/cases/?q=CZ&agency=ddc&sort=newest", 6, "SEC v. Generated Exchange"),
    ("case detail", BINANCE, 10, "SEC v. Generated Exchange"),
    ("timeline", "/timeline/", 6, "Generated entry"),
    ("timeline, filtered", "/timeline/?party=changpeng-zhao&agency=sec", 10, "Generated entry"),
    ("party list", "/parties/", 1, "Generated Exchange"),
    ("party", "/parties/changpeng-zhao/", 10, "Generated entry"),
    ("judge", "/parties/amy-berman-jackson/", 10, "SEC v. Generated Exchange"),
    ("agency list", "/agencies/", 1, "brought 34 cases"),
    ("agency", "/agencies/sec/", 11, "Generated Official"),
    ("court", "/agencies/ddc/", 11, "SEC v. Generated Exchange"),
    ("source", f"/sources/{SOURCE_000}/", 3, "Generated entry"),
    ("source with counts", "/sources/003_4ad433f5cb8dccfd.txt/", 4, "SEC v. Generated Exchange"),
]


@pytest.mark.parametrize(
    "url, budget, generated_text",
    [entry[1:] for entry in QUERY_BUDGETS],
    ids=[entry[0] for entry in QUERY_BUDGETS],
)
def test_query_count_does_not_grow_with_the_data(
    client, dataset, django_assert_max_num_queries, url, budget, generated_text
):
    # One more than the page's own: the page cache's revision (core/caching.py).
    with django_assert_max_num_queries(budget + 1):
        html = get(client, url)
    # The bigger dataset really is on the page being measured.
    assert (generated_text in html) == (dataset == "seed_and_generated")


def test_the_health_check_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
