from django.contrib import admin
from django.db import models
from django.db.models import Prefetch

from .models import Citation, Filing, Source

# An address typed without a scheme ("sec.gov/...") gets https://, as it will
# by default from Django 6.0.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("key", "kind", "title", "publisher", "published")
    list_filter = ("kind", "publisher")
    search_fields = ("key", "title", "publisher", "url")
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS


class CitationInline(admin.StackedInline):
    model = Citation
    fk_name = "filing"
    fields = (("source", "locator"), "key_phrase", ("reported_date", "reported_after"), "note")
    autocomplete_fields = ("source", "reported_after")
    extra = 0


@admin.register(Filing)
class FilingAdmin(admin.ModelAdmin):
    list_display = ("date", "title", "case", "kind", "disputed")
    list_display_links = ("title",)
    list_filter = ("kind", "case")
    search_fields = ("title", "slug", "case__caption")
    autocomplete_fields = ("case", "filed_by_party", "filed_by_agency")
    readonly_fields = ("updated_at",)
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    inlines = [CitationInline]

    def get_queryset(self, request):
        citations = Citation.objects.select_related("reported_after")
        return (
            super()
            .get_queryset(request)
            .select_related("case")
            .prefetch_related(Prefetch("citations", queryset=citations))
        )

    @admin.display(boolean=True, description="Disputed")
    def disputed(self, obj):
        return obj.is_disputed


@admin.register(Citation)
class CitationAdmin(admin.ModelAdmin):
    list_display = ("key_phrase", "source", "locator", "target")
    list_filter = ("source__kind", "fact")
    list_select_related = ("source", "filing__case", "claim__case", "case")
    search_fields = ("key_phrase", "source__key", "source__title", "filing__title", "claim__title")
    autocomplete_fields = ("source", "filing", "claim", "case", "reported_after")

    @admin.display(description="Cites")
    def target(self, obj):
        if obj.filing:
            return f"{obj.filing.case}: {obj.filing}"
        if obj.claim:
            return f"{obj.claim.case}: {obj.claim}"
        return f"{obj.case}: {obj.get_fact_display()}"
