import django_filters
from django.db.models import F, Q

from core.partial_dates import PartialDateFormField

from .models import Agency, Case, Party


class PartialDateFilter(django_filters.Filter):
    """A partial date used as a floor or a ceiling, inclusive of its whole span.

    "Before 2024-05" includes all of May; "after 2024-05" includes a date known
    only as "2024", which may fall in May or later.
    """

    field_class = PartialDateFormField

    def __init__(self, *args, bound, **kwargs):
        self.bound = bound
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        name = self.field_name
        if self.bound == "ceiling":
            return qs.filter(**{f"{name}__lte": value.last_day.isoformat()})
        coarser = [prefix.iso for prefix in value.prefixes()]
        return qs.filter(Q(**{f"{name}__gte": value.iso}) | Q(**{f"{name}__in": coarser}))


def involving(model):
    """A choice of agency or party by slug that keeps what involves it.

    The queryset filtered must have involving_agency() or involving_party(),
    as cases and filings do.
    """
    name = model._meta.model_name
    return django_filters.ModelChoiceFilter(
        queryset=model.objects.all(),
        to_field_name="slug",
        label=name.capitalize(),
        empty_label=f"Any {name}",
        method=lambda queryset, _, value: getattr(queryset, f"involving_{name}")(value),
    )


class CaseFilter(django_filters.FilterSet):
    SORTS = {
        "activity": (F("latest_activity").desc(nulls_last=True), "caption"),
        "newest": (F("filed").desc(nulls_last=True), "caption"),
        "oldest": (F("filed").asc(nulls_last=True), "caption"),
        "caption": ("caption",),
    }

    q = django_filters.CharFilter(method="search", label="Search")
    agency = involving(Agency)
    party = involving(Party)
    status = django_filters.ChoiceFilter(choices=Case.Status.choices, empty_label="Any status")
    kind = django_filters.ChoiceFilter(choices=Case.Kind.choices, empty_label="Any kind")
    filed_after = PartialDateFilter(field_name="filed", bound="floor", label="Filed from")
    filed_before = PartialDateFilter(field_name="filed", bound="ceiling", label="Filed until")
    sort = django_filters.ChoiceFilter(
        choices=[
            ("activity", "Latest activity"),
            ("newest", "Filed, newest first"),
            ("oldest", "Filed, oldest first"),
            ("caption", "Caption, A to Z"),
        ],
        method="sort_by",
        label="Sort by",
        empty_label=None,
    )

    class Meta:
        model = Case
        fields = []

    @classmethod
    def listing(cls, query, queryset=None):
        """The case list's filters on a query: by latest activity unless it sorts otherwise,
        over published cases with what every listing shows (or over ``queryset``).
        The case list page and its CSV both start here."""
        data = query.copy()
        data["sort"] = data.get("sort") or "activity"
        return cls(data, queryset=Case.objects.for_case_list() if queryset is None else queryset)

    # Conditions across many-valued relations go through a subquery, so that
    # they neither duplicate cases nor skew the latest-activity annotation.
    def matching(self, queryset, condition):
        return queryset.filter(pk__in=Case.objects.filter(condition).values("pk"))

    def search(self, queryset, name, value):
        words = Q(caption__icontains=value) | Q(docket_number__icontains=value)
        words |= Q(case_parties__party__name__icontains=value)
        words |= Q(case_parties__party__aliases__name__icontains=value)
        return self.matching(queryset, words)

    def sort_by(self, queryset, name, value):
        return queryset.order_by(*self.SORTS[value])
