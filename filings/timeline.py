"""Ordering timeline entries, grouping them by month, and drawing the overview."""

import datetime
from dataclasses import dataclass
from itertools import groupby


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
WIDTH, LABEL_WIDTH, LANE_HEIGHT, AXIS_HEIGHT = 800, 150, 28, 24


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
    def flag_y(self):
        return self.y - 9


def overview(filings, lane_of=lambda filing: ""):
    """Geometry for the SVG time axis: a lane per key, a mark per dated entry.

    Entries known only to the month or year are drawn as spans across it.
    """
    dated = [f for f in filings if f.date]
    if not dated:
        return None
    start = datetime.date(min(f.date.year for f in dated), 1, 1)
    end = datetime.date(max(f.date.year for f in dated) + 1, 1, 1)
    plot = WIDTH - LABEL_WIDTH
    scale = plot / (end - start).days

    def x_of(day):
        return LABEL_WIDTH + (day - start).days * scale

    lanes = list(dict.fromkeys(lane_of(f) for f in order_entries(dated)))
    marks = []
    for filing in dated:
        y = AXIS_HEIGHT + lanes.index(lane_of(filing)) * LANE_HEIGHT + LANE_HEIGHT / 2
        left = x_of(filing.date.first_day)
        right = x_of(filing.date.last_day + datetime.timedelta(days=1))
        width = max(right - left, 3)
        marks.append(Mark(filing, round(left, 1), round(width, 1), y, filing.date.day is None))
    return {
        "width": WIDTH,
        "height": AXIS_HEIGHT + len(lanes) * LANE_HEIGHT + 4,
        "label_width": LABEL_WIDTH,
        "lanes": [
            {"label": label, "y": AXIS_HEIGHT + i * LANE_HEIGHT + LANE_HEIGHT / 2}
            for i, label in enumerate(lanes)
        ],
        "years": [
            {"year": year, "x": round(x_of(datetime.date(year, 1, 1)), 1)}
            for year in range(start.year, end.year)
        ],
        "marks": marks,
        "kinds": sorted({(f.kind, f.get_kind_display()) for f in dated}, key=lambda k: k[1]),
        "undated": len(filings) - len(dated),
        "first": start.year,
        "last": end.year - 1,
    }
