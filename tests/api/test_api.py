"""The read-only JSON API under /api/: resources, filters, pagination, errors, schema."""

import base64
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import call_command

from cases.models import Agency, Case, Party
from filings.models import Filing, Source
from tests.factories import (
    AgencyFactory,
    AliasFactory,
    CaseFactory,
    CasePartyFactory,
    CitationFactory,
    FilingFactory,
    SourceFactory,
)
from tests.helpers import BINANCE_ORDER, SOURCE_000
from tests.helpers import DISPUTED as BINANCE_DISPUTED

ALL_ENTRIES = BINANCE_ORDER + [
    "plea",
    "zhao-sentenced",
    "zhao-released",
    "sec-drops-case",
    "case-closed",
    "proceedings-begin",
]
SOURCE_001 = "001_ce5f57417105eedd.txt"
SOURCE_003 = "003_4ad433f5cb8dccfd.txt"


def get(client, url, status=200, params=None):
    response = client.get(url, params, HTTP_ACCEPT="application/json")
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def every(client, url):
    """All the results of a list, following its next links."""
    results = []
    while url:
        page = get(client, url)
        results += page["results"]
        url = page["next"]
    return results


def slugs(results):
    return [result["slug"] for result in results]


def entries(client, query=""):
    return {(f["case"], f["slug"]) for f in every(client, f"/api/filings/?{query}")}


def cursor(position):
    """A cursor as DRF encodes one, pointing anywhere the caller likes."""
    return base64.b64encode(f"p={position}".encode()).decode()


# Resources


def test_the_root_links_every_resource(client, seeded):
    root = get(client, "/api/")
    assert set(root) == {"cases", "filings", "parties", "agencies", "sources"}
    assert urlsplit(root["filings"]).path == "/api/filings/"


@pytest.mark.parametrize(
    "resource, key, expected",
    [
        (
            "cases",
            "slug",
            ["doj-binance-criminal", "sec-v-binance", "sec-v-coinbase"]
            + ["sec-v-consensys", "sec-v-kraken"],
        ),
        (
            "parties",
            "slug",
            ["amy-berman-jackson", "bam-management-us-holdings", "bam-trading-services"]
            + ["binance-holdings", "changpeng-zhao", "coinbase", "consensys", "kraken"]
            + ["paul-atkins"],
        ),
        ("agencies", "slug", ["ddc", "doj", "fincen", "nydfs", "sec", "sec-crypto-task-force"]),
        (
            "sources",
            "key",
            [SOURCE_000, SOURCE_001, "002_dc438811843e7d1b.txt", SOURCE_003]
            + ["004_686ed3a3ca7ba218.txt"],
        ),
    ],
)
def test_lists_come_whole_in_key_order(client, seeded, resource, key, expected):
    assert [item[key] for item in every(client, f"/api/{resource}/?page_size=2")] == expected


def test_a_case_in_full(client, seeded):
    case = get(client, "/api/cases/sec-v-binance/")
    assert case["caption"] == "SEC v. Binance Holdings et al."
    assert (case["kind"], case["status"], case["court"], case["judge"]) == (
        "civil",
        "dismissed",
        "ddc",
        "amy-berman-jackson",
    )
    assert case["agencies"] == ["sec"]
    assert case["filed"] == {"iso": "2023-06", "precision": "month"}
    assert case["closed"] == {"iso": "2025-05-29", "precision": "day"}
    assert case["latest_activity"] == {"iso": "2025-05-29", "precision": "day"}
    zhao = next(p for p in case["parties"] if p["party"] == "changpeng-zhao")
    assert zhao["name"] == "Changpeng Zhao"
    assert zhao["role"] == "defendant"
    assert zhao["joined"] == {"iso": "2023-06", "precision": "month"}
    assert zhao["left"] is None
    assert urlsplit(case["api_url"]).path == "/api/cases/sec-v-binance/"
    assert urlsplit(case["page_url"]).path == "/cases/sec-v-binance/"
    filings = urlsplit(case["filings_url"])
    assert (filings.path, filings.query) == ("/api/filings/", "case=sec-v-binance")


def test_an_undated_case_has_null_dates(client, seeded):
    case = get(client, "/api/cases/doj-binance-criminal/")
    assert case["filed"] is None
    assert case["closed"] is None
    assert case["court"] is None
    assert case["latest_activity"] == {"iso": "2024-09", "precision": "month"}


def test_a_party_with_its_aliases_and_affiliation(client, seeded):
    zhao = get(client, "/api/parties/changpeng-zhao/")
    assert (zhao["name"], zhao["kind"], zhao["aliases"]) == ("Changpeng Zhao", "person", ["CZ"])
    assert zhao["affiliation"] is None
    judge = get(client, "/api/parties/amy-berman-jackson/")
    assert (judge["affiliation"], judge["position"]) == ("ddc", "Judge")
    assert urlsplit(judge["page_url"]).path == "/parties/amy-berman-jackson/"


def test_an_agency_names_its_parent(client, seeded):
    unit = get(client, "/api/agencies/sec-crypto-task-force/")
    assert (unit["name"], unit["kind"], unit["parent"]) == ("Crypto Task Force", "unit", "sec")
    assert get(client, "/api/agencies/sec/")["parent"] is None


def test_a_source_is_found_by_its_key_and_its_text_is_not_exported(client, seeded):
    source = get(client, f"/api/sources/{SOURCE_003}/")
    assert source["key"] == SOURCE_003
    assert source["title"] == "Judge lets most SEC claims against Binance proceed"
    assert source["published"] is None
    assert urlsplit(source["api_url"]).path == f"/api/sources/{SOURCE_003}/"
    assert "text_file" not in source


def test_a_filing_is_found_by_its_case_and_slug(client, seeded):
    filing = get(client, "/api/filings/sec-v-binance/dismissal/")
    assert (filing["case"], filing["slug"], filing["kind"]) == (
        "sec-v-binance",
        "dismissal",
        "stipulation",
    )
    assert filing["date"] == {"iso": "2025-05-29", "precision": "day"}
    assert filing["disputed"] is True
    assert urlsplit(filing["api_url"]).path == "/api/filings/sec-v-binance/dismissal/"
    assert urlsplit(filing["page_url"]).path == "/cases/sec-v-binance/"
    assert urlsplit(filing["page_url"]).fragment == "entry-dismissal"


# The acceptance criterion: SEC v. Binance's entries with citations and disputes


def test_sec_v_binance_entries_with_their_citations_and_disputes(client, seeded):
    page = get(client, "/api/filings/?case=sec-v-binance")
    assert page["next"] is None
    filings = page["results"]
    # Ids follow the fixture, which lists the entries in timeline order.
    assert slugs(filings) == BINANCE_ORDER
    assert {f["slug"] for f in filings if f["disputed"]} == BINANCE_DISPUTED
    for filing in filings:
        assert filing["case"] == "sec-v-binance"
        assert filing["citations"], f"{filing['slug']} has no citation"
        # A disputed entry shows which versions disagree; an undisputed one has none.
        assert filing["disputed"] == any(c["conflicting"] for c in filing["citations"])
    by_slug = {f["slug"]: f for f in filings}
    assert by_slug["stay-motion"]["date"] == {"iso": "2025", "precision": "year"}
    assert by_slug["binance-response"]["date"] is None


def test_each_citation_keeps_its_sources_version(client, seeded):
    filing = get(client, "/api/filings/sec-v-binance/dismissal/")
    versions = {
        (c["source"], c["locator"]): (c["reported_date"], c["conflicting"])
        for c in filing["citations"]
    }
    assert versions[(SOURCE_000, 1)] == ({"iso": "2024-05-29", "precision": "day"}, True)
    assert versions[(SOURCE_000, 10)] == ({"iso": "2024-05", "precision": "month"}, True)
    # Both sides of a disagreement are flagged: the sources differ on the year.
    assert versions[(SOURCE_001, 3)] == ({"iso": "2025-05-29", "precision": "day"}, True)
    assert versions[(SOURCE_001, 4)] == (None, False)
    cited = next(c for c in filing["citations"] if (c["source"], c["locator"]) == (SOURCE_001, 3))
    assert cited["key_phrase"]
    assert cited["note"].startswith("Year not stated")
    assert cited["source_url"] == ""


def test_a_citation_that_orders_the_entry_names_the_earlier_one(client, seeded):
    complaint = get(client, "/api/filings/sec-v-binance/complaint/")
    ordering = next(c for c in complaint["citations"] if c["source"] == SOURCE_003)
    assert ordering["reported_after"] == {
        "case": "doj-binance-criminal",
        "slug": "plea",
        "title": Filing.objects.get(slug="plea").title,
        "date": {"iso": "2023-11", "precision": "month"},
    }
    # The suit is dated June 2023, before the November 2023 plea.
    assert ordering["conflicting"] is True
    assert complaint["disputed"] is True


# Filters: the pages' own, with partial-date floors and ceilings


@pytest.mark.parametrize(
    "query, expected",
    [
        # Entries known only as "2025" may fall in February; the Binance dismissal (May) does not.
        ("after=2025-02&before=2025-02", {"sec-drops-case", "stay-motion", "second-stay-request"}),
        ("after=2025-05", {"dismissal", "stay-motion", "second-stay-request"}),
        ("after=2025-05-30", {"stay-motion", "second-stay-request"}),
        ("before=2023", {"complaint", "plea"}),
        ("before=2024-04", {"complaint", "plea", "zhao-sentenced"}),
        ("after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("agency=doj", {"plea", "zhao-sentenced", "zhao-released"}),
        ("party=coinbase", {"sec-drops-case"}),
        ("kind=stay_request", {"stay-motion", "second-stay-request"}),
        ("case=sec-v-coinbase", {"sec-drops-case"}),
        ("case=sec-v-binance&kind=statement", {"binance-response", "binance-welcomes-dismissal"}),
        ("case=sec-v-binance&after=2025", {"stay-motion", "second-stay-request", "dismissal"}),
        ("party=changpeng-zhao&after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("agency=doj&after=2025", set()),
        # Blank filters select everything, as from the pages' forms.
        ("after=&kind=&case=", set(ALL_ENTRIES)),
    ],
)
def test_filing_filters(client, seeded, query, expected):
    assert {slug for _case, slug in entries(client, query)} == expected


@pytest.mark.parametrize(
    "query, expected",
    [
        ("q=CZ", {"sec-v-binance", "doj-binance-criminal"}),
        ("q=binance&status=settled", {"doj-binance-criminal"}),
        ("agency=ddc", {"sec-v-binance"}),
        ("agency=fincen", {"doj-binance-criminal"}),
        ("party=amy-berman-jackson", {"sec-v-binance"}),
        ("kind=criminal", {"doj-binance-criminal"}),
        ("status=dismissed", {"sec-v-binance", "sec-v-coinbase"}),
        ("filed_after=2023", {"sec-v-binance"}),
        ("filed_after=2023-07", set()),
        ("filed_before=2023-06", {"sec-v-binance"}),
        ("filed_before=2023-05", set()),
    ],
)
def test_case_filters(client, seeded, query, expected):
    assert set(slugs(every(client, f"/api/cases/?{query}"))) == expected


# Cursor pagination


def test_following_next_visits_every_filing_once_in_id_order(client, seeded):
    first = get(client, "/api/filings/?page_size=2")
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page_size=2" in first["next"]
    visited = every(client, "/api/filings/?page_size=2")
    keys = [(f["case"], f["slug"]) for f in visited]
    assert len(keys) == len(set(keys)) == Filing.objects.count()
    ids = [Filing.objects.get(case__slug=case, slug=slug).pk for case, slug in keys]
    assert ids == sorted(ids)


def test_previous_goes_back_to_the_same_page(client, seeded):
    first = get(client, "/api/cases/?page_size=2")
    second = get(client, first["next"])
    back = get(client, second["previous"])
    assert slugs(back["results"]) == slugs(first["results"])
    assert slugs(second["results"]) == ["sec-v-coinbase", "sec-v-consensys"]


def test_filters_carry_over_to_the_next_page(client, seeded):
    visited = every(client, "/api/filings/?case=sec-v-binance&page_size=3")
    assert slugs(visited) == BINANCE_ORDER


# Drafts


def test_a_draft_case_and_its_entries_are_invisible(client, seeded):
    Case.objects.filter(slug="sec-v-coinbase").update(is_published=False)
    assert "sec-v-coinbase" not in slugs(every(client, "/api/cases/"))
    get(client, "/api/cases/sec-v-coinbase/", status=404)
    # Its entry is published, but its case is not.
    assert ("sec-v-coinbase", "sec-drops-case") not in entries(client)
    get(client, "/api/filings/sec-v-coinbase/sec-drops-case/", status=404)
    errors = get(client, "/api/filings/?case=sec-v-coinbase", status=400)
    assert "case" in errors
    assert "sec-v-coinbase" not in slugs(every(client, "/api/cases/?party=coinbase"))


def test_a_draft_entry_is_invisible_and_not_named_by_others(client, seeded):
    Filing.objects.filter(slug="plea").update(is_published=False)
    assert ("doj-binance-criminal", "plea") not in entries(client)
    get(client, "/api/filings/doj-binance-criminal/plea/", status=404)
    complaint = get(client, "/api/filings/sec-v-binance/complaint/")
    ordering = next(c for c in complaint["citations"] if c["source"] == SOURCE_003)
    assert ordering["reported_after"] is None


def test_latest_activity_counts_published_entries_only(client, seeded):
    Filing.objects.filter(slug="dismissal").update(is_published=False)
    case = get(client, "/api/cases/sec-v-binance/")
    assert case["latest_activity"] == {"iso": "2025", "precision": "year"}


# Errors: JSON, with the right status, never a 500


@pytest.mark.parametrize(
    "url, parameter, message",
    [
        ("/api/filings/?after=2023-13", "after", "month 13 is not between 1 and 12"),
        ("/api/filings/?before=soon", "before", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("/api/filings/?after=2023-02-30", "after", "February 2023 has 28 days"),
        ("/api/filings/?agency=nope", "agency", "Select a valid choice."),
        ("/api/filings/?party=nope", "party", "Select a valid choice."),
        ("/api/filings/?case=nope", "case", "Select a valid choice."),
        ("/api/filings/?kind=bogus", "kind", "bogus is not one of the available choices"),
        ("/api/cases/?filed_after=2023-1", "filed_after", "Enter a date"),
        ("/api/cases/?status=bogus", "status", "Select a valid choice."),
        ("/api/cases/?agency=" + "x" * 5000, "agency", "Select a valid choice."),
        ("/api/cases/?q=a%00b", "q", "Null characters are not allowed."),
        ("/api/filings/?party=a%00b", "party", "Null characters are not allowed."),
        ("/api/filings/?cursor=abc", "cursor", "Invalid cursor"),
        (f"/api/cases/?cursor={cursor('a%00b')}", "cursor", "Invalid cursor"),
        (f"/api/filings/?cursor={cursor('abc')}", "cursor", "Invalid cursor"),
        (f"/api/filings/?cursor={cursor(10**30)}", "cursor", "Invalid cursor"),
        ("/api/parties/?page_size=0", "page_size", "greater than or equal to 1"),
        ("/api/parties/?page_size=101", "page_size", "less than or equal to 100"),
        ("/api/parties/?page_size=many", "page_size", "Enter a whole number."),
    ],
)
def test_bad_parameters_are_a_json_400_naming_the_parameter(
    client, seeded, url, parameter, message
):
    errors = get(client, url, status=400)
    assert any(message in text for text in errors[parameter]), errors


def test_hostile_search_text_is_just_text(client, seeded):
    for q in ["x" * 20000, "' OR 1=1 --", "<script>alert(1)</script>", "%", "_", '"']:
        assert get(client, "/api/cases/", params={"q": q})["results"] == [], q


@pytest.mark.parametrize(
    "url",
    [
        "/api/cases/nope/",
        "/api/parties/nope/",
        "/api/agencies/nope/",
        f"/api/sources/{SOURCE_000}.missing/",
        "/api/filings/sec-v-binance/nope/",
        "/api/filings/sec-v-coinbase/complaint/",
        "/api/filings/nope/complaint/",
        "/api/cases/not%20a%20slug/",
        "/api/cases/new%0Aline/",
        "/api/sources/a%00b/",
        "/api/nothing-here/",
    ],
)
def test_missing_records_are_a_json_404(client, seeded, url):
    assert "detail" in get(client, url, status=404)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("url", ["/api/cases/", "/api/cases/sec-v-binance/", "/api/filings/"])
def test_writes_are_refused_even_for_a_superuser(admin_client, seeded, method, url):
    response = getattr(admin_client, method)(url, {"caption": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert "GET" in response["Allow"]
    assert Case.objects.filter(caption="x").count() == 0


# Schema and the browsable HTML view


def test_the_schema_validates_without_warnings(tmp_path, db):
    # drf-spectacular checks the schema against the OpenAPI 3.0 specification.
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    schema = yaml.safe_load(path.read_text())
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/cases/",
        "/api/cases/{slug}/",
        "/api/filings/",
        "/api/filings/{case}/{slug}/",
        "/api/parties/",
        "/api/parties/{slug}/",
        "/api/agencies/",
        "/api/agencies/{slug}/",
        "/api/sources/",
        "/api/sources/{key}/",
    }
    for path, operations in schema["paths"].items():
        assert set(operations) == {"get"}, path
        expected = {"200", "404"} if "{" in path else {"200", "400"}
        assert set(operations["get"]["responses"]) == expected, path


def test_the_schema_describes_partial_dates_and_filters(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    partial_date = schema["components"]["schemas"]["PartialDate"]
    assert partial_date["required"] == ["iso", "precision"]
    precision = partial_date["properties"]["precision"]["$ref"].rsplit("/", 1)[-1]
    assert schema["components"]["schemas"][precision]["enum"] == ["year", "month", "day"]
    date = schema["components"]["schemas"]["Filing"]["properties"]["date"]
    assert date["allOf"] == [{"$ref": "#/components/schemas/PartialDate"}]
    assert date["nullable"] is True
    parameters = {p["name"]: p for p in schema["paths"]["/api/filings/"]["get"]["parameters"]}
    assert set(parameters) == {
        "after",
        "before",
        "agency",
        "party",
        "kind",
        "case",
        "cursor",
        "page_size",
    }
    assert parameters["after"]["schema"]["pattern"]
    cases = schema["paths"]["/api/cases/"]["get"]["parameters"]
    assert "sort" not in {p["name"] for p in cases}


def test_the_api_is_browsable_in_html(client, seeded):
    response = client.get("/api/filings/?case=sec-v-binance", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "second-stay-request" in html
    assert "https://" not in html.split("<body", 1)[0], "assets come from this site"


# Query counts: the same bound with the seed and with much more data


def grow(count):
    """More cases like the seed's: parties with aliases, entries with citations that disagree,
    each case brought by the SEC and a unit of its own, so that every list grows."""
    sec = Agency.objects.get(slug="sec")
    zhao = Party.objects.get(slug="changpeng-zhao")
    source_000 = Source.objects.get(key=SOURCE_000)
    previous = Filing.objects.get(slug="plea")
    for i in range(count):
        unit = AgencyFactory(name=f"Generated unit {i}", kind=Agency.Kind.UNIT, parent=sec)
        party = AliasFactory(
            name=f"GX{i}",
            party__name=f"Generated Exchange {i}",
            party__kind=Party.Kind.ORGANIZATION,
        ).party
        source = SourceFactory()
        case = CaseFactory(
            filed="2024-03",
            court=Agency.objects.get(slug="ddc"),
            judge=Party.objects.get(slug="amy-berman-jackson"),
            agencies=[sec, unit],
        )
        CasePartyFactory(case=case, party=party)
        CasePartyFactory(case=case, party=zhao)
        for j, date in enumerate(["2024-03", "2025", None]):
            filing = FilingFactory(
                case=case,
                title=f"Generated entry {i}.{j}",
                date=date,
                filed_by_party=party,
                filed_by_agency=unit,
            )
            CitationFactory(
                source=source_000, filing=filing, reported_date="2022", reported_after=previous
            )
            CitationFactory(source=source, filing=filing)
            previous = filing


@pytest.fixture
def grow_the_seed():
    """query_limit grows every list of the API."""
    return lambda: grow(30)


# (list, queries): each list's results grow with the generated data.
QUERY_BUDGETS = [
    ("/api/cases/?page_size=100", 3),
    ("/api/cases/?q=CZ&agency=sec&party=changpeng-zhao&filed_after=2020&page_size=100", 5),
    ("/api/filings/?page_size=100", 3),
    ("/api/filings/?agency=sec&party=changpeng-zhao&after=2023&kind=motion&page_size=100", 7),
    ("/api/parties/?page_size=100", 2),
    ("/api/agencies/?page_size=100", 1),
    ("/api/sources/?page_size=100", 1),
]


@pytest.mark.parametrize("url, budget", QUERY_BUDGETS)
def test_query_count_does_not_grow_with_the_data(client, query_limit, url, budget):
    with query_limit(budget):
        response = client.get(url, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    # The bigger dataset really is in the list being measured.
    text = response.content.decode().lower()
    assert ("generated" in text) == query_limit.grown


def test_query_count_of_a_case_and_an_entry(client, seeded, django_assert_max_num_queries):
    for url, budget in [
        ("/api/cases/sec-v-binance/", 3),
        ("/api/filings/sec-v-binance/complaint/", 3),
        ("/api/filings/?case=sec-v-binance", 4),
    ]:
        with django_assert_max_num_queries(budget + 1):  # and the revision
            assert client.get(url, HTTP_ACCEPT="application/json").status_code == 200
