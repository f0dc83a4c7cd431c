"""The source page (/sources/<key>/): what it is, what cites it, where it disagrees."""

import pytest
from django.utils.html import escape

from filings.models import Citation, Filing, Source
from tests.factories import CitationFactory, FilingFactory, SourceFactory
from tests.helpers import (
    BINANCE,
    DISPUTED,
    SOURCE_000,
    SOURCE_KEYS,
    between,
    fact,
    get,
    parse,
    section,
    times,
)


@pytest.mark.parametrize("key", ["%00", "a%00b", "a%20b", "..%2F..%2Fetc"])
def test_source_keys_with_characters_keys_cannot_have_are_not_found(client, seeded, key):
    get(client, f"/sources/{key}/", status=404)


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
    headings = [
        (heading.children[0].attrs["href"], heading.children[0].text)
        for heading in parse(disagreements).find_all("h3")
        if heading.children and heading.children[0].tag == "a"
    ]
    assert headings
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


def test_a_source_that_disagrees_with_itself_is_listed_as_such_not_with_the_others(client, db):
    """ripple-b gives August 2025 and March 2025 for one entry; ripple-a's 2025 agrees
    with both, and the adopted month with one."""
    entry = FilingFactory(title="Court approves the settlement", date="2025-08")
    ripple_a, ripple_b = SourceFactory(key="ripple-a"), SourceFactory(key="ripple-b")
    CitationFactory(source=ripple_a, locator=1, filing=entry, reported_date="2025")
    CitationFactory(source=ripple_b, locator=3, filing=entry, reported_date="2025-08")
    CitationFactory(source=ripple_b, locator=7, filing=entry, reported_date="2025-03")
    html = get(client, "/sources/ripple-b/")
    assert "No disagreement with other sources is recorded." in section(html, "disagree-heading")
    itself = section(html, "self-disagree-heading")
    assert f'<a href="{entry.get_absolute_url()}">Court approves the settlement</a>' in itself
    assert "<strong>This source</strong>, paragraph 3:" in itself
    assert ("2025-03", "March 2025") in times(itself)
    # ripple-a, which agrees with both, disagrees with no one.
    html = get(client, "/sources/ripple-a/")
    assert 'id="self-disagree-heading"' not in html
    assert "No disagreement with other sources is recorded." in html


def test_a_source_that_disagrees_with_itself_and_with_another_is_listed_twice(client, db):
    """ripple-b's August and March, and ripple-a's June."""
    entry = FilingFactory(title="Court approves the settlement", date="2025")
    ripple_a, ripple_b = SourceFactory(key="ripple-a"), SourceFactory(key="ripple-b")
    CitationFactory(source=ripple_a, locator=1, filing=entry, reported_date="2025-06")
    CitationFactory(source=ripple_b, locator=3, filing=entry, reported_date="2025-08")
    CitationFactory(source=ripple_b, locator=7, filing=entry, reported_date="2025-03")
    html = get(client, "/sources/ripple-b/")
    for heading in ("disagree-heading", "self-disagree-heading"):
        assert "Court approves the settlement" in section(html, heading)
