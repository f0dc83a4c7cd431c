"""Dates at the edges of the years the record accepts (MIN_YEAR to MAX_YEAR).

An entry at either end of the range renders on every page that shows it, with
an overview of sane size; a date outside the range is refused with a clear
message wherever a value comes in (forms, full_clean, loaddata, filters); and
an entry outside the range that is already stored (saved before the range was
enforced, or without validation) still renders instead of breaking the pages.
"""

import csv
import datetime

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from icalendar import Calendar

from cases.models import Agency, Case, CaseParty, Party
from core.partial_dates import MAX_YEAR, MIN_YEAR, PartialDate
from filings.models import Citation, Filing, Source
from public.timeline import MAX_TICKS, page_of_entries
from tests.helpers import parse

SLUG = "sec-v-edge"


@pytest.fixture
def dated_entry(db):
    """A published case with one published, cited entry; set its date with make(date)."""
    agency = Agency.objects.create(
        slug="sec", name="Securities and Exchange Commission", kind="regulator"
    )
    party = Party.objects.create(slug="edge-corp", name="Edge Corp", kind="organization")
    case = Case.objects.create(
        is_published=True, caption="SEC v. Edge", slug=SLUG, kind="civil", status="active"
    )
    case.agencies.set([agency])
    CaseParty.objects.create(case=case, party=party, role="defendant")
    source = Source.objects.create(key="edge-article", title="An article")

    def make(date, slug="edge-entry", sequence=10):
        filing = Filing.objects.create(
            is_published=True,
            case=case,
            slug=slug,
            sequence=sequence,
            kind=Filing.Kind.ORDER,
            title=f"Entry dated {date}",
            date=date,
            filed_by_agency=agency,
        )
        Citation.objects.create(source=source, locator=1, key_phrase="dated", filing=filing)
        return filing

    return make


def pages(filing):
    return [
        f"/cases/{SLUG}/",
        f"/preview/cases/{SLUG}/",
        f"/cases/{SLUG}/calendar.ics",
        f"/cases/{SLUG}/timeline.csv",
        f"/cases/{SLUG}/feed/",
        "/feed/",
        "/agencies/sec/feed/",
        "/parties/edge-corp/feed/",
        "/",
        "/timeline/",
        "/timeline/?order=newest",
        "/agencies/sec/",
        "/parties/edge-corp/",
        "/cases/",
        "/cases.csv",
        "/sources/edge-article/",
        "/api/cases/",
        f"/api/cases/{SLUG}/",
        "/api/filings/",
        f"/api/filings/{SLUG}/{filing.slug}/",
        f"/{settings.ADMIN_PATH}filings/filing/{filing.pk}/change/",
    ]


def statuses(client, filing):
    client.raise_request_exception = False
    return {url: client.get(url).status_code for url in pages(filing)}


@pytest.mark.parametrize("date", ["9999", "9999-12-31", "0001", "0001-01-01"])
def test_a_stored_entry_far_outside_the_range_does_not_break_any_page(
    admin_client, dated_entry, date
):
    filing = dated_entry(date)
    assert statuses(admin_client, filing) == dict.fromkeys(pages(filing), 200)


def test_the_range_is_the_documented_one():
    # Changing it is a decision: forms, fixtures and filters all follow it.
    assert (MIN_YEAR, MAX_YEAR) == (1900, 2100)


# At the edges of the range: every page renders every entry


EDGES = {
    "first-day": f"{MIN_YEAR}-01-01",
    "first-year": f"{MIN_YEAR}",
    "last-year": f"{MAX_YEAR}",
    "last-day": f"{MAX_YEAR}-12-31",
}


@pytest.fixture
def edge_entries(dated_entry):
    return [dated_entry(date, slug, 10 * n) for n, (slug, date) in enumerate(EDGES.items(), 1)]


def test_entries_at_both_ends_of_the_range_render_on_every_page(admin_client, edge_entries):
    assert statuses(admin_client, edge_entries[0]) == dict.fromkeys(pages(edge_entries[0]), 200)
    showing_entries = [
        f"/cases/{SLUG}/",
        f"/preview/cases/{SLUG}/",
        f"/cases/{SLUG}/calendar.ics",
        f"/cases/{SLUG}/timeline.csv",
        f"/cases/{SLUG}/feed/",
        "/feed/",
        "/timeline/",
        "/timeline/?order=newest",
        "/agencies/sec/",
        "/parties/edge-corp/",
        "/api/filings/",
    ]
    for url in showing_entries:
        body = admin_client.get(url).content.decode()
        for date in EDGES.values():
            assert f"Entry dated {date}" in body, (url, date)


def ticks(html):
    labels = [text.text for text in parse(html).find_all("text", cls="tick-label")]
    return [label for label in labels if label.isdigit()]


@pytest.mark.parametrize("url", [f"/cases/{SLUG}/", f"/preview/cases/{SLUG}/", "/timeline/"])
def test_an_overview_across_the_whole_range_has_few_ticks(admin_client, edge_entries, url):
    html = admin_client.get(url).content.decode()
    assert html.count('<line class="tick"') == len(ticks(html)) <= MAX_TICKS
    # Round years: every twentieth, from the first year to the last.
    assert ticks(html) == [str(year) for year in range(MIN_YEAR, MAX_YEAR + 1, 20)]
    assert f"A time axis from {MIN_YEAR} to {MAX_YEAR}" in html


@pytest.mark.parametrize(
    "dates", [("0001", "2023-06"), ("0001-01-01", "9999-12-31"), ("9999", "2023")]
)
def test_an_overview_reaching_years_outside_the_range_stays_small(admin_client, dated_entry, dates):
    # Was: 2,023 ticks and 285 KB for ("0001", "2023-06"); a 500 with year 9999.
    for n, date in enumerate(dates, 1):
        dated_entry(date, f"entry-{n}", 10 * n)
    response = admin_client.get(f"/cases/{SLUG}/")
    assert response.status_code == 200
    assert 1 <= len(ticks(response.content.decode())) <= MAX_TICKS
    assert len(response.content) < 50_000


def test_the_calendar_spans_each_edge_entry_to_the_day_after_it_ends(client, edge_entries):
    calendar = Calendar.from_ical(client.get(f"/cases/{SLUG}/calendar.ics").content)
    spans = {
        str(event["SUMMARY"]).split(" (")[0]: (event.decoded("DTSTART"), event.decoded("DTEND"))
        for event in calendar.walk("VEVENT")
    }
    day = datetime.date
    assert spans == {
        f"Entry dated {MIN_YEAR}-01-01": (day(MIN_YEAR, 1, 1), day(MIN_YEAR, 1, 2)),
        f"Entry dated {MIN_YEAR}": (day(MIN_YEAR, 1, 1), day(MIN_YEAR + 1, 1, 1)),
        f"Entry dated {MAX_YEAR}": (day(MAX_YEAR, 1, 1), day(MAX_YEAR + 1, 1, 1)),
        f"Entry dated {MAX_YEAR}-12-31": (day(MAX_YEAR, 12, 31), day(MAX_YEAR + 1, 1, 1)),
    }


def test_a_stored_entry_ending_on_the_last_representable_day_has_a_duration(client, dated_entry):
    # December 31, 9999 has no day after it for DTEND; the span is given as a length.
    dated_entry("9999")
    calendar = Calendar.from_ical(client.get(f"/cases/{SLUG}/calendar.ics").content)
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime.date(9999, 1, 1)
    assert "DTEND" not in event
    assert event.decoded("DURATION") == datetime.timedelta(days=365)


def test_csv_and_api_give_the_edge_dates_at_their_precision(client, edge_entries):
    rows = list(
        csv.DictReader(client.get(f"/cases/{SLUG}/timeline.csv").content.decode()[1:].splitlines())
    )
    assert [(row["entry"], row["date"], row["precision"]) for row in rows] == [
        ("first-year", f"{MIN_YEAR}", "year"),
        ("first-day", f"{MIN_YEAR}-01-01", "day"),
        ("last-year", f"{MAX_YEAR}", "year"),
        ("last-day", f"{MAX_YEAR}-12-31", "day"),
    ]
    api = client.get(f"/api/filings/?case={SLUG}").json()
    assert {item["slug"]: item["date"]["iso"] for item in api["results"]} == EDGES


@pytest.mark.parametrize("newest_first", [False, True])
def test_keyset_paging_crosses_the_edges_of_the_range(edge_entries, newest_first):
    expected = ["first-year", "first-day", "last-year", "last-day"]
    seen, cursor = [], ""
    for _ in range(len(expected) + 1):
        page = page_of_entries(Filing.objects.all(), cursor, newest_first, size=1)
        seen += [f.slug for f in page.entries]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == (expected[::-1] if newest_first else expected)


# Outside the range: refused where values come in


OUTSIDE = ["0001", "1899", "1899-12-31", "2101", "2101-01", "9999", "9999-12-31"]
INSIDE = [f"{MIN_YEAR}", f"{MIN_YEAR}-01-01", f"{MAX_YEAR}-12", f"{MAX_YEAR}-12-31"]
RANGE_MESSAGE = f"Enter a year from {MIN_YEAR} to {MAX_YEAR}"


@pytest.mark.parametrize("date", OUTSIDE)
def test_the_type_holds_any_year_but_the_record_refuses_those_outside(date):
    # A row stored before the range was enforced still reads back.
    assert not PartialDate.parse(date).is_in_range


@pytest.mark.parametrize("date", INSIDE)
def test_dates_at_the_edges_are_in_range(date):
    assert PartialDate.parse(date).is_in_range


@pytest.mark.django_db
@pytest.mark.parametrize("date", OUTSIDE)
def test_full_clean_refuses_a_year_outside_the_range_naming_it(date):
    case = Case(caption="C", slug="c", kind="civil", status="active", filed=date)
    with pytest.raises(ValidationError) as raised:
        case.full_clean()
    assert raised.value.message_dict == {
        "filed": [f"{RANGE_MESSAGE}: {date} is outside the years this record accepts."]
    }


@pytest.mark.django_db
@pytest.mark.parametrize("date", INSIDE)
def test_full_clean_accepts_the_edges_of_the_range(date):
    case = Case(caption="C", slug="c", kind="civil", status="active", filed=date)
    case.full_clean()
    assert case.filed == PartialDate.parse(date)


@pytest.mark.django_db
def test_full_clean_refuses_a_stored_date_outside_the_range(dated_entry):
    # As read from the database (a PartialDate, not a string): editing it
    # means correcting it.
    filing = Filing.objects.get(pk=dated_entry("9999").pk)
    with pytest.raises(ValidationError) as raised:
        filing.full_clean()
    assert list(raised.value.message_dict) == ["date"]
    assert RANGE_MESSAGE in raised.value.message_dict["date"][0]


def admin_add_entry(client, case, date):
    return client.post(
        f"/{settings.ADMIN_PATH}filings/filing/add/",
        {
            "case": case.pk,
            "slug": "order",
            "sequence": 20,
            "kind": "order",
            "title": "Order",
            "date": date,
            "citations-TOTAL_FORMS": 0,
            "citations-INITIAL_FORMS": 0,
        },
    )


@pytest.mark.parametrize("date", ["9999", "1899-12-31"])
def test_the_admin_form_refuses_a_year_outside_the_range(admin_client, dated_entry, date):
    case = dated_entry("2023").case
    response = admin_add_entry(admin_client, case, date)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors == {
        "date": [f"{RANGE_MESSAGE}: {date} is outside the years this record accepts."]
    }
    assert not Filing.objects.filter(slug="order").exists()


def test_the_admin_form_accepts_the_last_day_of_the_range(admin_client, dated_entry):
    case = dated_entry("2023").case
    response = admin_add_entry(admin_client, case, f"{MAX_YEAR}-12-31")
    assert response.status_code == 302
    assert Filing.objects.get(slug="order").date == PartialDate(MAX_YEAR, 12, 31)


# Filters: a bound outside the range is a 400 naming the problem


@pytest.mark.parametrize(
    "url",
    [
        "/timeline/?after=9999",
        "/timeline/?before=0001",
        "/cases/?filed_after=0001",
        "/cases/?filed_before=9999",
        "/cases.csv?filed_after=2101",
        "/api/filings/?after=1899-12-31",
        "/api/cases/?filed_before=9999",
    ],
)
def test_a_filter_outside_the_range_is_a_400_naming_the_range(client, dated_entry, url):
    dated_entry("2023")
    response = client.get(url)
    assert response.status_code == 400
    assert RANGE_MESSAGE in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        f"/timeline/?after={MIN_YEAR}&before={MAX_YEAR}-12-31",
        f"/cases/?filed_after={MIN_YEAR}-01-01&filed_before={MAX_YEAR}",
        f"/cases.csv?filed_after={MIN_YEAR}&filed_before={MAX_YEAR}-12-31",
        f"/api/filings/?after={MIN_YEAR}-01-01&before={MAX_YEAR}-12-31",
        f"/api/cases/?filed_after={MIN_YEAR}&filed_before={MAX_YEAR}",
    ],
)
def test_filters_at_the_edges_of_the_range_work(client, dated_entry, query):
    dated_entry("2023")
    assert client.get(query).status_code == 200


@pytest.mark.parametrize("cursor", ["9999.1.1.1", "0001.1.1.1", "9999-12-31.1.1.1"])
@pytest.mark.parametrize("url", ["/timeline/", "/agencies/sec/", "/parties/edge-corp/"])
def test_a_page_cursor_at_an_extreme_date_is_no_server_error(client, edge_entries, url, cursor):
    # Well formed, so it is followed: past 9999 nothing is left; after 0001, everything.
    response = client.get(f"{url}?cursor={cursor}")
    assert response.status_code == 200
    shown = sum(f"Entry dated {date}" in response.content.decode() for date in EDGES.values())
    assert shown == (0 if cursor.startswith("9999") else len(EDGES))


def test_the_api_schema_gives_the_range_of_each_date_filter(client, db):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    descriptions = {
        (path, parameter["name"]): parameter["description"]
        for path, operations in schema["paths"].items()
        for parameter in operations["get"].get("parameters", [])
        if parameter["name"] in {"after", "before", "filed_after", "filed_before"}
    }
    assert set(descriptions) == {
        ("/api/filings/", "after"),
        ("/api/filings/", "before"),
        ("/api/cases/", "filed_after"),
        ("/api/cases/", "filed_before"),
    }
    for description in descriptions.values():
        assert f"Years {MIN_YEAR} to {MAX_YEAR}" in description
