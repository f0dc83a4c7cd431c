"""The calendar and CSV downloads, read back with icalendar and the csv module."""

import csv
import datetime
import io

import pytest
from icalendar import Calendar

from cases.models import Case
from filings.models import Filing
from tests.factories import CaseFactory
from tests.helpers import BINANCE, BINANCE_ORDER, DISPUTED, Links, listed_cases

CALENDAR = f"{BINANCE}calendar.ics"
TIMELINE_CSV = f"{BINANCE}timeline.csv"
BOM = b"\xef\xbb\xbf"
# The published entries of SEC v. Binance: ISO prefix and precision, empty when undated.
BINANCE_DATES = {
    "complaint": ("2023-06", "month"),
    "binance-response": ("", ""),
    "ruling-on-claims": ("", ""),
    "stay-motion": ("2025", "year"),
    "second-stay-request": ("2025", "year"),
    "dismissal": ("2025-05-29", "day"),
    "binance-welcomes-dismissal": ("", ""),
}


def download(client, url, content_type, filename):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    return response.content


def read_calendar(client, url=CALENDAR, filename="sec-v-binance.ics"):
    return Calendar.from_ical(download(client, url, "text/calendar; charset=utf-8", filename))


def events(calendar):
    """The events by entry slug."""
    return {
        str(event["UID"]).split("/")[1].split("@")[0]: event for event in calendar.walk("VEVENT")
    }


def read_csv(client, url, filename):
    content = download(client, url, "text/csv; charset=utf-8", filename)
    assert content.startswith(BOM)
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline="")))


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


# The calendar


def test_the_calendar_has_every_dated_published_entry(client, seeded):
    calendar = read_calendar(client)
    assert calendar["VERSION"] == "2.0"
    assert calendar["X-WR-CALNAME"] == "SEC v. Binance Holdings et al."
    dated = {slug for slug, (iso, _precision) in BINANCE_DATES.items() if iso}
    assert set(events(calendar)) == dated


def test_a_day_is_an_all_day_event(client, seeded):
    dismissal = events(read_calendar(client))["dismissal"]
    assert type(dismissal.decoded("DTSTART")) is datetime.date
    assert dismissal.decoded("DTSTART") == datetime.date(2025, 5, 29)
    assert dismissal.decoded("DTEND") == datetime.date(2025, 5, 30)
    assert str(dismissal["SUMMARY"]) == (
        "Joint stipulation dismisses the case with prejudice (sources disagree)"
    )


def test_a_month_or_a_year_spans_all_of_it(client, seeded):
    found = events(read_calendar(client))
    complaint, stay = found["complaint"], found["stay-motion"]
    assert type(complaint.decoded("DTSTART")) is datetime.date
    assert complaint.decoded("DTSTART") == datetime.date(2023, 6, 1)
    assert complaint.decoded("DTEND") == datetime.date(2023, 7, 1)
    assert str(complaint["SUMMARY"]) == (
        "SEC sues Binance, Zhao and two US affiliates (known only as June 2023; sources disagree)"
    )
    assert stay.decoded("DTSTART") == datetime.date(2025, 1, 1)
    assert stay.decoded("DTEND") == datetime.date(2026, 1, 1)
    assert "known only as 2025" in str(stay["SUMMARY"])
    # A span does not mark the whole month or year as busy.
    assert {str(event["TRANSP"]) for event in found.values()} == {"TRANSPARENT"}


def test_each_event_links_to_the_entry_and_carries_its_sources(client, seeded):
    found = events(read_calendar(client))
    dismissal = found["dismissal"]
    assert str(dismissal["URL"]) == f"http://testserver{BINANCE}#entry-dismissal"
    description = str(dismissal["DESCRIPTION"])
    assert "Sources disagree. Adopted here: May 29, 2025." in description
    assert "SEC drops Binance case (report with a timeline), paragraph 10: May 2024" in description
    assert (
        "(000_26f21f1ec1e397ac.txt), paragraph 1: "
        "“filing a joint stipulation with the exchange on May 29”" in description
    )
    assert str(dismissal["CATEGORIES"].cats[0]) == "Stipulation"


def test_uids_are_stable_so_a_reimport_updates(client, seeded):
    last_year = datetime.datetime.now(datetime.UTC) - datetime.timedelta(days=365)
    Filing.objects.filter(slug="complaint").update(updated_at=last_year)
    first = client.get(CALENDAR).content
    assert client.get(CALENDAR).content == first
    before = events(Calendar.from_ical(first))["complaint"]
    assert str(before["UID"]) == "sec-v-binance/complaint@casetracker"

    complaint = Filing.objects.get(case__slug="sec-v-binance", slug="complaint")
    complaint.title = "SEC sues Binance"
    complaint.save()
    after = events(read_calendar(client))["complaint"]
    assert after["UID"] == before["UID"]
    assert after["SEQUENCE"] > before["SEQUENCE"]
    assert after.decoded("DTSTAMP") > before.decoded("DTSTAMP")
    assert str(after["SUMMARY"]).startswith("SEC sues Binance (")


def test_the_calendar_leaves_out_drafts_and_a_draft_case_has_none(client, seeded):
    new_entry()
    assert "new-entry" not in events(read_calendar(client))
    Case.objects.filter(slug="sec-v-binance").update(is_published=False)
    assert client.get(CALENDAR).status_code == 404


# The timeline as CSV


def test_the_timeline_csv_has_every_published_entry_with_its_date_and_precision(client, seeded):
    rows = read_csv(client, TIMELINE_CSV, "sec-v-binance-timeline.csv")
    assert [row["entry"] for row in rows] == BINANCE_ORDER
    for row in rows:
        filing = Filing.objects.get(case__slug="sec-v-binance", slug=row["entry"])
        assert (row["date"], row["precision"]) == BINANCE_DATES[row["entry"]]
        assert row["date_shown"] == (str(filing.date) if filing.date else "")
        assert row["case"] == "sec-v-binance"
        assert row["kind"] == filing.kind
        assert row["title"] == filing.title
        assert row["disputed"] == ("yes" if row["entry"] in DISPUTED else "no")
        keys = {citation.source.key for citation in filing.citations.all()}
        assert set(row["sources"].split()) == keys
        assert row["permalink"] == f"http://testserver{BINANCE}#entry-{row['entry']}"
    assert rows[0]["date_shown"] == "June 2023"
    assert rows[0]["filed_by"] == "SEC"


def test_the_timeline_csv_keeps_text_as_written_and_disarms_formulas(client, seeded):
    new_entry(is_published=True, title="Cour d’appel: “décision” — 2 000 €, line\nbreak")
    new_entry(is_published=True, slug="formula", sequence=1000, title='=HYPERLINK("x")')
    rows = {
        row["entry"]: row for row in read_csv(client, TIMELINE_CSV, "sec-v-binance-timeline.csv")
    }
    assert rows["new-entry"]["title"] == "Cour d’appel: “décision” — 2 000 €, line\nbreak"
    assert rows["formula"]["title"] == '\'=HYPERLINK("x")'


def test_the_timeline_csv_leaves_out_drafts_and_a_draft_case_has_none(client, seeded):
    new_entry()
    entries = [row["entry"] for row in read_csv(client, TIMELINE_CSV, "sec-v-binance-timeline.csv")]
    assert "new-entry" not in entries
    Case.objects.filter(slug="sec-v-binance").update(is_published=False)
    assert client.get(TIMELINE_CSV).status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/cases/no-such-case/calendar.ics", "/cases/no-such-case/timeline.csv"],
)
def test_unknown_cases_have_no_downloads(client, seeded, url):
    assert client.get(url).status_code == 404


def test_the_case_page_links_to_its_downloads(client, seeded):
    links = {link["href"]: link for link in Links(client.get(BINANCE).content.decode()).links}
    for url, content_type in [
        (f"{BINANCE}feed/", "application/atom+xml"),
        (CALENDAR, "text/calendar"),
        (TIMELINE_CSV, "text/csv"),
    ]:
        assert links[url]["type"] == content_type
        assert client.get(url)["Content-Type"].startswith(content_type)


# The case list as CSV


def case_list_csv(client, query=""):
    return read_csv(client, f"/cases.csv{query}", "cases.csv")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?agency=sec",
        "?q=CZ&sort=caption",
        "?party=changpeng-zhao&sort=oldest",
        "?status=dismissed&kind=civil",
        "?filed_after=2023-06&filed_before=2023",
        "?agency=sec&filed_after=2030",
    ],
)
def test_the_case_list_csv_has_the_cases_the_page_lists_in_its_order(client, seeded, query):
    page = client.get(f"/cases/{query}").content.decode()
    assert [row["case"] for row in case_list_csv(client, query)] == listed_cases(page)


def test_the_case_list_csv_gives_dates_with_their_precision_and_the_disputes(client, seeded):
    rows = {row["case"]: row for row in case_list_csv(client)}
    binance = rows["sec-v-binance"]
    assert binance["caption"] == "SEC v. Binance Holdings et al."
    assert binance["kind"] == "civil"
    assert binance["agencies"] == "sec"
    assert (binance["filed"], binance["filed_precision"]) == ("2023-06", "month")
    assert (binance["closed"], binance["closed_precision"]) == ("2025-05-29", "day")
    assert (binance["latest_entry"], binance["latest_entry_precision"]) == ("2025-05-29", "day")
    assert binance["entries"] == str(len(BINANCE_ORDER))
    assert binance["disputed"] == "yes"
    assert len(binance["sources"].split()) == 5
    assert binance["url"] == f"http://testserver{BINANCE}"
    coinbase = rows["sec-v-coinbase"]
    assert (coinbase["filed"], coinbase["filed_precision"]) == ("", "")
    assert (coinbase["disputed"], coinbase["entries"]) == ("no", "1")


def test_the_case_list_csv_leaves_out_drafts(client, seeded):
    Case.objects.filter(slug="sec-v-kraken").update(is_published=False)
    new_entry()
    rows = {row["case"]: row for row in case_list_csv(client)}
    assert "sec-v-kraken" not in rows
    assert rows["sec-v-binance"]["entries"] == str(len(BINANCE_ORDER))


def test_the_case_list_csv_has_every_page(client, seeded):
    CaseFactory.create_batch(30)
    assert len(case_list_csv(client, "?page=2")) == Case.objects.published().count() == 35


@pytest.mark.parametrize(
    "query", ["?filed_after=2023-13", "?agency=no-such-agency", "?sort=sideways", "?status=lost"]
)
def test_an_invalid_filter_is_a_bad_request(client, seeded, query):
    assert client.get(f"/cases/{query}").status_code == 400
    response = client.get(f"/cases.csv{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("These filters cannot be used:")


def test_the_case_list_links_to_the_csv_of_its_filters(client, seeded):
    query = "?agency=sec&sort=caption"
    html = client.get(f"/cases/{query}&page=1").content.decode()
    (link,) = [link for link in Links(html).links if link["href"].startswith("/cases.csv")]
    assert link["href"] == f"/cases.csv{query}"
    assert link["text"] == "Download as CSV"
    assert [row["case"] for row in case_list_csv(client, query)] == listed_cases(html)


# (download, URL, queries, text only the generated data puts in the file)
QUERY_BUDGETS = [
    ("calendar", CALENDAR, 3, "Generated entry in SEC v. Binance"),
    ("timeline", TIMELINE_CSV, 3, "Generated entry in SEC v. Binance"),
    # The case list's sources come in a query of their own, not one copy per citation.
    ("case list", "/cases.csv", 6, "SEC v. Generated Exchange"),
    ("case list, filtered", "/cases.csv?q=CZ&agency=ddc&sort=newest", 7, "generated-case-"),
]


@pytest.mark.parametrize(
    "url, budget, generated_text",
    [entry[1:] for entry in QUERY_BUDGETS],
    ids=[entry[0] for entry in QUERY_BUDGETS],
)
def test_query_count_does_not_grow_with_the_data(client, query_limit, url, budget, generated_text):
    with query_limit(budget):
        response = client.get(url)
    assert response.status_code == 200
    content = response.content.decode("utf-8-sig").replace("\r\n ", "")  # unfold .ics lines
    assert (generated_text in content) == query_limit.grown
