"""The case page (/cases/<slug>/): parties, court and judge, entries with their dates and
sources, where sources disagree, order, last updated, related cases, claims, the overview."""

import datetime
import re

import pytest
from django.utils.html import escape

from cases.models import Case
from filings.models import Citation, Filing
from tests.factories import CaseFactory
from tests.helpers import (
    BINANCE,
    BINANCE_ORDER,
    DISPUTED,
    Links,
    between,
    entries,
    entry_title,
    fact,
    get,
    parse,
    section,
    times,
)


def marks_title(mark):
    """(whether the mark is flagged as disputed, its <title>) for an overview mark."""
    assert set(mark.classes) <= {"mark", "disputed"}, mark.classes
    (title,) = [child for child in mark.children if child.tag == "title"]
    return "disputed" in mark.classes, title.text


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
        assert entry_title(parse(block)) == filing.title
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
    value = parse(fact(get(client, BINANCE), "Last updated")).find("time").attrs["datetime"]
    assert value == f"2026-12-01T{written}"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?\+00:00", value)


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


def test_case_overview_is_an_accessible_svg_with_spans_dots_and_disputes(client, seeded):
    html = get(client, BINANCE)
    svg = between(html, "<svg", "</svg>")
    assert 'role="img"' in svg
    assert '<title id="overview-title">Overview of the entries in SEC v. Binance' in svg
    desc = between(svg, '<desc id="overview-desc">', "</desc>")
    assert "from 2023 to 2025" in desc
    assert "3 undated entries not drawn" in desc
    marks = parse(html).find("svg").find_all(cls="mark")
    assert {mark.tag for mark in marks} == {"rect", "circle"}
    rects = [marks_title(mark) for mark in marks if mark.tag == "rect"]
    circles = [marks_title(mark) for mark in marks if mark.tag == "circle"]
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


@pytest.mark.parametrize("status", ["settled", "dismissed", "closed"])
def test_a_case_that_ended_without_a_date_says_so_not_that_it_is_open(client, db, status):
    case = CaseFactory(status=status, closed=None)
    assert fact(get(client, case.get_absolute_url()), "Closed") == "Ended; no source gives the date"


@pytest.mark.parametrize("status", ["active", "stayed"])
def test_an_open_case_says_it_is_not_closed(client, db, status):
    case = CaseFactory(status=status)
    html = get(client, case.get_absolute_url())
    assert fact(html, "Closed") == "Not closed, as far as the sources say"
