import django_filters

from cases.filters import PartialDateFilter, involving
from cases.models import Agency, Party

from .models import Filing


class TimelineFilter(django_filters.FilterSet):
    """Entries across cases, e.g. everything from February 2025."""

    agency = involving(Agency)
    party = involving(Party)
    kind = django_filters.ChoiceFilter(choices=Filing.Kind.choices, empty_label="Any kind")
    after = PartialDateFilter(field_name="date", bound="floor", label="From")
    before = PartialDateFilter(field_name="date", bound="ceiling", label="Until")

    class Meta:
        model = Filing
        fields = []
