"""Every public page: it answers with the seed, errors get the site's pages, data is escaped,
and what each page costs in queries does not grow with the data."""

import pytest

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, CaseQuerySet, Claim, Party
from filings.models import Citation, Filing, Source
from tests.helpers import (
    AGENCY_SLUGS,
    BINANCE,
    CASE_SLUGS,
    PARTY_SLUGS,
    SCRIPT,
    SOURCE_000,
    SOURCE_KEYS,
    get,
)

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


QUERY_BUDGETS = [
    ("home", "/", 7, "Generated entry"),
    ("case list", "/cases/", 5, "SEC v. Generated Exchange"),
    ("case list, filtered", "/cases/?q=CZ&agency=ddc&sort=newest", 6, "SEC v. Generated Exchange"),
    ("case detail", BINANCE, 7, "SEC v. Generated Exchange"),
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
def test_query_count_does_not_grow_with_the_data(client, query_limit, url, budget, generated_text):
    with query_limit(budget):
        html = get(client, url)
    # The bigger dataset really is on the page being measured.
    assert (generated_text in html) == query_limit.grown


def test_the_health_check_answers_without_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz/")
    assert response.status_code == 200
    assert response.content == b"ok\n"
