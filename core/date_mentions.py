"""Dates stated in a source's paragraph, at the precision the words give.

STUB by the lead: the interface is fixed; the detection is being written (issue 14, point 4).
"""

import re
from dataclasses import dataclass

from .partial_dates import PartialDate

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
_MONTH = "|".join(MONTH_NAMES)
_PATTERN = re.compile(rf"\b(?:({_MONTH})(?:\s+(\d{{1,2}}))?(?:,?\s+(\d{{4}}))?|(\d{{4}}))\b")


@dataclass(frozen=True)
class DateMention:
    """One date expression in a paragraph: where it is, what it says, how precisely."""

    start: int  # character offsets in the paragraph: paragraph[start:end] == text
    end: int
    text: str
    year: int | None  # None when the words give no year ("May 29", "this April")
    month: int | None = None
    day: int | None = None

    @property
    def has_year(self):
        return self.year is not None

    @property
    def precision(self):
        """ "year", "month" or "day" (a year-less "May 29" is a day)."""
        if self.day is not None:
            return PartialDate.Precision.DAY
        if self.month is not None:
            return PartialDate.Precision.MONTH
        return PartialDate.Precision.YEAR

    @property
    def iso(self):
        """An ISO 8601 prefix ("2023-06"), or "--MM-DD" / "--MM" when no year is given."""
        if self.year is None:
            return f"--{self.month:02d}" + (f"-{self.day:02d}" if self.day else "")
        return PartialDate(self.year, self.month, self.day).iso

    @property
    def date(self):
        """The PartialDate it states, or None when it gives no year."""
        return PartialDate(self.year, self.month, self.day) if self.year else None

    def matches(self, partial_date):
        """Whether a citation's reported date is this date: the same date at the same
        precision or, for a year-less mention, the same month (and day) in any year."""
        if partial_date is None:
            return False
        if self.year is None:
            return (partial_date.month, partial_date.day) == (self.month, self.day)
        return partial_date == self.date


def find_dates(paragraph):
    """Every date expression in the paragraph, in order."""
    found = []
    for match in _PATTERN.finditer(paragraph):
        month, day, year, bare_year = match.groups()
        if bare_year:
            found.append(DateMention(match.start(), match.end(), match[0], int(bare_year)))
            continue
        number = MONTH_NAMES.index(month) + 1
        found.append(
            DateMention(
                match.start(),
                match.end(),
                match[0],
                int(year) if year else None,
                number,
                int(day) if day else None,
            )
        )
    return found


def parse_date(value):
    """A PartialDate from what an editor typed: "2024-10", "October 2024", "May 29, 2025".

    Raises ValueError, with a message for the editor, for anything else.
    """
    try:
        return PartialDate.parse(value)
    except ValueError:
        pass
    mentions = find_dates(value.strip())
    if len(mentions) == 1 and mentions[0].text == value.strip() and mentions[0].has_year:
        return mentions[0].date
    raise ValueError(f"{value!r} is not a date like 2023, June 2023 or June 5, 2023")
