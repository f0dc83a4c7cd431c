"""The case list (/cases/): filters alone and combined, sorting, paging and bad parameters."""

import pytest

from cases.models import Agency, Case
from tests.helpers import (
    Links,
    alerts,
    between,
    fact,
    get,
    listed_cases,
)


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
    shown = alerts(html)
    assert any(message in alert for alert in shown), shown
    assert listed_cases(html) is None
    assert '<form method="get" action="/cases/"' in html


@pytest.mark.parametrize("page", ["99", "0", "-1", "3"])
def test_a_page_past_the_end_is_not_found(client, seeded, page):
    html = get(client, f"/cases/?page={page}", status=404)
    assert "<h1>Not found</h1>" in html
