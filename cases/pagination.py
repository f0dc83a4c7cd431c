"""Counting and paging without a full-table COUNT(*) or a deep OFFSET.

Long timelines page by keyset instead (``page_of_entries`` in filings/timeline.py).
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

# Counts stop here: "more than 10,000" is as useful to a reader as the exact figure.
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class BoundedCount:
    """How many rows match, counted no further than a limit."""

    value: int
    more: bool = False

    @classmethod
    def of(cls, queryset, limit=COUNT_LIMIT):
        counted = queryset[: limit + 1].count()
        return cls(min(counted, limit), counted > limit)

    def __str__(self):
        return f"more than {self.value:,}" if self.more else f"{self.value:,}"


class BoundedPaginator(Paginator):
    """Pages through the first ``limit`` results only: narrow the filters for the rest."""

    def __init__(self, object_list, per_page, limit):
        super().__init__(object_list, per_page)
        self.limit = limit

    @cached_property
    def bounded_count(self):
        return BoundedCount.of(self.object_list, self.limit)

    @cached_property
    def count(self):
        return self.bounded_count.value


def paginate(request, items, per_page, limit=COUNT_LIMIT):
    """The requested page, or an error message for a page number that is not one.

    A page past the end is a 404.
    """
    paginator = BoundedPaginator(items, per_page, limit)
    try:
        return paginator.page(request.GET.get("page") or 1), None
    except PageNotAnInteger:
        return None, "The page number must be a whole number."
    except EmptyPage:
        raise Http404("There is no such page of results.") from None
