from django.contrib import admin, messages
from django.db.models import Count

from core.editing import HistoryAdmin, PublishingAdmin, VersionCheckForm, preview_link

from .models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    list_display = ("name", "abbreviation", "kind", "parent")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("name", "abbreviation", "slug")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("parent",)


class AliasInline(admin.TabularInline):
    model = Alias
    form = VersionCheckForm
    extra = 1


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    list_display = ("name", "kind", "affiliation", "position")
    list_filter = ("kind", "affiliation__kind")
    list_select_related = ("affiliation",)
    search_fields = ("name", "slug", "aliases__name")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("affiliation",)
    inlines = [AliasInline]


@admin.register(Alias)
class AliasAdmin(HistoryAdmin):
    list_display = ("name", "party")
    list_filter = ("party__kind",)
    list_select_related = ("party",)
    search_fields = ("name", "party__name")
    autocomplete_fields = ("party",)


class CasePartyInline(admin.TabularInline):
    model = CaseParty
    form = VersionCheckForm
    fields = ("party", "role", "title", "joined", "left", "seen_version")
    autocomplete_fields = ("party",)
    extra = 0


class ClaimInline(admin.TabularInline):
    model = Claim
    form = VersionCheckForm
    fields = ("position", "slug", "title", "disposition", "seen_version")
    extra = 0


class CaseLinkInline(admin.TabularInline):
    model = CaseLink
    fk_name = "from_case"
    form = VersionCheckForm
    fields = ("kind", "to_case", "note", "seen_version")
    autocomplete_fields = ("to_case",)
    extra = 0


@admin.register(Case)
class CaseAdmin(PublishingAdmin):
    list_display = (
        "caption",
        "kind",
        "status",
        "is_published",
        "filing_count",
        "court",
        "filed",
        "closed",
    )
    list_filter = ("agencies", "status", "kind", "is_published")
    list_select_related = ("court",)
    # Captions, docket numbers, and the names and aliases of the parties.
    search_fields = (
        "caption",
        "slug",
        "docket_number",
        "case_parties__party__name",
        "case_parties__party__aliases__name",
    )
    prepopulated_fields = {"slug": ("caption",)}
    autocomplete_fields = ("court", "judge", "agencies")
    readonly_fields = ("preview", "version", "updated_at")
    # filings/admin.py adds the case's entries, between the claims and the links.
    inlines = [CasePartyInline, ClaimInline, CaseLinkInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(filing_count=Count("filings"))

    @admin.display(description="Entries", ordering="filing_count")
    def filing_count(self, obj):
        return obj.filing_count

    @admin.display(description="Preview")
    def preview(self, obj):
        return preview_link(obj) if obj.pk else "Save the case first."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.has_ended and not obj.closed:
            messages.warning(
                request,
                f"“{obj}” is {obj.get_status_display().lower()} but has no closed date. "
                "Readers will see that it ended, with no date; add the date when a source "
                "gives it.",
            )


@admin.register(CaseParty)
class CasePartyAdmin(HistoryAdmin):
    list_display = ("party", "role", "title", "case", "joined", "left")
    list_filter = ("role",)
    list_select_related = ("party", "case")
    search_fields = ("party__name", "case__caption")
    autocomplete_fields = ("case", "party")


@admin.register(Claim)
class ClaimAdmin(HistoryAdmin):
    list_display = ("title", "case", "disposition", "position")
    list_filter = ("disposition",)
    list_select_related = ("case",)
    search_fields = ("title", "slug", "case__caption")
    autocomplete_fields = ("case",)


@admin.register(CaseLink)
class CaseLinkAdmin(HistoryAdmin):
    list_display = ("from_case", "kind", "to_case", "note")
    list_filter = ("kind",)
    list_select_related = ("from_case", "to_case")
    search_fields = ("from_case__caption", "to_case__caption", "note")
    autocomplete_fields = ("from_case", "to_case")
