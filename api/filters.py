"""The pages' filters, reused so that the API and the site select the same records.

Some filters are copied from the pages' FilterSets only to be described for the
OpenAPI schema: drf-spectacular cannot tell that the agency and party filters
(whose method has no type hints) take slugs, nor that date filters take
partial dates. Their behaviour is the pages' own.
"""

import copy

import django_filters
from drf_spectacular.utils import extend_schema_field

from cases import filters as page_filters
from cases.models import Case
from core.partial_dates import ISO_PREFIX, MAX_YEAR, MIN_YEAR
from filings.filters import TimelineFilter

YEARS = f"Years {MIN_YEAR} to {MAX_YEAR}; another is a 400."
FLOOR = (
    "From this date: 2023, 2023-06 or 2023-06-05. Dates known less precisely that may "
    f"fall in it count too: 2025-02 includes 2025. {YEARS}"
)
CEILING = f"Until this date: 2023, 2023-06 or 2023-06-05, through its last day. {YEARS}"


def documented(filterset, name, description, **schema):
    """A copy of one of filterset's filters, with its parameter described."""
    schema = {"type": "string", "description": description, **schema}
    return extend_schema_field(schema)(copy.deepcopy(filterset.base_filters[name]))


def partial_date(filterset, name, description):
    return documented(filterset, name, description, pattern=ISO_PREFIX.pattern)


class CaseFilter(page_filters.CaseFilter):
    """The case list's filters without its sort: cursor pagination needs one fixed order."""

    sort = None
    q = documented(
        page_filters.CaseFilter,
        "q",
        "Words in the caption, docket number, or a party's name or alias.",
    )
    agency = documented(
        page_filters.CaseFilter, "agency", "An agency's slug: the cases it brought or heard."
    )
    party = documented(
        page_filters.CaseFilter, "party", "A party's slug: the cases it is in or judges."
    )
    filed_after = partial_date(page_filters.CaseFilter, "filed_after", FLOOR)
    filed_before = partial_date(page_filters.CaseFilter, "filed_before", CEILING)


class FilingFilter(TimelineFilter):
    """The cross-case timeline's filters, and one case's entries."""

    agency = documented(
        TimelineFilter,
        "agency",
        "An agency's slug: the entries of the cases it brought or heard, and its own.",
    )
    party = documented(
        TimelineFilter,
        "party",
        "A party's slug: the entries of the cases it is in or judges, and its own.",
    )
    after = partial_date(TimelineFilter, "after", FLOOR)
    before = partial_date(TimelineFilter, "before", CEILING)
    case = django_filters.ModelChoiceFilter(
        queryset=Case.objects.published(),
        to_field_name="slug",
        help_text="A case's slug: only its entries.",
    )
