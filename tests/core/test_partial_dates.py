"""PartialDate: parsing, display, spans, ordering, agreement, the model field and the form
field."""

import datetime
import random
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.forms import modelform_factory
from hypothesis import given
from hypothesis import strategies as st

from cases.models import Case
from core.partial_dates import PartialDate, PartialDateFormField
from filings.models import Filing
from tests.helpers import admin_form_data, change_url

P = PartialDate.parse


@st.composite
def partial_dates(draw, min_year=1, max_year=9999):
    """Any valid PartialDate: a random day, kept to a random precision."""
    day = draw(
        st.dates(datetime.date(min_year, 1, 1), datetime.date(max_year, 12, 31)),
    )
    precision = draw(st.sampled_from(["year", "month", "day"]))
    if precision == "year":
        return PartialDate(day.year)
    if precision == "month":
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


# Pairs from a narrow range, so that agreeing pairs are common.
nearby_partial_dates = partial_dates(min_year=2023, max_year=2024)


# Parsing


@pytest.mark.parametrize(
    "text, expected, precision",
    [
        ("2023", PartialDate(2023), "year"),
        ("2023-06", PartialDate(2023, 6), "month"),
        ("2023-06-05", PartialDate(2023, 6, 5), "day"),
    ],
)
def test_parse_keeps_the_precision_given(text, expected, precision):
    parsed = P(text)
    assert parsed == expected
    assert parsed.precision == precision


@pytest.mark.parametrize(
    "text",
    [
        "2023-13",  # no such month
        "2023-00",
        "2023-02-30",  # no such day
        "2023-06-31",
        "2023-06-00",
        "0000",  # no year zero
        "2023-6",  # month needs two digits
        "2023-06-5",
        "23",
        "20230",
        "",
        "2023-06-05T00:00",
        "2023/06/05",
        "abcd",
        "２０２３",  # fullwidth digits are not ISO 8601
        "٢٠٢٣-٠٦",  # nor Arabic-Indic ones
        None,
        20230605,
    ],
)
def test_parse_rejects_malformed_and_impossible_dates(text):
    with pytest.raises(ValueError):
        P(text)


@pytest.mark.parametrize(
    "text, valid",
    [
        ("2024-02-29", True),
        ("2000-02-29", True),  # divisible by 400
        ("2023-02-29", False),
        ("1900-02-29", False),  # divisible by 100 only
    ],
)
def test_february_29_exists_only_in_leap_years(text, valid):
    if valid:
        assert P(text).day == 29
    else:
        with pytest.raises(ValueError, match="has 28 days, so there is no day 29"):
            P(text)


def test_a_day_without_a_month_is_rejected():
    with pytest.raises(ValueError, match="a day needs a month"):
        PartialDate(2023, None, 5)


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        ("2023-06", PartialDate(2023, 6)),
        (PartialDate(2023), PartialDate(2023)),
        (datetime.date(2023, 6, 5), PartialDate(2023, 6, 5)),
    ],
)
def test_coerce_accepts_strings_dates_and_partial_dates_and_maps_empty_to_none(value, expected):
    assert PartialDate.coerce(value) == expected


# Display


@pytest.mark.parametrize(
    "text, shown",
    [("2023", "2023"), ("2023-06", "June 2023"), ("2025-05-29", "May 29, 2025")],
)
def test_display_is_at_the_dates_own_precision(text, shown):
    assert str(P(text)) == shown


def test_a_month_is_never_displayed_as_its_first_day():
    shown = str(P("2023-06"))
    assert shown == "June 2023"
    assert "1" not in shown.replace("2023", "")
    assert str(P("2023")) == "2023"  # and a year is not "January 1, 2023"


# ISO round trip and spans


@pytest.mark.parametrize("text", ["2023", "2023-06", "2023-06-05", "0001", "9999-12-31"])
def test_iso_round_trips(text):
    assert P(text).iso == text
    assert P(P(text).iso) == P(text)


@pytest.mark.parametrize(
    "text, first, last",
    [
        ("2023", "2023-01-01", "2023-12-31"),
        ("2024", "2024-01-01", "2024-12-31"),
        ("2023-06", "2023-06-01", "2023-06-30"),
        ("2023-12", "2023-12-01", "2023-12-31"),
        ("2023-02", "2023-02-01", "2023-02-28"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2000-02", "2000-02-01", "2000-02-29"),
        ("1900-02", "1900-02-01", "1900-02-28"),
        ("2025-05-29", "2025-05-29", "2025-05-29"),
    ],
)
def test_first_day_and_last_day_span_the_period(text, first, last):
    assert P(text).first_day == datetime.date.fromisoformat(first)
    assert P(text).last_day == datetime.date.fromisoformat(last)


# Ordering

CHRONOLOGICAL = [
    "2022-12-31",
    "2023",
    "2023-01",
    "2023-01-01",
    "2023-01-02",
    "2023-02",
    "2023-06",
    "2023-06-05",
    "2023-06-30",
    "2023-12-31",
    "2024",
    "2024-02-29",
]


def test_a_coarser_date_sorts_before_the_finer_dates_inside_it():
    assert P("2023") < P("2023-01") < P("2023-01-01")
    assert P("2023-06") < P("2023-06-01")
    assert P("2023-12-31") < P("2024") < P("2024-01")


def test_dates_otherwise_sort_chronologically():
    dates = [P(text) for text in CHRONOLOGICAL]
    shuffled = random.Random(0).sample(dates, len(dates))
    assert sorted(shuffled) == dates


def test_sorting_iso_strings_gives_the_same_order_as_sorting_dates():
    # This is why the database, which sorts the stored strings, orders correctly.
    shuffled = random.Random(1).sample(CHRONOLOGICAL, len(CHRONOLOGICAL))
    assert sorted(shuffled) == [d.iso for d in sorted(P(text) for text in shuffled)]


# Agreement


@pytest.mark.parametrize(
    "a, b, agree",
    [
        ("2025-05", "2025-05-29", True),
        ("2024-05", "2025-05-29", False),
        ("2025", "2025-12-31", True),
        ("2025", "2025-05", True),
        ("2025-05-29", "2025-05-29", True),
        ("2025-05-29", "2025-05-30", False),
        ("2025-05", "2025-06", False),
        ("2025-05", "2025-06-01", False),
        ("2024", "2025-01-01", False),
    ],
)
def test_agreement_means_one_date_can_be_inside_the_other(a, b, agree):
    assert P(a).agrees_with(P(b)) is agree
    assert P(b).agrees_with(P(a)) is agree


# Properties


@given(partial_dates())
def test_parse_of_iso_round_trips_for_any_date(date):
    assert P(date.iso) == date
    assert P(date.iso).iso == date.iso


@given(st.from_regex(r"\A\d{4}(-\d{2}(-\d{2})?)?\Z"))
def test_anything_that_parses_is_its_own_iso(text):
    # \d in the generator includes other scripts' digits; they must not parse.
    try:
        parsed = P(text)
    except ValueError:
        return
    assert parsed.iso == text


@given(st.lists(partial_dates()))
def test_iso_strings_sort_in_the_same_order_as_dates(dates):
    assert sorted(d.iso for d in dates) == [d.iso for d in sorted(dates)]


@given(partial_dates(), partial_dates())
def test_comparing_dates_agrees_with_comparing_iso_strings(a, b):
    assert (a < b) == (a.iso < b.iso)
    assert (a == b) == (a.iso == b.iso)


@given(nearby_partial_dates, nearby_partial_dates)
def test_agreement_is_symmetric_and_means_the_spans_overlap(a, b):
    assert a.agrees_with(b) == b.agrees_with(a)
    overlap = a.first_day <= b.last_day and b.first_day <= a.last_day
    assert a.agrees_with(b) == overlap


@given(partial_dates())
def test_every_date_agrees_with_and_lies_inside_each_of_its_prefixes(date):
    prefixes = date.prefixes()
    assert prefixes[0] == PartialDate(date.year)
    assert prefixes[-1] == date
    assert [p.precision for p in prefixes] == ["year", "month", "day"][: len(prefixes)]
    for prefix in prefixes:
        assert date.agrees_with(prefix)
        assert prefix.agrees_with(date)
        assert prefix <= date
        assert prefix.first_day <= date.first_day <= date.last_day <= prefix.last_day


@given(partial_dates())
def test_first_and_last_day_are_the_bounds_of_the_span(date):
    first, last = date.first_day, date.last_day
    assert first <= last
    assert date.agrees_with(PartialDate.coerce(first))
    assert date.agrees_with(PartialDate.coerce(last))
    if first > datetime.date.min:
        assert not date.agrees_with(PartialDate.coerce(first - datetime.timedelta(days=1)))
    if last < datetime.date.max:
        assert not date.agrees_with(PartialDate.coerce(last + datetime.timedelta(days=1)))


# The model field


def make_case(slug, filed=None):
    return Case.objects.create(
        caption=f"Case {slug}", slug=slug, kind="civil", status="active", filed=filed
    )


def stored_values(table, column):
    """The raw column values, bypassing the field's conversion."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table}")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "value, expected",
    [
        ("2023", PartialDate(2023)),
        ("2023-06", PartialDate(2023, 6)),
        ("2023-06-05", PartialDate(2023, 6, 5)),
        (PartialDate(2024, 2, 29), PartialDate(2024, 2, 29)),
        (datetime.date(2024, 2, 29), PartialDate(2024, 2, 29)),
        (None, None),
        ("", None),
    ],
)
def test_saved_partial_date_reads_back_equal(value, expected):
    case = make_case("sec-v-example", filed=value)
    filing = Filing.objects.create(case=case, slug="f", sequence=10, kind="order", title="T")
    filing.date = value
    filing.save()

    assert Case.objects.get(pk=case.pk).filed == expected
    assert Filing.objects.get(pk=filing.pk).date == expected
    iso = expected.iso if expected else None
    assert stored_values("cases_case", "filed") == {iso}
    assert stored_values("filings_filing", "date") == {iso}


@pytest.mark.django_db
def test_ordering_by_the_field_is_chronological_with_coarser_first():
    shuffled = random.Random(2).sample(CHRONOLOGICAL, len(CHRONOLOGICAL))
    for n, text in enumerate(shuffled):
        make_case(f"case-{n}", filed=text)

    ordered = list(Case.objects.order_by("filed").values_list("filed", flat=True))
    assert ordered == [P(text) for text in CHRONOLOGICAL]
    latest = list(Case.objects.order_by("-filed").values_list("filed", flat=True))
    assert latest == ordered[::-1]


@pytest.mark.django_db
@pytest.mark.parametrize("bound", ["2024-05", PartialDate(2024, 5)])
def test_filtering_by_a_partial_date_compares_chronologically(bound):
    for text in ["2024", "2024-04", "2024-04-30", "2024-05", "2024-05-01", "2024-06", "2025"]:
        make_case(text, filed=text)

    later = Case.objects.filter(filed__gte=bound).order_by("filed")
    assert [c.filed.iso for c in later] == ["2024-05", "2024-05-01", "2024-06", "2025"]
    earlier = Case.objects.filter(filed__lt=bound).order_by("filed")
    assert [c.filed.iso for c in earlier] == ["2024", "2024-04", "2024-04-30"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2023-13", "2023-02-30", "2023-6", "June 2023"])
def test_full_clean_rejects_an_invalid_partial_date_naming_the_field(value):
    case = Case(caption="C", slug="c", kind="civil", status="active", filed=value)
    with pytest.raises(ValidationError) as raised:
        case.full_clean()
    assert list(raised.value.message_dict) == ["filed"]
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in raised.value.message_dict["filed"][0]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["2023", "2023-06", "2024-02-29"])
def test_full_clean_and_model_forms_accept_a_valid_partial_date(value):
    # Regression: CharField's MaxLengthValidator called len() on the PartialDate.
    case = Case(caption="C", slug="c", kind="civil", status="active", filed=value)
    case.full_clean()
    assert case.filed == P(value)

    form_class = modelform_factory(Case, fields=["caption", "slug", "kind", "status", "filed"])
    form = form_class(
        data={"caption": "C", "slug": "c", "kind": "civil", "status": "active", "filed": value}
    )
    assert form.is_valid(), form.errors
    assert form.save().filed == P(value)


# The form field: what editors type


@pytest.mark.parametrize(
    "typed, expected",
    [("2024-10", "2024-10"), ("October 2024", "2024-10"), ("29 May 2025", "2025-05-29")],
)
def test_an_editors_date_input_takes_an_iso_prefix_or_a_date_as_written(typed, expected):
    field = PartialDateFormField(written=True)
    assert field.clean(typed) == P(expected)
    assert field.prepare_value(field.clean(typed)) == expected  # shown back as ISO


def test_a_filters_date_input_takes_the_iso_prefix_only():
    field = PartialDateFormField()
    assert field.clean("2024-10") == P("2024-10")
    with pytest.raises(ValidationError) as raised:
        field.clean("October 2024")
    assert "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD" in raised.value.messages[0]


def test_a_year_outside_the_record_is_an_error_quoting_what_was_typed():
    with pytest.raises(ValidationError) as raised:
        PartialDateFormField(written=True).clean("October 2245")
    assert raised.value.messages == [
        "Enter a year from 1900 to 2100: October 2245 is outside the years this record accepts."
    ]


def test_date_inputs_leave_room_for_a_date_as_written_and_say_both_forms_are_accepted():
    field = Filing._meta.get_field("date").formfield()
    assert field.widget.attrs["maxlength"] == "40"
    assert field.help_text.startswith(Filing._meta.get_field("date").help_text)
    assert "or as written (October 2024, May 29, 2025)" in field.help_text


@pytest.mark.django_db
def test_fixtures_keep_the_iso_prefix_a_date_as_written_is_refused_by_the_model_field():
    with pytest.raises(ValidationError):
        Filing._meta.get_field("date").to_python("October 2024")


def post_entry_date(client, typed):
    """Post the dismissal's admin change form with its date typed as given."""
    dismissal = Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")
    page = client.get(change_url(dismissal))
    return client.post(change_url(dismissal), admin_form_data(page, date=typed))


def test_an_entry_dated_october_2024_in_the_admin_is_saved_as_2024_10(editor_client, seeded):
    response = post_entry_date(editor_client, "October 2024")
    assert response.status_code == 302
    dismissal = Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")
    assert dismissal.date.iso == "2024-10"
    assert (
        'name="date" value="2024-10"' in editor_client.get(change_url(dismissal)).content.decode()
    )


@pytest.mark.parametrize(
    "typed, error",
    [
        ("May 29", "Give the year: “May 29” does not say which year. Type it as May 29, YYYY."),
        ("October 20245", "“October 20245” is not one."),
    ],
)
def test_an_entry_date_the_admin_cannot_read_is_an_error_that_quotes_it_uncut(
    editor_client, seeded, typed, error
):
    before = Filing.objects.get(case__slug="sec-v-binance", slug="dismissal").date
    response = post_entry_date(editor_client, typed)
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["date"]
    assert message.endswith(error)
    assert f'name="date" value="{typed}"' in response.content.decode()  # as typed, not cut
    assert Filing.objects.get(case__slug="sec-v-binance", slug="dismissal").date == before


def test_the_admin_date_input_has_no_ten_character_limit(editor_client, seeded):
    page = editor_client.get("/admin/filings/filing/add/").content.decode()
    [date_input] = re.findall(r'<input[^>]*name="date"[^>]*>', page)
    assert 'maxlength="40"' in date_input and 'maxlength="10"' not in page
