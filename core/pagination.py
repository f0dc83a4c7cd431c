"""Counting and paging without a full-table COUNT(*) or a deep OFFSET.

Long timelines page by keyset instead (``page_of_entries`` in public/timeline.py).
"""

from dataclasses import dataclass

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

# Counts stop here, "more than 1,000" being as useful to a reader as the exact
# figure, and so do lists paged by number: the case list's 50 pages of 20.
COUNT_LIMIT = 1_000


@dataclass(frozen=True)
class BoundedCount:
    """How many rows match, counted no further than a limit."""

    value: int
    more: bool = False

    @classmethod
    def of(cls, queryset, limit=COUNT_LIMIT):
        # Only the ids: annotations and the order would cost without changing the count.
        counted = queryset.order_by().values("pk")[: limit + 1].count()
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
