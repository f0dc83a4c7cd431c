"""Dates known to a year, a month or a day.

Sources say "June 2023" or "May 29". A ``PartialDate`` keeps exactly what was
said: it displays at its own precision, serializes as an ISO 8601 prefix
("2023", "2023-06", "2023-06-05") and is stored as that prefix, so that the
database orders it correctly too: a prefix sorts before the dates inside it.
"""

import calendar
import datetime
import re
from dataclasses import dataclass
from functools import total_ordering

from django import forms
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import MONTHS

# The years the record accepts, inclusive. Its enforcement actions are modern:
# 1900 leaves room for the oldest statutes and precedents an entry may cite, 2100
# for deadlines and terms set decades ahead. A year beyond is a typo ("9999",
# "0001"). The bounds also keep every date far from datetime.date's own limits
# (years 1 to 9999), so that the day after a last day, an overview axis or an
# iCalendar DTEND can always be computed. Forms, full_clean and loaddata refuse
# years outside (the field's to_python); the PartialDate type itself still
# holds any year datetime.date can, so that a row stored before the range was
# enforced can be read, shown and corrected.
MIN_YEAR = 1900
MAX_YEAR = 2100

# re.ASCII: without it \d also matches other scripts' digits, such as "２０２３".
ISO_PREFIX = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


@total_ordering
@dataclass(frozen=True, eq=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    class Precision:
        YEAR = "year"
        MONTH = "month"
        DAY = "day"

    def __post_init__(self):
        if not 1 <= self.year <= 9999:
            raise ValueError(f"year {self.year} is out of range")
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        if self.month is not None and not 1 <= self.month <= 12:
            raise ValueError(f"month {self.month} is not between 1 and 12")
        if self.day is not None:
            last = calendar.monthrange(self.year, self.month)[1]
            if not 1 <= self.day <= last:
                month = f"{MONTHS[self.month]} {self.year}"
                raise ValueError(f"{month} has {last} days, so there is no day {self.day}")

    @classmethod
    def parse(cls, value):
        """Parse "YYYY", "YYYY-MM" or "YYYY-MM-DD"; raise ValueError otherwise."""
        match = ISO_PREFIX.match(value.strip()) if isinstance(value, str) else None
        if not match:
            raise ValueError(f"{value!r} is not a date like 2023, 2023-06 or 2023-06-05")
        year, month, day = (int(part) if part else None for part in match.groups())
        return cls(year, month, day)

    @classmethod
    def coerce(cls, value):
        """Return a PartialDate (or None) from a string, date or PartialDate."""
        if value is None or value == "" or isinstance(value, cls):
            return value or None
        if isinstance(value, datetime.date):
            return cls(value.year, value.month, value.day)
        return cls.parse(value)

    @property
    def is_in_range(self):
        """Whether the record accepts this date: its year is MIN_YEAR to MAX_YEAR."""
        return MIN_YEAR <= self.year <= MAX_YEAR

    @property
    def precision(self):
        if self.day is not None:
            return self.Precision.DAY
        if self.month is not None:
            return self.Precision.MONTH
        return self.Precision.YEAR

    @property
    def iso(self):
        """The ISO 8601 prefix for machines: "2023", "2023-06" or "2023-06-05"."""
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def first_day(self):
        return datetime.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self):
        month = self.month or 12
        return datetime.date(self.year, month, self.day or calendar.monthrange(self.year, month)[1])

    def prefixes(self):
        """This date and every coarser date that contains it, coarsest first."""
        values = [PartialDate(self.year)]
        if self.month is not None:
            values.append(PartialDate(self.year, self.month))
        if self.day is not None:
            values.append(self)
        return values

    def agrees_with(self, other):
        """True when both could be the same day: one is a prefix of the other.

        "2025-05" agrees with "2025-05-29"; "2024-05" does not.
        """
        # Field by field where both have one: the same as comparing ISO prefixes,
        # without building strings (a dispute check compares every version).
        pairs = ((self.year, other.year), (self.month, other.month), (self.day, other.day))
        return all(a == b for a, b in pairs if a is not None and b is not None)

    def sort_key(self):
        # A coarser date sorts before the finer dates inside it: the explicit
        # tiebreak between "2023-06" and "2023-06-05".
        return (self.year, self.month or 0, self.day or 0)

    def __lt__(self, other):
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key() < other.sort_key()

    def __str__(self):
        """Display at its own precision: "2023", "June 2023", "May 29, 2025"."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{month} {self.day}, {self.year}"


def _to_partial_date(value):
    """Any PartialDate (or None), for saving and for lookups."""
    try:
        return PartialDate.coerce(value)
    except ValueError as exc:
        raise ValidationError(
            "Enter a date as YYYY, YYYY-MM or YYYY-MM-DD (%(problem)s).",
            code="invalid_partial_date",
            params={"problem": exc},
        ) from None


def _to_accepted_partial_date(value):
    """A PartialDate (or None) that the record accepts, for values coming in."""
    date = _to_partial_date(value)
    if date and not date.is_in_range:
        raise ValidationError(
            "Enter a year from %(min)s to %(max)s: %(date)s is outside the years "
            "this record accepts.",
            code="partial_date_out_of_range",
            params={"min": MIN_YEAR, "max": MAX_YEAR, "date": date.iso},
        )
    return date


class PartialDateFormField(forms.CharField):
    """A partial date typed as its ISO prefix or, with ``written=True`` (the editors' forms:
    the model field's form field), also as a date is written: "October 2024", "May 29,
    2025" (core.date_mentions.parse_date). The value is the PartialDate, shown back as
    its ISO prefix. Filters in URLs keep the ISO prefix alone, so a page has one address.
    """

    def __init__(self, *, written=False, **kwargs):
        # No max_length: its validator would measure the parsed PartialDate.
        kwargs.pop("max_length", None)
        self.written = written
        hint = f"YYYY, YYYY-MM or YYYY-MM-DD, from {MIN_YEAR} to {MAX_YEAR}"
        if written:
            hint = (
                "As YYYY, YYYY-MM or YYYY-MM-DD, or as written (October 2024, May 29, 2025); "
                f"years {MIN_YEAR} to {MAX_YEAR}."
            )
            given = kwargs.get("help_text")
            kwargs["help_text"] = f"{given} {hint}" if given else hint
        kwargs.setdefault("help_text", hint)
        super().__init__(**kwargs)
        # Room for any date as written: a browser cuts what is typed at maxlength, and
        # "October 2024" must reach to_python whole, to be read or quoted in an error.
        self.widget.attrs.setdefault("maxlength", "40")

    def prepare_value(self, value):
        return value.iso if isinstance(value, PartialDate) else value

    def to_python(self, value):
        value = super().to_python(value)
        if not self.written or not value:
            return _to_accepted_partial_date(value)
        # Imported here: date_mentions builds on this module's PartialDate.
        from .date_mentions import parse_date

        try:
            date = parse_date(value)
        except ValueError as exc:
            raise ValidationError(
                "%(problem)s", code="invalid_partial_date", params={"problem": exc}
            ) from None
        if not date.is_in_range:
            raise ValidationError(
                "Enter a year from %(min)s to %(max)s: %(value)s is outside the years this "
                "record accepts.",
                code="partial_date_out_of_range",
                params={"min": MIN_YEAR, "max": MAX_YEAR, "value": value},
            )
        return date


class PartialDateField(models.CharField):
    """A PartialDate stored as its ISO prefix, which sorts chronologically."""

    description = "A date known to the year, month or day"

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)
        # CharField adds a MaxLengthValidator, but validators see the parsed
        # PartialDate, which has no len(): full_clean() would raise TypeError.
        # The ISO prefix is at most 10 characters by construction.
        self.validators[:] = [
            v for v in self.validators if not isinstance(v, validators.MaxLengthValidator)
        ]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        return PartialDate.parse(value) if value else None

    def to_python(self, value):
        # What comes in (forms, full_clean, loaddata's deserializer) must be in
        # range; reading a stored row (from_db_value) and lookups need not be.
        return _to_accepted_partial_date(value)

    def get_prep_value(self, value):
        value = _to_partial_date(value)
        return value.iso if value else None

    def value_to_string(self, obj):
        value = self.value_from_object(obj)
        return value.iso if value else None

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PartialDateFormField, "written": True, **kwargs})
