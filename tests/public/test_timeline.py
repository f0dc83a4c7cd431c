"""The cross-case timeline: the page (/timeline/) and, first, unit tests for ordering,
grouping and drawing timeline entries (public/timeline.py).

The unit tests use unsaved model instances: order_entries, group_by_month and overview
read only attributes, so no database is needed.
"""

import datetime
import itertools
import random

import pytest
from django.utils.text import Truncator
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Case
from core.partial_dates import MAX_YEAR, MIN_YEAR, PartialDate
from filings.models import Filing
from public.timeline import (
    AXIS_HEIGHT,
    LABEL_WIDTH,
    LANE_GAP,
    MAX_TICKS,
    ROW_HEIGHT,
    WIDTH,
    group_by_month,
    order_entries,
    overview,
    tick_years,
)
from tests.helpers import (
    BINANCE_ORDER,
    Links,
    alerts,
    between,
    entry_elements,
    entry_titles,
    get,
    month_groups,
    parse,
    titles_of,
)

CASE_A = Case(pk=1, slug="a", caption="Agency v. Alpha")
CASE_B = Case(pk=2, slug="b", caption="Agency v. Beta")

_next_pk = iter(range(1, 10_000))


def entry(date, sequence, case=CASE_A, kind=Filing.Kind.MOTION, title=None):
    """An unsaved filing; date is an ISO prefix or None."""
    return Filing(
        pk=next(_next_pk),
        case=case,
        slug=f"s{sequence}",
        sequence=sequence,
        kind=kind,
        title=title or f"{case.slug}{sequence}",
        date=PartialDate.parse(date) if date else None,
    )


def titles(filings):
    return [f.title for f in filings]


def days(start, end):
    return (end - start).days


# order_entries


def test_a_coarser_date_comes_before_the_finer_dates_inside_it():
    day = entry("2023-01-05", 10, title="day")
    year = entry("2023", 20, title="year")
    month = entry("2023-01", 30, title="month")
    assert titles(order_entries([day, year, month])) == ["year", "month", "day"]


def test_entries_on_the_same_date_are_ordered_by_sequence_not_input_order():
    late = entry("2023-06", 20, title="second")
    early = entry("2023-06", 10, title="first")
    assert titles(order_entries([late, early])) == ["first", "second"]


def test_an_undated_entry_keeps_its_place_after_its_predecessor_in_sequence():
    filings = [
        entry(None, 5, title="undated, before everything"),
        entry("2023-06", 10, title="complaint"),
        entry(None, 20, title="undated response"),
        entry(None, 30, title="undated ruling"),
        entry("2025", 40, title="stay"),
        entry("2025-05-29", 60, title="dismissal"),
        entry(None, 70, title="undated statement"),
    ]
    shuffled = filings[:]
    random.Random(1).shuffle(shuffled)
    assert titles(order_entries(shuffled)) == titles(filings)


def test_an_undated_entry_follows_its_predecessor_even_when_later_entries_are_earlier():
    # Sequence 30 is dated before sequence 10; the undated 20 stays with 10.
    filings = [
        entry("2025", 10, title="ten"),
        entry(None, 20, title="twenty"),
        entry("2024-03", 30, title="thirty"),
    ]
    assert titles(order_entries(filings)) == ["thirty", "ten", "twenty"]


def test_newest_first_reverses_the_whole_order_including_undated_entries():
    filings = [
        entry("2023-06", 10, title="complaint"),
        entry(None, 20, title="undated"),
        entry("2025", 40, title="stay"),
        entry("2025-05-29", 60, title="dismissal"),
    ]
    oldest = order_entries(filings)
    assert titles(oldest) == ["complaint", "undated", "stay", "dismissal"]
    assert order_entries(filings, newest_first=True) == oldest[::-1]


def test_entries_from_several_cases_interleave_by_date():
    a_complaint = entry("2023-06", 10, CASE_A, title="A complaint")
    a_undated = entry(None, 15, CASE_A, title="A undated")
    a_stay = entry("2025", 20, CASE_A, title="A stay")
    b_plea = entry("2023-11", 10, CASE_B, title="B plea")
    b_undated = entry(None, 15, CASE_B, title="B undated")
    b_sentence = entry("2024-04", 20, CASE_B, title="B sentence")
    ordered = order_entries([b_sentence, a_stay, b_undated, a_undated, b_plea, a_complaint])
    assert titles(ordered) == [
        "A complaint",
        "A undated",  # follows its own case's predecessor, not the other case's
        "B plea",
        "B undated",
        "B sentence",
        "A stay",
    ]


def test_entries_of_different_cases_on_the_same_date_go_by_sequence_then_case():
    a = entry("2024-04", 30, CASE_A, title="A")
    b = entry("2024-04", 20, CASE_B, title="B")
    a_same_sequence = entry("2024-04-01", 10, CASE_A, title="A day")
    b_same_sequence = entry("2024-04-01", 10, CASE_B, title="B day")
    ordered = order_entries([a_same_sequence, b_same_sequence, a, b][::-1])
    assert titles(ordered) == ["B", "A", "A day", "B day"]


def test_order_entries_of_nothing_is_empty():
    assert order_entries([]) == []


# group_by_month


def test_groups_are_labelled_by_month_or_year_or_as_undated():
    filings = [
        entry("2023-06", 10, title="complaint"),
        entry(None, 20, title="response"),
        entry("2025", 30, title="stay"),
        entry("2025-02", 40, CASE_B, title="coinbase"),
        entry("2025-02-10", 50, CASE_B, title="day in February"),
    ]
    groups = group_by_month(filings)
    assert [g.label for g in groups] == [
        "June 2023",
        "2025, month not known",
        "February 2025",
        "Date not known",
    ]
    assert [g.anchor for g in groups] == ["2023-06", "2025", "2025-02", "undated"]
    assert [titles(g.entries) for g in groups] == [
        ["complaint"],
        ["stay"],
        ["coinbase", "day in February"],
        ["response"],
    ]


def test_month_groups_newest_first_reverse_the_dated_groups_and_keep_undated_last():
    filings = [
        entry(None, 5, title="first undated"),
        entry("2023-06", 10, title="complaint"),
        entry(None, 20, title="later undated"),
        entry("2025-02", 30, title="february"),
        entry("2025-02-10", 40, title="february day"),
    ]
    groups = group_by_month(filings, newest_first=True)
    assert [g.label for g in groups] == ["February 2025", "June 2023", "Date not known"]
    assert titles(groups[0].entries) == ["february day", "february"]
    # The undated group keeps sequence order whichever way the dated ones run.
    assert titles(groups[-1].entries) == ["first undated", "later undated"]


def test_no_undated_group_when_every_entry_is_dated():
    groups = group_by_month([entry("2024-09", 10), entry("2024-04", 20)])
    assert [g.label for g in groups] == ["April 2024", "September 2024"]
    assert group_by_month([]) == []


def test_a_group_of_only_undated_entries():
    groups = group_by_month([entry(None, 20, title="b"), entry(None, 10, title="a")])
    assert [(g.label, g.anchor, titles(g.entries)) for g in groups] == [
        ("Date not known", "undated", ["a", "b"])
    ]


# overview


def single_lane(filings):
    """Marks by title for an overview without lane labels."""
    drawn = overview(filings)
    return drawn, {mark.filing.title: mark for mark in drawn["marks"]}


def test_month_and_year_entries_are_spans_as_wide_as_their_time():
    drawn, marks = single_lane(
        [entry("2023", 10, title="year"), entry("2023-06", 20, title="june")]
    )
    start = datetime.date(2023, 1, 1)
    scale = (WIDTH - 16) / 365  # no lane labels: the whole width but the flag room
    assert marks["year"].is_span and marks["june"].is_span
    assert marks["year"].x == 0
    assert marks["year"].width == pytest.approx(365 * scale, abs=0.1)
    assert marks["june"].x == pytest.approx(days(start, datetime.date(2023, 6, 1)) * scale, abs=0.1)
    assert marks["june"].width == pytest.approx(30 * scale, abs=0.1)
    # Width is proportional to the length of the span.
    assert marks["june"].width / marks["year"].width == pytest.approx(30 / 365, rel=0.01)


def test_spans_of_different_lengths_share_one_scale():
    drawn, marks = single_lane(
        [
            entry("2024-02", 10, title="leap february"),
            entry("2023-04", 20, title="april"),
            entry("2024", 30, title="leap year"),
        ]
    )
    lengths = {"leap february": 29, "april": 30, "leap year": 366}
    scales = {title: marks[title].width / length for title, length in lengths.items()}
    assert max(scales.values()) == pytest.approx(min(scales.values()), rel=0.01)
    assert drawn["first"] == 2023 and drawn["last"] == 2024
    assert [tick["year"] for tick in drawn["years"]] == [2023, 2024]


def test_day_entries_are_dots_placed_at_their_day():
    drawn, marks = single_lane(
        [entry("2023", 10, title="year"), entry("2023-07-02", 20, title="day")]
    )
    scale = (WIDTH - 16) / 365
    dot = marks["day"]
    assert not dot.is_span
    assert dot.width == 0
    expected = days(datetime.date(2023, 1, 1), datetime.date(2023, 7, 2)) * scale
    assert dot.x == pytest.approx(expected, abs=0.1)


def test_a_very_short_span_is_still_visible():
    # One month on a 35-year axis would be under 2 units wide.
    _, marks = single_lane([entry("1990", 10), entry("2024-02", 20, title="short")])
    assert marks["short"].width == 3


def test_overlapping_marks_in_a_lane_go_on_separate_rows():
    drawn, marks = single_lane(
        [
            entry("2023", 10, title="year"),
            entry("2023-06", 20, title="june, inside the year"),
            entry("2024-06-01", 30, title="later dot"),
            entry("2024-06-02", 40, title="next day dot"),
        ]
    )
    rows = {title: mark.y for title, mark in marks.items()}
    assert rows["june, inside the year"] != rows["year"]
    # Once the year span has ended, its row is free again.
    assert rows["later dot"] == rows["year"]
    # Dots a day apart would overlap.
    assert rows["next day dot"] != rows["later dot"]
    assert len(set(rows.values())) == 2
    assert drawn["height"] == AXIS_HEIGHT + 2 * ROW_HEIGHT + LANE_GAP


def test_marks_that_do_not_overlap_share_a_row():
    drawn, marks = single_lane(
        [entry("2023-01", 10), entry("2023-06", 20), entry("2023-11-15", 30)]
    )
    assert len({mark.y for mark in marks.values()}) == 1
    assert drawn["height"] == AXIS_HEIGHT + ROW_HEIGHT + LANE_GAP
    assert drawn["lanes"] == []  # one unlabelled lane on a case page


def test_the_cross_case_overview_has_one_lane_per_case():
    filings = [
        entry("2023-06", 10, CASE_A, title="A complaint"),
        entry("2023-06", 10, CASE_B, title="B filing, same month"),
        entry("2025-05-29", 20, CASE_A, title="A dismissal"),
        entry(None, 30, CASE_B, title="B undated"),
    ]
    drawn = overview(filings, lane_of=lambda f: f.case.caption)
    assert [lane["label"] for lane in drawn["lanes"]] == [CASE_A.caption, CASE_B.caption]
    marks = {mark.filing.title: mark for mark in drawn["marks"]}
    lane_a, lane_b = (lane["y"] for lane in drawn["lanes"])
    assert marks["A complaint"].y == marks["A dismissal"].y == lane_a
    # The same month in another case is not stacked: it is in its own lane.
    assert marks["B filing, same month"].y == lane_b > lane_a
    assert lane_b - lane_a == ROW_HEIGHT + LANE_GAP
    # Room is kept on the left for the lane labels.
    assert min(mark.x for mark in drawn["marks"]) >= LABEL_WIDTH
    assert drawn["undated"] == 1


def test_undated_entries_are_counted_but_not_drawn():
    filings = [entry("2024-04", 10), entry(None, 20), entry(None, 30, CASE_B)]
    drawn = overview(filings)
    assert drawn["undated"] == 2
    assert len(drawn["marks"]) == 1


def test_no_overview_without_a_dated_entry():
    assert overview([entry(None, 10)]) is None
    assert overview([]) is None


def test_the_legend_lists_each_kind_drawn_once_by_label():
    drawn = overview(
        [
            entry("2023-06", 10, kind=Filing.Kind.COMPLAINT),
            entry("2024", 20, kind=Filing.Kind.STAY_REQUEST),
            entry("2024-05", 30, kind=Filing.Kind.STAY_REQUEST),
            entry(None, 40, kind=Filing.Kind.ORDER),
        ]
    )
    assert drawn["kinds"] == [("complaint", "Complaint"), ("stay_request", "Stay request")]


# overview: year ticks and the ends of the axis


def test_a_short_axis_has_a_tick_every_year():
    assert tick_years(2005, 2024) == list(range(2005, 2025))  # 20 years: MAX_TICKS
    assert tick_years(2023, 2023) == [2023]


def test_a_long_axis_has_a_tick_every_few_round_years():
    assert tick_years(2004, 2024) == list(range(2004, 2025, 2))
    assert tick_years(MIN_YEAR, MAX_YEAR) == list(range(1900, 2101, 20))
    assert tick_years(1, 9999) == list(range(500, 10_000, 500))


@given(st.integers(1, 9999), st.integers(0, 9998))
def test_ticks_are_few_evenly_spaced_years_on_the_axis(first, length):
    last = min(first + length, 9999)
    years = tick_years(first, last)
    assert 1 <= len(years) <= MAX_TICKS
    assert first <= years[0] and years[-1] <= last
    assert len({b - a for a, b in itertools.pairwise(years)}) <= 1


@pytest.mark.parametrize(
    "dates",
    [
        [f"{MIN_YEAR}-01-01", f"{MAX_YEAR}"],
        [f"{MIN_YEAR}", f"{MAX_YEAR}-12-31"],
        # The type's own limits: a row stored before the range was enforced.
        ["0001-01-01", "9999"],
        ["0001", "9999-12-31"],
    ],
)
def test_an_overview_across_the_widest_axis_fits_its_width(dates):
    drawn, marks = single_lane([entry(date, 10 * n, title=date) for n, date in enumerate(dates)])
    first, last = marks[dates[0]], marks[dates[1]]
    assert first.x == 0
    # The last mark ends at the right edge, less the room for a flag.
    end = last.x + last.width if last.is_span else last.x
    assert end == pytest.approx(WIDTH - 16, abs=3)
    assert len(drawn["years"]) <= MAX_TICKS
    assert all(0 <= tick["x"] <= WIDTH for tick in drawn["years"])
    assert (drawn["first"], drawn["last"]) == (int(dates[0][:4]), int(dates[1][:4]))


# The cross-case timeline page (/timeline/)


def lane_labels(html):
    """The overview's lane labels, as a reader sees them."""
    return [text.text for text in parse(html).find("svg").find_all("text", cls="lane-label")]


def test_timeline_groups_every_entry_under_month_headings(client, seeded):
    groups = month_groups(get(client, "/timeline/"))
    assert [label for label, _titles in groups] == [
        "June 2023",
        "November 2023",
        "April 2024",
        "September 2024",
        "2025, month not known",
        "February 2025",
        "May 2025",
        "Date not known",
    ]
    by_label = dict(groups)
    assert by_label["June 2023"] == ["SEC sues Binance, Zhao and two US affiliates"]
    assert by_label["2025, month not known"] == [
        "Joint motion to pause the case for 60 days",
        "Second request to pause the case",
    ]
    assert set(by_label["Date not known"]) == titles_of(
        "binance-response",
        "ruling-on-claims",
        "binance-welcomes-dismissal",
        "case-closed",
        "proceedings-begin",
    )
    assert sum(len(titles) for _label, titles in groups) == Filing.objects.count()


def test_timeline_newest_first_reverses_the_months_and_keeps_undated_last(client, seeded):
    groups = month_groups(get(client, "/timeline/?order=newest"))
    labels = [label for label, _titles in groups]
    assert labels[:2] == ["May 2025", "February 2025"]
    assert labels[-2:] == ["June 2023", "Date not known"]


def test_timeline_entries_name_their_case(client, seeded):
    html = get(client, "/timeline/")
    block = next(li.inner for li in entry_elements(html) if "Zhao released from prison" in li.text)
    assert '<a href="/cases/doj-binance-criminal/">DOJ and FinCEN criminal resolution' in block


def test_timeline_for_february_2025_has_the_coinbase_dismissal_not_the_binance_one(client, seeded):
    html = get(client, "/timeline/?after=2025-02&before=2025-02")
    shown = set(entry_titles(html))
    assert "SEC drops its case against Coinbase" in shown
    assert "Joint stipulation dismisses the case with prejudice" not in shown
    # Entries known only as "2025" may fall in February, so they are kept.
    assert shown == titles_of("sec-drops-case", "stay-motion", "second-stay-request")
    assert "3 entries." in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("agency=doj", {"plea", "zhao-sentenced", "zhao-released"}),
        ("agency=fincen", {"plea", "zhao-sentenced", "zhao-released"}),
        ("agency=ddc", set(BINANCE_ORDER)),
        (
            "agency=sec",
            set(BINANCE_ORDER) | {"sec-drops-case", "case-closed", "proceedings-begin"},
        ),
        ("agency=nydfs", set()),
        ("party=changpeng-zhao", set(BINANCE_ORDER) | {"plea", "zhao-sentenced", "zhao-released"}),
        ("party=amy-berman-jackson", set(BINANCE_ORDER)),
        ("party=coinbase", {"sec-drops-case"}),
        ("kind=stay_request", {"stay-motion", "second-stay-request"}),
        ("kind=statement", {"binance-response", "binance-welcomes-dismissal"}),
        ("after=2025-05", {"dismissal", "stay-motion", "second-stay-request"}),
        ("before=2023", {"complaint", "plea"}),
        ("after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("party=changpeng-zhao&after=2024&before=2024", {"zhao-sentenced", "zhao-released"}),
        ("agency=sec&kind=stay_request&after=2025", {"stay-motion", "second-stay-request"}),
        ("agency=sec&kind=other", {"sec-drops-case", "case-closed", "proceedings-begin"}),
        ("agency=doj&party=changpeng-zhao&kind=sentencing", {"zhao-sentenced"}),
        ("party=binance-holdings&before=2023-12", {"complaint", "plea"}),
        (
            "agency=sec&after=2025-02&before=2025-02",
            {"sec-drops-case", "stay-motion", "second-stay-request"},
        ),
        ("agency=doj&after=2025", set()),
    ],
)
def test_timeline_filters_alone_and_combined(client, seeded, query, expected):
    html = get(client, f"/timeline/?{query}")
    shown = entry_titles(html)
    assert len(shown) == len(set(shown)), "an entry is listed twice"
    assert set(shown) == titles_of(*expected)


@pytest.mark.parametrize(
    "query, message",
    [
        ("after=2025-13", "month 13 is not between 1 and 12"),
        ("before=soon", "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD"),
        ("agency=nope", "Select a valid choice."),
        ("party=nope", "Select a valid choice."),
        ("kind=bogus", "Select a valid choice. bogus is not one of the available choices."),
        ("order=bogus", "Choose oldest first or newest first."),
    ],
)
def test_invalid_timeline_parameters_are_a_bad_request_with_the_message(
    client, seeded, query, message
):
    html = get(client, f"/timeline/?{query}", status=400)
    shown = alerts(html)
    assert any(message in alert for alert in shown), shown
    assert entry_titles(html) == []


def test_timeline_overview_has_one_lane_label_per_case_with_dated_entries(client, seeded):
    svg = between(get(client, "/timeline/"), "<svg", "</svg>")
    labels = lane_labels(get(client, "/timeline/"))
    dated_cases = Case.objects.filter(filings__date__isnull=False).distinct()
    expected = {Truncator(case.caption).chars(24) for case in dated_cases}
    assert len(labels) == len(expected) == 3
    assert set(labels) == expected
    assert '<title id="overview-title">Overview of the entries, one lane per case</title>' in svg
    assert "5 undated entries not drawn" in svg
    assert lane_labels(get(client, "/timeline/?agency=doj")) == ["DOJ and FinCEN criminal…"]


def test_timeline_order_links_keep_the_filters(client, seeded):
    html = get(client, "/timeline/?agency=sec&kind=other")
    hrefs = [link["href"] for link in Links(html).links if link["text"] == "newest first"]
    assert hrefs == ["?agency=sec&kind=other&order=newest"]
