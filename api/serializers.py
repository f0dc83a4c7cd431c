"""What the API says about each record: the public pages' content, as JSON.

Related records are named by their slug (sources by their key), as in URLs
and fixtures, so that a client can follow them without knowing database ids.
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from cases.models import Agency, Case, CaseParty, Party
from core.partial_dates import ISO_PREFIX, PartialDate
from filings.models import Citation, Filing, Source


# A nested serializer is DRF's reusable field for an object; drf-spectacular
# describes it once, as the schema component "PartialDate", wherever it is used.
class PartialDateSerializer(serializers.Serializer):
    """A date known to the year, month or day: its ISO 8601 prefix and its precision.

    "June 2023" is {"iso": "2023-06", "precision": "month"}, never a full date
    that would claim June 1. An unknown date is null.
    """

    iso = serializers.RegexField(
        ISO_PREFIX.pattern, help_text="The ISO 8601 prefix: 2023, 2023-06 or 2023-06-05."
    )
    precision = serializers.ChoiceField(
        choices=[
            PartialDate.Precision.YEAR,
            PartialDate.Precision.MONTH,
            PartialDate.Precision.DAY,
        ]
    )

    def __init__(self, **kwargs):
        super().__init__(read_only=True, allow_null=True, **kwargs)


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The record's page on the public site, for people rather than programs."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


def slug_of(**kwargs):
    """A related record named by its slug."""
    return serializers.SlugRelatedField(slug_field="slug", read_only=True, **kwargs)


class RecordSerializer(serializers.ModelSerializer):
    """A record as the API gives it: every field is always there, if only as "" or null."""

    def get_extra_kwargs(self):
        extra_kwargs = super().get_extra_kwargs()
        for name in self.Meta.fields:
            extra_kwargs.setdefault(name, {})["required"] = True
        return extra_kwargs


class AgencySerializer(RecordSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:agency-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    parent = slug_of(allow_null=True, help_text="The agency this one is part of.")

    class Meta:
        model = Agency
        fields = ["slug", "name", "abbreviation", "kind", "parent", "api_url", "page_url"]


class PartySerializer(RecordSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:party-detail", lookup_field="slug"
    )
    page_url = PageUrlField()
    affiliation = slug_of(
        allow_null=True, help_text="For officials and judges: the agency or court they serve."
    )
    aliases = serializers.SlugRelatedField(
        slug_field="name",
        many=True,
        read_only=True,
        help_text='Other names sources use, e.g. "CZ".',
    )

    class Meta:
        model = Party
        fields = [
            "slug",
            "name",
            "kind",
            "aliases",
            "description",
            "affiliation",
            "position",
            "api_url",
            "page_url",
        ]


class SourceSerializer(RecordSerializer):
    """A source's record; its text (kept for checking key phrases) is never exported."""

    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:source-detail", lookup_field="key"
    )
    page_url = PageUrlField()
    published = PartialDateSerializer()

    class Meta:
        model = Source
        fields = [
            "key",
            "kind",
            "title",
            "publisher",
            "published",
            "url",
            "language_note",
            "api_url",
            "page_url",
        ]


class CasePartySerializer(RecordSerializer):
    party = slug_of()
    name = serializers.CharField(source="party.name", read_only=True)
    joined = PartialDateSerializer()
    left = PartialDateSerializer()

    class Meta:
        model = CaseParty
        fields = ["party", "name", "role", "title", "joined", "left"]


class CaseSerializer(RecordSerializer):
    api_url = serializers.HyperlinkedIdentityField(view_name="api:case-detail", lookup_field="slug")
    page_url = PageUrlField()
    filings_url = serializers.SerializerMethodField(help_text="The case's entries in this API.")
    court = slug_of(allow_null=True)
    judge = slug_of(allow_null=True)
    agencies = slug_of(many=True, help_text="The agencies that brought the case.")
    parties = CasePartySerializer(source="case_parties", many=True, read_only=True)
    filed = PartialDateSerializer()
    closed = PartialDateSerializer()
    latest_activity = PartialDateSerializer(help_text="The date of its latest entry.")

    class Meta:
        model = Case
        fields = [
            "slug",
            "caption",
            "kind",
            "status",
            "court",
            "judge",
            "docket_number",
            "agencies",
            "parties",
            "filed",
            "closed",
            "latest_activity",
            "summary",
            "outcome",
            "api_url",
            "page_url",
            "filings_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_filings_url(self, case):
        url = reverse("api:filing-list", request=self.context["request"])
        return f"{url}?case={case.slug}"


class FilingReferenceSerializer(RecordSerializer):
    """Another entry, named by its case and slug, with the date it is compared with."""

    case = slug_of()
    date = PartialDateSerializer()

    class Meta:
        model = Filing
        fields = ["case", "slug", "title", "date"]


class CitationSerializer(RecordSerializer):
    """Where a source states an entry, and that source's own version of when."""

    source = serializers.SlugRelatedField(slug_field="key", read_only=True)
    source_url = serializers.URLField(source="source.url", read_only=True, allow_blank=True)
    reported_date = PartialDateSerializer(help_text="The date as this source gives it.")
    reported_after = serializers.SerializerMethodField(
        help_text="The entry this source places this one after."
    )
    conflicting = serializers.SerializerMethodField(
        help_text="Whether this version disagrees with another or with the adopted date."
    )

    class Meta:
        model = Citation
        fields = [
            "source",
            "source_url",
            "locator",
            "key_phrase",
            "reported_date",
            "reported_after",
            "note",
            "conflicting",
        ]

    @extend_schema_field(FilingReferenceSerializer(allow_null=True))
    def get_reported_after(self, citation):
        # A draft entry is not named (Citation.published_after).
        earlier = citation.published_after
        return earlier and FilingReferenceSerializer(earlier, context=self.context).data

    def get_conflicting(self, citation) -> bool:
        return citation in citation.filing.conflicting_citations


class FilingSerializer(RecordSerializer):
    api_url = serializers.SerializerMethodField()
    page_url = PageUrlField(help_text="The entry's permalink on its case page.")
    case = slug_of()
    date = PartialDateSerializer(help_text="The adopted date.")
    filed_by_party = slug_of(allow_null=True)
    filed_by_agency = slug_of(allow_null=True)
    disputed = serializers.BooleanField(
        source="is_disputed",
        read_only=True,
        help_text="Whether sources disagree with each other or with the adopted date.",
    )
    citations = CitationSerializer(source="citation_list", many=True, read_only=True)

    class Meta:
        model = Filing
        fields = [
            "case",
            "slug",
            "sequence",
            "kind",
            "title",
            "summary",
            "date",
            "date_note",
            "disputed",
            "filed_by_party",
            "filed_by_agency",
            "docket_entry",
            "document_url",
            "citations",
            "api_url",
            "page_url",
        ]

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, filing):
        kwargs = {"case": filing.case.slug, "slug": filing.slug}
        return reverse("api:filing-detail", kwargs=kwargs, request=self.context["request"])
