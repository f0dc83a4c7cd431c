"""The Atom feeds, read with feedparser as a feed reader would."""

import datetime
from html import unescape
from html.parser import HTMLParser

import feedparser
import pytest

from cases.models import Agency, Case, Party
from filings.models import Citation, Filing
from public import feeds
from tests.helpers import BINANCE, DISPUTED

BINANCE_FEED = f"{BINANCE}feed/"
TAG = "tag:casetracker,2025:"
# The dated entries of SEC v. Binance, newest first, with the date as the title gives it.
BINANCE_TITLES = {
    "dismissal": "May 29, 2025: Joint stipulation dismisses the case with prejudice",
    "second-stay-request": "2025: Second request to pause the case",
    "stay-motion": "2025: Joint motion to pause the case for 60 days",
    "complaint": "June 2023: SEC sues Binance, Zhao and two US affiliates",
}
BINANCE_UNDATED = {"binance-response", "ruling-on-claims", "binance-welcomes-dismissal"}


def read_feed(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert feed.version == "atom10", url
    assert feed.bozo == 0, (url, feed.get("bozo_exception"))
    return feed


def slugs(feed):
    """The entries of a feed as case/entry slugs, in feed order."""
    assert all(entry.id.startswith(TAG) for entry in feed.entries)
    return [entry.id.removeprefix(TAG) for entry in feed.entries]


def by_slug(feed, case="sec-v-binance"):
    return {entry.id.removeprefix(f"{TAG}{case}/"): entry for entry in feed.entries}


def expected_slugs(filings):
    return {f"{f.case.slug}/{f.slug}" for f in filings.published().exclude(date=None)}


def new_entry(**fields):
    """A dated entry in SEC v. Binance: a draft unless the fields say otherwise."""
    return Filing.objects.create(
        **{
            "case": Case.objects.get(slug="sec-v-binance"),
            "slug": "new-entry",
            "sequence": 999,
            "kind": Filing.Kind.ORDER,
            "title": "A draft entry readers must not see",
            "date": "2025-06-01",
            **fields,
        }
    )


def test_the_binance_feed_has_every_dated_published_entry_newest_first(client, seeded):
    feed = read_feed(client, BINANCE_FEED)
    assert feed.feed.title == "SEC v. Binance Holdings et al.: latest entries"
    assert feed.feed.link == f"http://testserver{BINANCE}"
    assert feed.feed.id == f"{TAG}cases/sec-v-binance"
    assert [slug.split("/")[1] for slug in slugs(feed)] == list(BINANCE_TITLES)
    assert not BINANCE_UNDATED & set(by_slug(feed))


def test_titles_carry_the_date_at_its_precision_and_the_dispute(client, seeded):
    entries = by_slug(read_feed(client, BINANCE_FEED))
    for slug, title in BINANCE_TITLES.items():
        assert slug in DISPUTED
        assert entries[slug].title == f"{title} (sources disagree)"
    plea = by_slug(read_feed(client, "/cases/doj-binance-criminal/feed/"), "doj-binance-criminal")
    assert plea["plea"].title == (
        "November 2023: Binance pleads guilty and agrees to a multibillion-dollar penalty"
    )


def test_each_item_links_to_the_entrys_permalink_and_keeps_its_id(client, seeded, settings):
    entries = by_slug(read_feed(client, BINANCE_FEED))
    for slug, entry in entries.items():
        filing = Filing.objects.get(case__slug="sec-v-binance", slug=slug)
        assert entry.link == f"http://testserver{BINANCE}#entry-{slug}"
        assert entry.id == f"{TAG}sec-v-binance/{slug}"
        updated = datetime.datetime(*entry.updated_parsed[:6], tzinfo=datetime.UTC)
        assert updated == filing.updated_at.replace(microsecond=0)
    # Ids do not depend on where the site is served.
    settings.ALLOWED_HOSTS = ["cases.example.org"]
    elsewhere = feedparser.parse(client.get(BINANCE_FEED, HTTP_HOST="cases.example.org").content)
    assert [e.id for e in elsewhere.entries] == [e.id for e in entries.values()]
    assert elsewhere.entries[0].link.startswith("http://cases.example.org/")


def test_each_item_lists_its_sources_with_paragraph_and_key_phrase(client, seeded):
    entries = by_slug(read_feed(client, BINANCE_FEED))
    for citation in Citation.objects.filter(filing__case__slug="sec-v-binance").exclude(
        filing__date=None
    ):
        summary = unescape(entries[citation.filing.slug].summary)
        line = (
            f"{citation.source.title} ({citation.source.key}), "
            f"paragraph {citation.locator}: “{citation.key_phrase}”"
        )
        assert line in summary, citation


def test_disputed_items_are_flagged_and_give_each_sources_version(client, seeded):
    entries = by_slug(read_feed(client, BINANCE_FEED))
    for slug, entry in entries.items():
        assert {tag.term for tag in entry.tags} == {
            Filing.objects.get(case__slug="sec-v-binance", slug=slug).get_kind_display(),
            "Sources disagree",
        }
        assert "<strong>Sources disagree</strong>" in entry.summary
    dismissal = unescape(entries["dismissal"].summary)
    assert "SEC drops Binance case (report with a timeline), paragraph 1: May 29, 2024" in dismissal
    assert "SEC drops Binance case (report with a timeline), paragraph 10: May 2024" in dismissal
    assert "SEC dismisses Binance case, citing Reuters, paragraph 3: May 29, 2025" in dismissal
    complaint = unescape(entries["complaint"].summary)
    assert "paragraph 4: after “Binance pleads guilty" in complaint

    plea = by_slug(read_feed(client, "/cases/doj-binance-criminal/feed/"), "doj-binance-criminal")
    assert [tag.term for tag in plea["plea"].tags] == ["Plea agreement"]
    assert "Sources disagree" not in plea["plea"].summary


def test_the_date_precision_is_stated_in_the_item(client, seeded):
    entries = by_slug(read_feed(client, BINANCE_FEED))
    assert "Date: June 2023 (known to the month)" in entries["complaint"].summary
    assert "Date: 2025 (known to the year)" in entries["stay-motion"].summary
    assert "Date: May 29, 2025 (known to the day)" in entries["dismissal"].summary


def test_drafts_are_left_out_and_a_draft_case_has_no_feed(client, seeded):
    new_entry()
    Case.objects.filter(slug="sec-v-coinbase").update(is_published=False)
    binance = slugs(read_feed(client, BINANCE_FEED))
    assert "sec-v-binance/new-entry" not in binance
    assert client.get("/cases/sec-v-coinbase/feed/").status_code == 404
    for url in ["/feed/", "/agencies/sec/feed/", "/parties/binance-holdings/feed/"]:
        found = slugs(read_feed(client, url))
        assert "sec-v-binance/new-entry" not in found, url
        assert not [slug for slug in found if slug.startswith("sec-v-coinbase/")], url


def test_the_global_feed_has_the_latest_dated_entries_of_every_case(client, seeded):
    feed = read_feed(client, "/feed/")
    assert feed.feed.title == "Case Tracker: latest entries"
    assert feed.feed.link == "http://testserver/"
    found = slugs(feed)
    assert set(found) == expected_slugs(Filing.objects.all())
    assert found[:2] == ["sec-v-binance/dismissal", "sec-v-coinbase/sec-drops-case"]
    assert found[-1] == "sec-v-binance/complaint"


def test_a_feed_holds_only_the_latest_entries(client, seeded, monkeypatch):
    monkeypatch.setattr(feeds, "FEED_LENGTH", 3)
    assert slugs(read_feed(client, "/feed/")) == [
        "sec-v-binance/dismissal",
        "sec-v-coinbase/sec-drops-case",
        "sec-v-binance/second-stay-request",
    ]


@pytest.mark.parametrize("slug", ["changpeng-zhao", "amy-berman-jackson", "binance-holdings"])
def test_a_party_feed_has_the_entries_of_its_cases_and_its_own(client, seeded, slug):
    party = Party.objects.get(slug=slug)
    feed = read_feed(client, f"/parties/{slug}/feed/")
    assert feed.feed.link == f"http://testserver/parties/{slug}/"
    assert set(slugs(feed)) == expected_slugs(Filing.objects.involving_party(party))
    assert slugs(feed)


@pytest.mark.parametrize("slug", ["sec", "doj", "ddc"])
def test_an_agency_feed_has_the_entries_of_its_cases_and_its_own(client, seeded, slug):
    agency = Agency.objects.get(slug=slug)
    feed = read_feed(client, f"/agencies/{slug}/feed/")
    assert feed.feed.link == f"http://testserver/agencies/{slug}/"
    assert set(slugs(feed)) == expected_slugs(Filing.objects.involving_agency(agency))
    assert slugs(feed)


def test_text_is_escaped_once_and_reads_back_as_written(client, seeded):
    new_entry(is_published=True, title="Fees & <costs> “set”", summary="<script>x</script>")
    entry = by_slug(read_feed(client, BINANCE_FEED))["new-entry"]
    assert entry.title == "June 1, 2025: Fees & <costs> “set”"
    assert "<p>&lt;script&gt;x&lt;/script&gt;</p>" in entry.summary


@pytest.mark.parametrize(
    "url",
    ["/cases/no-such-case/feed/", "/parties/no-such-party/feed/", "/agencies/no-such/feed/"],
)
def test_unknown_feeds_are_not_found(client, seeded, url):
    assert client.get(url).status_code == 404


class FeedLinks(HTMLParser):
    """The feeds a page advertises in its head."""

    def __init__(self, html):
        super().__init__()
        self.feeds = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "alternate":
            self.feeds.append(attrs)


@pytest.mark.parametrize(
    "page, feed_url, title",
    [
        ("/", "/feed/", "Case Tracker: latest entries"),
        (BINANCE, BINANCE_FEED, "SEC v. Binance Holdings et al.: latest entries"),
        ("/parties/changpeng-zhao/", "/parties/changpeng-zhao/feed/", "Changpeng Zhao: latest"),
        ("/agencies/sec/", "/agencies/sec/feed/", "U.S. Securities and Exchange Commission: "),
    ],
)
def test_pages_with_a_feed_advertise_it(client, seeded, page, feed_url, title):
    (advertised,) = FeedLinks(client.get(page).content.decode()).feeds
    assert advertised["type"] == "application/atom+xml"
    assert advertised["href"] == feed_url
    assert advertised["title"]
    assert read_feed(client, advertised["href"]).feed.title.startswith(title)


def test_the_case_page_links_to_its_feed_visibly(client, seeded):
    html = client.get(BINANCE).content.decode()
    assert f'<a href="{BINANCE_FEED}" type="application/atom+xml">Atom feed</a>' in html


def test_a_preview_of_a_draft_case_advertises_no_feed(admin_client, seeded):
    Case.objects.filter(slug="sec-v-coinbase").update(is_published=False)
    html = admin_client.get("/preview/cases/sec-v-coinbase/").content.decode()
    assert FeedLinks(html).feeds == []
    assert "/cases/sec-v-coinbase/feed/" not in html


# (feed, URL, queries, entry only the generated data puts in the feed)
QUERY_BUDGETS = [
    ("latest", "/feed/", 2, "generated-case-"),
    ("case", BINANCE_FEED, 3, "sec-v-binance/generated-"),
    ("party", "/parties/changpeng-zhao/feed/", 4, "generated-case-"),  # 3, and its cases' ids
    ("agency", "/agencies/sec/feed/", 4, "generated-case-"),  # likewise
]


@pytest.mark.parametrize(
    "url, budget, generated",
    [entry[1:] for entry in QUERY_BUDGETS],
    ids=[entry[0] for entry in QUERY_BUDGETS],
)
def test_query_count_does_not_grow_with_the_data(client, query_limit, url, budget, generated):
    with query_limit(budget):
        response = client.get(url)
    found = slugs(feedparser.parse(response.content))
    assert any(slug.startswith(generated) for slug in found) == query_limit.grown
