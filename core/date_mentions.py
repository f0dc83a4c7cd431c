"""Dates stated in a source's paragraph, at the precision the words give.

Decision: a small grammar of regular expressions, not a library. dateparser's
search_dates reads short words and bare numbers as dates ("a", "are", "73 20"), returns
the matched words but not where they are, and fills a missing year or day from today;
the edtf package's notation for seasons and approximations ("2023-22", "2024~") is more
than a PartialDate holds. The grammar finds only the forms below, with exact offsets.

The forms, in English as news articles write them (month names capitalized):

- a day: "December 22, 2020", "May 29th", "29 May 2025", "the 29th of May", "2025-05-29";
- a month: "June 2023", "Feb. 2024", "June of 2023", and each month of a list or a
  range that ends in a year ("February and April 2024", "June-July 2023");
- a year: a four-digit number from MIN_YEAR to MAX_YEAR that stands alone: not part of a
  longer number, an amount ("$2021", "2021.5"), a percentage, a docket number, a range
  of numbers ("2023-24") or a numbered section ("Section 2021", "No. 2021");
- no more precise than a year or a month: "the summer of 2023", "late 2024", "mid-2023",
  "Q3 2024", "early May 2025". The words before the date are the mention's
  ``qualifier`` and its span covers them;
- no year: "May 29", "29 May", and a month alone after a word that marks it as a date
  ("this April", "in May", "since March"). The year stays None and ``note`` says so.
  A month alone with no such word ("May", "March") is not a mention.

Words that only place a date relative to the article ("last week", "yesterday", "today",
"earlier this month") are not mentions: they name no month or year.
"""

import re
from dataclasses import dataclass

from django.utils.dates import MONTHS

from .partial_dates import ISO_PREFIX, MAX_YEAR, MIN_YEAR, PartialDate

MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
ABBREVIATIONS = {
    "Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7,
    "Aug": 8, "Sept": 9, "Sep": 9, "Oct": 10, "Nov": 11, "Dec": 12,
}  # fmt: skip
MONTH_NUMBERS = {name.lower(): number for number, name in enumerate(MONTH_NAMES, 1)} | {
    name.lower(): number for name, number in ABBREVIATIONS.items()
}

# A month's name or abbreviation as a whole word; only an abbreviation takes a dot.
_MONTH = rf"(?:(?:{'|'.join(MONTH_NAMES)})\b|(?:{'|'.join(ABBREVIATIONS)})\b\.?)"
_DAY = r"(?:3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?(?!\w)(?![.:][0-9])"
_YEAR = r"[0-9]{4}(?!\w)"
_YEAR_AFTER_MONTH = rf"(?:,?\s+|\s+of\s+)(?P<year>{_YEAR})"
# Between the months of a list or a range: "February and April", "June-July".
_LIST_SEPARATOR = (
    r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|to|through|until|into)\s+|\s*[-–—/]\s*)"
)
# Words that make a month or a year approximate, and the words that go with a year only.
MONTH_QUALIFIERS = r"(?:very\s+)?(?:early|late)|mid|(?:the\s+)?(?:middle|beginning|start|end)\s+of"
YEAR_QUALIFIERS = (
    rf"{MONTH_QUALIFIERS}|(?:the\s+)?(?:first|second)\s+half\s+of"
    r"|(?:the\s+)?(?:first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of"
    r"|(?:the\s+)?(?:spring|summer|fall|autumn|winter)(?:\s+of)?|Q[1-4]"
)
# Words after which a month alone is a date: "in May"; "this April" keeps its word.
MONTH_CUES = r"in|since|until|till|by|during|through|from|before|after|between|of"
RELATIVE = r"this|last|next|past|coming"

_MONTHS = re.compile(_MONTH)
_MONTH_GROUP = re.compile(
    rf"""(?:\b(?P<cue>(?i:{MONTH_CUES}))\s+)?
    (?:\b(?P<relative>(?i:{RELATIVE}))\s+)?
    (?:\b(?P<qualifier>(?i:{MONTH_QUALIFIERS}))(?:\s+|-))?
    (?P<months>\b{_MONTH}(?:{_LIST_SEPARATOR}{_MONTH})*)
    (?:{_YEAR_AFTER_MONTH})?""",
    re.VERBOSE,
)
_MONTH_DAY = rf"\b(?P<month>{_MONTH})\s+(?P<day>{_DAY})(?:(?:,\s*|\s+)(?P<year>{_YEAR}))?"
_DAY_MONTH = (
    rf"(?<![\w$€£.,:/-])(?:the\s+)?(?P<day>{_DAY})\s+(?:of\s+)?(?P<month>{_MONTH})"
    rf"(?:,?\s+(?P<year>{_YEAR}))?"
)
_MONTH_YEAR = rf"(?P<month>{_MONTH})(?:{_YEAR_AFTER_MONTH})?"
_MONTH_DAY_RE = re.compile(_MONTH_DAY)
_DAY_MONTH_RE = re.compile(_DAY_MONTH)
_ISO_DAY = re.compile(
    r"(?<![\w.,:/-])(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})(?![\w-])"
)
_QUALIFIED_YEAR = re.compile(rf"\b(?P<qualifier>(?i:{YEAR_QUALIFIERS}))(?:\s+|-)(?P<year>{_YEAR})")
# A year on its own: not glued to a word, an amount or another number (a range of two
# years, "2019-2023", is two years), and not followed by a fraction or a percentage.
_BARE_YEAR = re.compile(
    r"(?:(?<=[0-9]{4}[-–])|(?<![\w$€£¥#§.,:/'’-])(?<!\w[–—]))"
    r"(?P<year>[0-9]{4})(?![\w%])(?![.,:/][0-9])(?![-–][0-9](?![0-9]{3}(?![0-9])))"
)
# Numbers that are counts or labels, not years: "Section 2021", "2000 percent".
NOT_A_YEAR_BEFORE = re.compile(
    r"(?:\b(?:(?i:sections?|numbers?|rules?|forms?|items?|exhibits?|chapters?|titles?|parts?"
    r"|articles?|pages?|pp?|vol|volumes?|room|suite|flight|docket)\.?|Nos?\.?|nos?\.)|[§#])\s*$"
)
NOT_A_YEAR_AFTER = re.compile(
    r"\s*(?i:percent|per\s+cent|hundred|thousand|million|billion|trillion)\b"
)
_TYPED = [re.compile(pattern, re.IGNORECASE) for pattern in (_MONTH_DAY, _DAY_MONTH, _MONTH_YEAR)]


@dataclass(frozen=True)
class DateMention:
    """One date expression in a paragraph: where it is, what it says, how precisely."""

    start: int  # character offsets in the paragraph: paragraph[start:end] == text
    end: int
    text: str
    year: int | None  # None when the words give no year ("May 29", "this April")
    month: int | None = None
    day: int | None = None
    # The words that make it approximate or relative, as written ("late", "the summer
    # of", "this"): the date is no more precise than its year (or month).
    qualifier: str | None = None

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

    @property
    def note(self):
        """A citation note for what the words leave open, or "" when they state a date."""
        if self.year is None:
            return f"Year not stated; the text gives “{self.text}”."
        if self.qualifier:
            return f"The text gives “{self.text}”, no more precise than {self.date}."
        return ""

    def matches(self, partial_date):
        """Whether a citation's reported date is this date: the same date at the same
        precision or, for a year-less mention, the same month (and day) in any year."""
        if partial_date is None:
            return False
        if self.year is None:
            return (partial_date.month, partial_date.day) == (self.month, self.day)
        return partial_date == self.date


def _is_date(year, month, day):
    """Whether the parts make a real date in the record's years; no year is any year."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return False
    try:
        PartialDate(2000 if year is None else year, month, day)  # 2000 has February 29
    except ValueError:
        return False
    return True


def _number(text):
    return int(text.rstrip("stndrh")) if text else None


def _month_groups(paragraph):
    """Each month of a list, with the year that ends the list. Without a year the months
    need a word before them ("in", "this", "early") and their full names."""
    for match in _MONTH_GROUP.finditer(paragraph):
        year = _number(match["year"])
        if year is None and not (match["cue"] or match["relative"] or match["qualifier"]):
            continue
        if not _is_date(year, 1, None):
            continue
        months = list(_MONTHS.finditer(paragraph, match.start("months"), match.end("months")))
        if year is None and any(month[0] not in MONTH_NAMES for month in months):
            continue  # "in Mar-a-Lago": an abbreviation alone is too often a name
        group = []
        for index, month in enumerate(months):
            first, last = index == 0, index == len(months) - 1
            start = month.start()
            qualifier = None
            if first and (match["relative"] or match["qualifier"]):
                start = match.start("relative" if match["relative"] else "qualifier")
                qualifier = paragraph[start : month.start()].strip(" -")
            end = match.end() if last else month.end()
            number = MONTH_NUMBERS[month[0].rstrip(".").lower()]
            group.append(
                DateMention(start, end, paragraph[start:end], year, number, None, qualifier)
            )
        yield group


def _days(paragraph):
    for pattern in (_MONTH_DAY_RE, _DAY_MONTH_RE, _ISO_DAY):
        for match in pattern.finditer(paragraph):
            month = match["month"]
            month = int(month) if month.isdigit() else MONTH_NUMBERS[month.rstrip(".").lower()]
            year, day = _number(match["year"]), _number(match["day"])
            if _is_date(year, month, day):
                yield [DateMention(match.start(), match.end(), match[0], year, month, day)]


def _years(paragraph):
    for match in _QUALIFIED_YEAR.finditer(paragraph):
        year = int(match["year"])
        if _is_date(year, None, None):
            yield [
                DateMention(
                    match.start(), match.end(), match[0], year, qualifier=match["qualifier"]
                )
            ]
    for match in _BARE_YEAR.finditer(paragraph):
        year = int(match["year"])
        if (
            _is_date(year, None, None)
            and not NOT_A_YEAR_BEFORE.search(paragraph, max(match.start() - 12, 0), match.start())
            and not NOT_A_YEAR_AFTER.match(paragraph, match.end())
        ):
            yield [DateMention(match.start(), match.end(), match[0], year)]


def find_dates(paragraph):
    """Every date expression in the paragraph, in order, none overlapping another.

    Each form's pattern proposes its matches (a list of months proposes them together);
    where proposals overlap, the one that starts first wins, and of two that start
    together the longer: "May 29, 2025" over "May 29", "the summer of 2023" over "2023".
    """
    proposals = [*_month_groups(paragraph), *_days(paragraph), *_years(paragraph)]
    proposals.sort(key=lambda group: (group[0].start, -group[-1].end))
    found, taken = [], 0
    for group in proposals:
        if group[0].start >= taken:
            found.extend(group)
            taken = group[-1].end
    return found


def _written(parts):
    return f"{MONTHS[parts[1]]} {parts[2]}, YYYY" if parts[2] else f"{MONTHS[parts[1]]} YYYY"


FORMS = "YYYY, YYYY-MM or YYYY-MM-DD, or as written, like October 2024 or May 29, 2025"


def parse_date(value):
    """A PartialDate from what an editor typed: "2024-10", "October 2024", "May 29, 2025",
    "29 May 2025" (month names in any case). Its year may be outside the record's years.

    Raises ValueError, with a message for the editor that quotes what was typed, for
    anything else; a date without a year asks for the year.
    """
    text = value.strip()
    if ISO_PREFIX.match(text):
        try:
            return PartialDate.parse(text)
        except ValueError as exc:
            raise ValueError(f"Enter a date as {FORMS}: “{text}” is not one ({exc}).") from None
    for pattern in _TYPED:
        match = pattern.fullmatch(text)
        if match:
            groups = match.groupdict()
            parts = (
                _number(match["year"]),
                MONTH_NUMBERS[match["month"].rstrip(".").lower()],
                _number(groups.get("day")),
            )
            break
    else:
        raise ValueError(f"Enter a date as {FORMS}: “{text}” is not one.")
    if parts[0] is None:
        raise ValueError(
            f"Give the year: “{text}” does not say which year. Type it as {_written(parts)}."
        )
    try:
        return PartialDate(*parts)
    except ValueError as exc:
        raise ValueError(f"Enter a date as {FORMS}: “{text}” is not one ({exc}).") from None
