import django_filters

from cases.filters import PartialDateFilter
from cases.models import Agency, Party

from .models import Filing


class TimelineFilter(django_filters.FilterSet):
    """Entries across cases, e.g. everything from February 2025."""

    agency = django_filters.ModelChoiceFilter(
        queryset=Agency.objects.all(),
        to_field_name="slug",
        method="by_agency",
        label="Agency",
        empty_label="Any agency",
    )
    party = django_filters.ModelChoiceFilter(
        queryset=Party.objects.all(),
        to_field_name="slug",
        method="by_party",
        label="Party",
        empty_label="Any party",
    )
    kind = django_filters.ChoiceFilter(choices=Filing.Kind.choices, empty_label="Any kind")
    after = PartialDateFilter(field_name="date", bound="floor", label="From")
    before = PartialDateFilter(field_name="date", bound="ceiling", label="Until")

    class Meta:
        model = Filing
        fields = []

    def by_agency(self, queryset, name, value):
        return queryset.involving_agency(value)

    def by_party(self, queryset, name, value):
        return queryset.involving_party(value)
