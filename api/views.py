"""Read-only resources: only what the public pages show, and only for reading.

Each viewset names its cursor ``ordering`` (see api.pagination): one unique
field, so that a page boundary never splits or repeats records. Slugs (and
source keys) give an alphabetical order; entries go by id, the order they were
recorded in, since their own timeline order (case, date, sequence) is not
unique field by field. Writes stay in the admin: these viewsets have no write
actions, so POST, PUT, PATCH and DELETE answer 405.
"""

from django.db.models import Prefetch
from rest_framework.exceptions import NotFound
from rest_framework.generics import get_object_or_404
from rest_framework.views import APIView
from rest_framework.viewsets import ReadOnlyModelViewSet

from cases.models import Agency, Case, CaseParty, Party
from filings.models import Filing, Source

from . import serializers
from .filters import CaseFilter, FilingFilter


class CaseViewSet(ReadOnlyModelViewSet):
    """Published cases, filtered as on the case list; in slug order."""

    queryset = (
        Case.objects.for_case_list()
        .select_related("judge")
        .prefetch_related(
            Prefetch("case_parties", queryset=CaseParty.objects.select_related("party"))
        )
    )
    serializer_class = serializers.CaseSerializer
    filterset_class = CaseFilter
    lookup_field = "slug"
    ordering = ("slug",)


class FilingViewSet(ReadOnlyModelViewSet):
    """Published entries of published cases, with their citations and disputes; in id order."""

    queryset = Filing.objects.published().for_timeline()
    serializer_class = serializers.FilingSerializer
    filterset_class = FilingFilter
    ordering = ("id",)

    def get_object(self):
        """An entry is named by its case and its slug, as in permalinks and fixtures."""
        filing = get_object_or_404(
            self.filter_queryset(self.get_queryset()),
            case__slug=self.kwargs["case"],
            slug=self.kwargs["slug"],
        )
        self.check_object_permissions(self.request, filing)
        return filing


class PartyViewSet(ReadOnlyModelViewSet):
    """Every party, with its aliases; in slug order."""

    queryset = Party.objects.select_related("affiliation").prefetch_related("aliases")
    serializer_class = serializers.PartySerializer
    lookup_field = "slug"
    ordering = ("slug",)


class AgencyViewSet(ReadOnlyModelViewSet):
    """Every agency, court and unit; in slug order."""

    queryset = Agency.objects.select_related("parent")
    serializer_class = serializers.AgencySerializer
    lookup_field = "slug"
    ordering = ("slug",)


class SourceViewSet(ReadOnlyModelViewSet):
    """Every source; in key order."""

    queryset = Source.objects.all()
    serializer_class = serializers.SourceSerializer
    lookup_field = "key"
    ordering = ("key",)


class NotFoundView(APIView):
    """An address under /api/ that names nothing: a JSON 404, whatever the method."""

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
