"""Downloads: a case's calendar (.ics), its timeline as CSV, and the filtered case list as CSV.

Only published content is exported, as on the pages.
"""

import csv
import datetime

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from icalendar import Calendar, Event

from cases.filters import CaseFilter
from cases.models import Case
from core.pagination import COUNT_LIMIT
from core.partial_dates import PartialDate
from filings.models import Citation, Filing, prefetch_citations

from .feeds import DISPUTED, citation_lines, filed_by, version_lines
from .timeline import order_entries

# Event UIDs end with this, so that they are unique beyond this calendar.
UID_DOMAIN = "casetracker"
# A cell starting with one of these is read as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def case_calendar(request, slug):
    """The case's dated entries as all-day events, for a calendar application.

    An entry known to the day is a one-day event. An entry known only to its
    month or year is a multi-day event spanning that whole month or year (from
    first_day to last_day), marked in its summary as "known only as June 2023",
    and transparent, so that it does not show the reader as busy. Undated
    entries are left out: they have no place in a calendar.

    Each event's UID is the case and entry slugs, so re-importing the file
    updates the events instead of duplicating them; SEQUENCE is the entry's
    version and DTSTAMP its last change, so an unchanged entry exports
    identically every time.
    """
    case = get_object_or_404(Case.objects.published(), slug=slug)
    calendar = Calendar()
    calendar.add("prodid", "-//Case Tracker//Case timeline//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", case.caption)
    filings = case.filings.published().exclude(date=None).for_timeline()
    for filing in order_entries(filings):
        calendar.add_component(event(request, filing))
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, f"{case.slug}.ics")
    return response


def event(request, filing):
    date = filing.date
    qualifiers = []
    if date.precision != PartialDate.Precision.DAY:
        qualifiers.append(f"known only as {date}")
    if filing.is_disputed:
        qualifiers.append(DISPUTED.lower())
    summary = f"{filing.title} ({'; '.join(qualifiers)})" if qualifiers else filing.title
    permalink = request.build_absolute_uri(filing.get_absolute_url())

    description = [f"{filing.case.caption}: {filing.get_kind_display()}, {date}."]
    if filer := filed_by(filing):
        description.append(f"Filed by {filer}.")
    if filing.summary:
        description.append(filing.summary)
    if filing.is_disputed:
        description.append(f"{DISPUTED}. Adopted here: {date}. {filing.date_note}".rstrip())
        description.extend(f"- {line}" for line in version_lines(filing))
    description.append("Sources:")
    description.extend(f"- {line}" for line in citation_lines(filing))
    description.append(permalink)

    event = Event()
    event.add("uid", f"{filing.case.slug}/{filing.slug}@{UID_DOMAIN}")
    event.add("dtstamp", filing.updated_at)
    event.add("last-modified", filing.updated_at)
    event.add("sequence", filing.version)
    event.add("dtstart", date.first_day)
    if date.last_day < datetime.date.max:
        event.add("dtend", date.last_day + datetime.timedelta(days=1))  # the day after: exclusive
    else:
        # No day after December 31, 9999 (only a row stored before the years were
        # checked can end there): the same span, as a length.
        event.add("duration", date.last_day - date.first_day + datetime.timedelta(days=1))
    event.add("transp", "TRANSPARENT")
    event.add("summary", summary)
    event.add("description", "\n".join(description))
    event.add("categories", [filing.get_kind_display()])
    event.add("url", permalink)
    return event


def spreadsheet_cell(value):
    """A value as CSV text; one a spreadsheet would run as a formula starts with a quote."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, header, rows):
    """UTF-8 with a byte order mark, so spreadsheet programs read the encoding right."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(value) for value in row] for row in rows)
    return response


def source_keys(filings):
    keys = (c.source.key for filing in filings for c in filing.citation_list)
    return " ".join(dict.fromkeys(keys))


def yes_no(flag):
    return "yes" if flag else "no"


TIMELINE_COLUMNS = [
    "case",
    "entry",
    "date",
    "precision",
    "date_shown",
    "kind",
    "title",
    "summary",
    "filed_by",
    "sources",
    "disputed",
    "permalink",
]


def case_timeline_csv(request, slug):
    """Every published entry of the case in timeline order, undated ones included."""
    case = get_object_or_404(Case.objects.published(), slug=slug)
    filings = order_entries(case.filings.published().for_timeline())
    rows = (
        [
            case.slug,
            filing.slug,
            filing.date.iso if filing.date else "",
            filing.date.precision if filing.date else "",
            filing.date or "",
            filing.kind,
            filing.title,
            filing.summary,
            filed_by(filing),
            source_keys([filing]),
            yes_no(filing.is_disputed),
            request.build_absolute_uri(filing.get_absolute_url()),
        ]
        for filing in filings
    )
    return csv_response(f"{case.slug}-timeline.csv", TIMELINE_COLUMNS, rows)


CASE_COLUMNS = [
    "case",
    "caption",
    "kind",
    "status",
    "court",
    "docket_number",
    "agencies",
    "filed",
    "filed_precision",
    "closed",
    "closed_precision",
    "latest_entry",
    "latest_entry_precision",
    "entries",
    "disputed",
    "sources",
    "url",
]


def iso_and_precision(date):
    return [date.iso, date.precision] if date else ["", ""]


def case_list_csv(request):
    """The cases the case list shows for the same query, all its pages, in the same order:
    the first COUNT_LIMIT of them (core/pagination.py), as there.

    "disputed" says whether sources disagree on any published entry or on the
    claim counts; "sources" are the keys of the sources its published entries cite.
    An invalid filter answers 400, as on the case list, naming the problem.
    """
    filterset = CaseFilter.listing(
        request.GET,
        Case.objects.for_case_list().prefetch_related(
            Prefetch("citations", queryset=Citation.objects.select_related("source")),
            # Only what the row needs: a million entries' worth of cases would
            # otherwise make a copy of the case, and of the source, per entry.
            Prefetch(
                "filings",
                queryset=Filing.objects.published()
                .only("case_id", "date")
                .prefetch_related(
                    prefetch_citations(
                        queryset=Citation.objects.in_source_order()
                        .select_related("reported_after__case")
                        .prefetch_related("source"),
                    )
                ),
                to_attr="published_filings",
            ),
        ),
    )
    if not filterset.is_valid():
        return HttpResponse(
            f"These filters cannot be used:\n{filterset.errors.as_text()}\n",
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    rows = (
        [
            case.slug,
            case.caption,
            case.kind,
            case.status,
            case.court.name if case.court else "",
            case.docket_number,
            " ".join(agency.slug for agency in case.agencies.all()),
            *iso_and_precision(case.filed),
            *iso_and_precision(case.closed),
            *iso_and_precision(case.latest_activity),
            len(case.published_filings),
            yes_no(
                case.claim_counts_disputed or any(f.is_disputed for f in case.published_filings)
            ),
            source_keys(case.published_filings),
            request.build_absolute_uri(case.get_absolute_url()),
        ]
        for case in filterset.qs[:COUNT_LIMIT]
    )
    return csv_response("cases.csv", CASE_COLUMNS, rows)
