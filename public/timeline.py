"""Ordering timeline entries, paging through them, grouping them by month, and
drawing the overview."""

import datetime
import hashlib
from dataclasses import dataclass
from itertools import groupby

from django.core.cache import cache
from django.db.models import F, Q, Subquery, prefetch_related_objects
from django.template.loader import get_template

from core.partial_dates import PartialDate
from filings.models import Citation, prefetch_citations
from history.models import EVERYTHING, Revision


def order_entries(filings, newest_first=False):
    """Order entries oldest first (or newest first).

    Dated entries go by date, a coarser date before the finer dates inside it
    ("2023" before "2023-01-05"), then by the case's sequence. An undated entry
    keeps its place in the case's sequence: it follows the entry before it.
    """
    keyed = []
    for _case_id, entries in groupby(
        sorted(filings, key=lambda f: (f.case_id, f.sequence, f.pk)), key=lambda f: f.case_id
    ):
        anchor = (0, 0, 0)
        for filing in entries:
            if filing.date:
                anchor = filing.date.sort_key()
            keyed.append(((anchor, filing.sequence, filing.case_id, filing.pk), filing))
    keyed.sort(key=lambda pair: pair[0], reverse=newest_first)
    return [filing for _key, filing in keyed]


# Long timelines (across cases, or a party's or agency's) come a page at a time.
ENTRIES_PER_PAGE = 100
# Dated entries go in timeline order, then the undated ones in sequence order.
DATED_ORDER = ("date", "sequence", "case_id", "pk")
UNDATED_ORDER = ("sequence", "case_id", "pk")


@dataclass
class EntryPage:
    groups: list  # MonthGroups
    entries: list
    next_cursor: str | None  # where the next page starts, if there is one


def page_of_entries(filings, cursor="", newest_first=False, size=ENTRIES_PER_PAGE):
    """A page of entries in timeline order, starting after the cursor.

    Keyset pagination: a cursor names the last entry of the page before by its
    place in the order ("2023-06.10.4.17" is date, sequence, case and entry;
    "undated.20.4.18" an undated entry), so a later page costs no more than the
    first: no OFFSET and no COUNT. Raises ValueError for a cursor that is not one.
    Dated entries come first, oldest (or newest) first; entries with no known
    date follow, always in sequence order.
    """
    undated_from = None
    entries = []
    if cursor.startswith("undated."):
        undated_from = parse_key(cursor.removeprefix("undated."), 3)
    else:
        dated = filings.exclude(date=None).order_by(
            *(F(field).desc() if newest_first else F(field).asc() for field in DATED_ORDER)
        )
        if cursor:
            date, _, rest = cursor.partition(".")
            key = (PartialDate.parse(date), *parse_key(rest, 3))
            dated = dated.filter(beyond(DATED_ORDER, key, newest_first))
        entries = list(dated[: size + 1])
    if len(entries) <= size:
        undated = filings.filter(date=None).order_by(*UNDATED_ORDER)
        if undated_from:
            undated = undated.filter(beyond(UNDATED_ORDER, undated_from, False))
        entries += list(undated[: size + 1 - len(entries)])
    more = len(entries) > size
    entries = entries[:size]
    dated_entries = [f for f in entries if f.date]
    groups = group_by_month(dated_entries, newest_first=newest_first)
    if len(dated_entries) < len(entries):
        groups.append(MonthGroup(None, None, entries[len(dated_entries) :]))
    return EntryPage(groups, entries, cursor_after(entries[-1]) if more else None)


def parse_key(text, length):
    parts = text.split(".")
    if len(parts) != length or not all(part.isascii() and part.isdigit() for part in parts):
        raise ValueError(f"{text!r} is not a page position")
    numbers = tuple(int(part) for part in parts)
    if max(numbers) >= 2**63:  # beyond any id or sequence a database can hold
        raise ValueError(f"{text!r} is not a page position")
    return numbers


def cursor_after(filing):
    key = f"{filing.sequence}.{filing.case_id}.{filing.pk}"
    return f"{filing.date.iso}.{key}" if filing.date else f"undated.{key}"


def beyond(fields, values, descending):
    """The condition for rows after ``values`` in the order of ``fields``.

    (a, b, c) > (x, y, z) written out as a > x or (a = x and (b > y or ...)),
    with a >= x as well, so that an index on the fields starts at the cursor.
    """
    op = "lt" if descending else "gt"
    condition = Q(**{f"{fields[-1]}__{op}": values[-1]})
    for field, value in zip(fields[-2::-1], values[-2::-1], strict=True):
        condition = Q(**{f"{field}__{op}": value}) | (Q(**{field: value}) & condition)
    return Q(**{f"{fields[0]}__{op}e": values[0]}) & condition


@dataclass
class MonthGroup:
    year: int | None
    month: int | None
    entries: list

    @property
    def label(self):
        if self.year is None:
            return "Date not known"
        if self.month is None:
            return f"{self.year}, month not known"
        return f"{datetime.date(self.year, self.month, 1):%B %Y}"

    @property
    def anchor(self):
        if self.year is None:
            return "undated"
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


def group_by_month(filings, newest_first=False):
    """Dated entries grouped by year and month; undated ones in a last group."""
    dated = order_entries([f for f in filings if f.date], newest_first)
    groups = [
        MonthGroup(year, month, list(entries))
        for (year, month), entries in groupby(dated, key=lambda f: (f.date.year, f.date.month))
    ]
    undated = [f for f in order_entries(filings) if not f.date]
    if undated:
        groups.append(MonthGroup(None, None, undated))
    return groups


# The overview is a server-rendered SVG: these are its measures in user units.
WIDTH, LABEL_WIDTH, ROW_HEIGHT, LANE_GAP, AXIS_HEIGHT, DOT_RADIUS = 800, 150, 18, 8, 22, 5
# Year ticks: at most this many, so that their labels ("2023", some 30 units
# wide) do not overlap. A longer axis has a tick every TICK_STEPS[i] years.
MAX_TICKS = 20
TICK_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def tick_years(first, last):
    """The years to mark on an axis from the start of first to the end of last.

    Every year while they fit in MAX_TICKS, else the multiples of the smallest
    round step that fits ("1900, 1920, ..." across two centuries).
    """
    step = next(step for step in TICK_STEPS if (last - first) // step + 1 <= MAX_TICKS)
    return [year for year in range(first, last + 1) if year % step == 0]


@dataclass
class Mark:
    filing: object
    x: float
    width: float
    y: float
    is_span: bool

    @property
    def top(self):
        return self.y - 6

    @property
    def flag_x(self):
        """Where the "sources disagree" flag goes: just right of the mark."""
        return self.x + (self.width if self.is_span else DOT_RADIUS) + 2


def overview(filings, lane_of=lambda filing: ""):
    """Geometry for the SVG time axis: a lane per key, a mark per dated entry.

    Entries known only to the month or year are drawn as spans across it.
    Marks that would overlap within a lane go on rows of their own.
    """
    dated = order_entries([f for f in filings if f.date])
    if not dated:
        return None
    first, last = dated[0].date.year, max(f.date.year for f in dated)
    start = datetime.date(first, 1, 1)
    # In days, not up to January 1 of the year after: there is none after 9999.
    length = (datetime.date(last, 12, 31) - start).days + 1
    lanes = list(dict.fromkeys(lane_of(f) for f in dated))
    label_width = LABEL_WIDTH if any(lanes) else 0
    # Room on the right for the flag after a mark that runs to the end.
    scale = (WIDTH - label_width - 16) / length

    def x_of(day):
        return label_width + (day - start).days * scale

    row_ends = {lane: [] for lane in lanes}
    placed = []
    for filing in dated:
        left = x_of(filing.date.first_day)
        if filing.date.day is None:
            days = (filing.date.last_day - filing.date.first_day).days + 1
            width = max(days * scale, 3)
            extent = (left, left + width)
        else:
            width = 0
            extent = (left - DOT_RADIUS, left + DOT_RADIUS)
        ends = row_ends[lane_of(filing)]
        row = next((i for i, taken in enumerate(ends) if taken + 12 <= extent[0]), len(ends))
        ends[row : row + 1] = [extent[1]]
        placed.append((filing, lane_of(filing), row, left, width))

    tops, y = {}, AXIS_HEIGHT
    for lane in lanes:
        tops[lane] = y
        y += len(row_ends[lane]) * ROW_HEIGHT + LANE_GAP
    marks = [
        Mark(f, round(left, 1), round(width, 1), tops[lane] + (row + 0.5) * ROW_HEIGHT, width > 0)
        for f, lane, row, left, width in placed
    ]
    return {
        "width": WIDTH,
        "height": y,
        "lanes": [{"label": lane, "y": tops[lane] + ROW_HEIGHT / 2} for lane in lanes if lane],
        "years": [
            {"year": year, "x": round(x_of(datetime.date(year, 1, 1)), 1)}
            for year in tick_years(first, last)
        ],
        "marks": marks,
        "kinds": sorted({(f.kind, f.get_kind_display()) for f in dated}, key=lambda k: k[1]),
        "undated": len(filings) - len(dated),
        "first": first,
        "last": last,
    }


def entries_page(request, filings, newest_first=False):
    """A page of a long timeline, or None and an error for a page link that is not one."""
    try:
        cursor = request.GET.get("cursor", "")
        return page_of_entries(with_everything_token(filings), cursor, newest_first), None
    except ValueError:
        return None, "This page link is not valid. Start again from the first page."


# Rendered entries (includes/entry.html) are cached under the versions of what they show.
# Bump the prefix when the entry templates, or the code behind what they show, change.
ENTRY_PREFIX = "entry1"


def with_everything_token(filings):
    """Entries annotated with the ``all`` token (history.models.Revision) as ``everything``,
    read in the query that fetches them: part of each entry's cache key."""
    return filings.annotate(
        everything=Subquery(Revision.objects.filter(name=EVERYTHING).values("token"))
    )


def shown_rows(filing):
    """The versions of every row an entry shows, as text, or None when it is not to be
    cached; kept on the entry, since its entry and the overview both ask, until its
    citations are read to render it (read_citations).

    The rows are the entry, its case (the permalink, the caption), its filers, and
    each citation with its source and the entry it places this one after, and that
    entry's case (whether readers may see it, and so whether the dispute counts it).
    Versions only go up with each save (core.models.Versioned); a deleted or added
    citation changes the list. The ``all`` token changes with what bypasses versions
    (fixture loads, restores) and tells one database from another sharing the cache;
    without it, nothing is cached. Read from the entry's citations, or for many
    entries at once by read_shown_rows, without them.
    """
    if "_shown_rows" not in filing.__dict__:
        pairs = []
        for citation in filing.citation_list:
            after = citation.reported_after
            pairs += version_pairs(citation, citation.source, after, after and after.case)
        keep_shown_rows(filing, pairs)
    return filing._shown_rows


def version_pairs(*rows):
    """(id, version) of each row, (None, None) for a row that is not there."""
    return [(row.pk, row.version) if row else (None, None) for row in rows]


def keep_shown_rows(filing, citation_pairs):
    """Set shown_rows from the (id, version) pairs of the rows its citations show."""
    everything = getattr(filing, "everything", None)
    pairs = version_pairs(filing, filing.case, filing.filed_by_party, filing.filed_by_agency)
    rows = " ".join(f"{pk}.{version}" if pk else "-" for pk, version in pairs + citation_pairs)
    filing._shown_rows = None if everything is None else f"{everything} {rows}"


# The rows of a citation that an entry shows, in the order shown_rows reads them from the
# citation's objects: the citation, its source, the entry it places this one after, that
# entry's case. tests/public/test_entry_cache.py checks that both give the same key.
CITATION_ROWS = ("", "source__", "reported_after__", "reported_after__case__")


def read_shown_rows(filings):
    """shown_rows for the entries whose citations were not read, from one query for
    the versions of their citations' rows: no model instances are made for them.

    The entries that then have to be rendered read their citations in full
    (rendered_entries); a page whose entries all come from the cache never does.
    """
    unread = [f for f in filings if not {"_shown_rows", "citation_list"} & f.__dict__.keys()]
    if not unread:
        return
    columns = [f"{row}{field}" for row in CITATION_ROWS for field in ("id", "version")]
    pairs = {filing.pk: [] for filing in unread}
    citations = Citation.objects.in_source_order().filter(filing__in=unread)
    for filing_id, *values in citations.values_list("filing", *columns):
        pairs[filing_id] += zip(values[::2], values[1::2], strict=True)
    for filing in unread:
        keep_shown_rows(filing, pairs[filing.pk])


def entry_key(filing, level, show_case):
    """The cache key of an entry's HTML: what it shows (shown_rows) and how."""
    rows = shown_rows(filing)
    if rows is None:
        return None
    text = f"{level} {show_case} {rows}"
    return f"{ENTRY_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()}"


def read_citations(filings):
    """Read in one query the citations of these entries that have none read, for
    rendering them; and their shown_rows again from those citations.

    A key read by read_shown_rows may be older than the citations read now (an
    editor may have added one in between, and may remove it later): HTML is stored
    only under the key of what it was rendered from.
    """
    unread = [filing for filing in filings if "citation_list" not in filing.__dict__]
    prefetch_related_objects(unread, prefetch_citations())
    for filing in unread:
        filing.__dict__.pop("_shown_rows", None)


def rendered_entries(filings, level, show_case):
    """Each entry's HTML (includes/entry.html), from the cache when nothing it shows
    has changed since it was rendered; the others read their citations, in one query,
    and are rendered and stored."""
    read_shown_rows(filings)
    keys = [entry_key(filing, level, show_case) for filing in filings]
    found = cache.get_many([key for key in keys if key])
    read_citations([filing for filing, key in zip(filings, keys, strict=True) if key not in found])
    template = get_template("includes/entry.html")
    rendered = {}
    html = []
    for key, filing in zip(keys, filings, strict=True):
        entry = found.get(key)
        if entry is None:
            entry = template.render({"filing": filing, "level": level, "show_case": show_case})
            if stored_under := entry_key(filing, level, show_case):
                rendered[stored_under] = entry
        html.append(entry)
    cache.set_many(rendered)
    return html


# The overview's SVG (includes/overview.html) is cached under what its marks show: the
# shown_rows of each entry on it. Bump the prefix when the overview's template, its
# geometry, or the code behind what it shows (disputes, kinds, dates) change.
OVERVIEW_PREFIX = "overview1"


def overview_key(filings, title, by_case):
    """The cache key of an overview of these entries, or None when one is not cached."""
    rows = [shown_rows(filing) for filing in filings]
    if None in rows:
        return None
    # In any order: the overview orders its marks itself.
    text = "\n".join([title, str(by_case), *sorted(rows)])
    return f"{OVERVIEW_PREFIX}:{hashlib.sha256(text.encode()).hexdigest()}"


def rendered_overview(filings, title, by_case=False):
    """The overview of these entries as HTML (includes/overview.html), a lane per case
    when by_case: from the cache when no entry on it has changed since it was drawn."""
    read_shown_rows(filings)
    key = overview_key(filings, title, by_case)
    html = cache.get(key) if key else None
    if html is None:
        read_citations(filings)  # for the disputes
        key = overview_key(filings, title, by_case)
        if by_case:
            drawn = overview(filings, lane_of=lambda filing: filing.case.caption)
        else:
            drawn = overview(filings)
        html = get_template("includes/overview.html").render({"overview": drawn, "title": title})
        if key:
            cache.set(key, html)
    return html
