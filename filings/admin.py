import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.humanize.templatetags.humanize import apnumber
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F
from django.template.defaultfilters import pluralize
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import get_text_list

from cases import admin as cases_admin
from cases.models import Case
from core.editing import (
    HistoryAdmin,
    PublishingAdmin,
    VersionCheckForm,
    parent_key,
    preview_link,
    save_published,
)

from .models import Citation, Filing, KeyPhraseField, Source, prefetch_citations

# An address typed without a scheme ("sec.gov/...") gets https://, as it will
# by default from Django 6.0.
URL_FIELDS_ASSUME_HTTPS = {models.URLField: {"assume_scheme": "https"}}
# A key phrase as wide as the form, on two lines, so that it can be read back whole.
WIDE_KEY_PHRASE = {
    KeyPhraseField: {"widget": forms.Textarea(attrs={"rows": 2, "class": "vLargeTextField"})}
}


@admin.register(Source)
class SourceAdmin(HistoryAdmin):
    list_display = ("key", "kind", "title", "publisher", "published")
    list_filter = ("kind", "publisher")
    search_fields = ("key", "title", "publisher", "url")
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS


class CitationForm(VersionCheckForm):
    def duplicate_message(self, constraint):
        """A citation that repeats another of the same fact, in the editor's words."""
        citation = self.instance
        passage = f"these words of {citation.source}, paragraph {citation.locator}"
        on_its_page = parent_key(self) is not None  # a row of the entry's page
        if "filing" in constraint.fields:
            cites = "This entry" if on_its_page else f"The entry “{citation.filing}”"
        elif "claim" in constraint.fields:
            cites = "This claim" if on_its_page else f"The claim “{citation.claim}”"
        elif "fact" in constraint.fields:
            case = "this case" if on_its_page else f"the case “{citation.case}”"
            cites = f"For “{citation.get_fact_display()}”, {case}"
        else:
            return super().duplicate_message(constraint)
        return f"{cites} already cites {passage}."


class CitationInline(admin.StackedInline):
    model = Citation
    form = CitationForm
    fk_name = "filing"
    fields = (
        ("source", "locator"),
        "key_phrase",
        ("reported_date", "reported_after"),
        "note",
        "seen_version",
    )
    autocomplete_fields = ("source", "reported_after")
    formfield_overrides = WIDE_KEY_PHRASE
    extra = 0


class DisputedFilter(admin.SimpleListFilter):
    """Whether the sources agree. Disputes are computed in Python, so this
    reads every filing's citations once (two queries), whatever the page size."""

    title = "sources"
    parameter_name = "disputed"

    def lookups(self, request, model_admin):
        return [("yes", "Disagree"), ("no", "Agree")]

    def queryset(self, request, queryset):
        if self.value() not in {"yes", "no"}:
            return queryset
        filings = Filing.objects.prefetch_related(prefetch_citations())
        disputed = [filing.pk for filing in filings if filing.is_disputed]
        if self.value() == "yes":
            return queryset.filter(pk__in=disputed)
        return queryset.exclude(pk__in=disputed)


class CitedFilter(admin.SimpleListFilter):
    title = "citations"
    parameter_name = "cited"

    def lookups(self, request, model_admin):
        return [("no", "No citation")]

    def queryset(self, request, queryset):
        if self.value() == "no":
            return queryset.filter(citations__isnull=True)
        return queryset


@admin.register(Filing)
class FilingAdmin(PublishingAdmin):
    list_display = ("date", "title", "case", "kind", "is_published", "disputed")
    list_display_links = ("title",)
    list_filter = (
        ("case__agencies", admin.RelatedOnlyFieldListFilter),
        "case__status",
        "kind",
        "is_published",
        DisputedFilter,
        CitedFilter,
        "case",
    )
    # Newest first; "2025" sorts before "2025-05", which sorts before its days.
    ordering = (F("date").desc(nulls_last=True), "case", "sequence")
    search_fields = (
        "title",
        "slug",
        "case__caption",
        "filed_by_party__name",
        "filed_by_party__aliases__name",
        "case__case_parties__party__name",
        "case__case_parties__party__aliases__name",
    )
    autocomplete_fields = ("case", "filed_by_party", "filed_by_agency")
    prepopulated_fields = {"slug": ("title",)}
    fields = (
        "case",
        "kind",
        "title",
        "slug",
        "sequence",
        "summary",
        "date",
        "date_check",
        "date_note",
        ("filed_by_party", "filed_by_agency"),
        ("docket_entry", "document_url"),
        "is_published",
        "preview",
        ("version", "updated_at"),
        "seen_version",  # hidden; see core.editing.VersionCheckForm
    )
    readonly_fields = ("date_check", "preview", "version", "updated_at")
    formfield_overrides = URL_FIELDS_ASSUME_HTTPS
    inlines = [CitationInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("case")
            .prefetch_related(prefetch_citations())
        )

    def get_urls(self):
        deleted = path(
            "deleted/",
            self.admin_site.admin_view(self.deleted_view),
            name="filings_filing_deleted",
        )
        return [deleted, *super().get_urls()]

    @admin.display(boolean=True, description="Disputed")
    def disputed(self, obj):
        return obj.is_disputed

    @admin.display(description="Date check")
    def date_check(self, obj):
        if not obj.pk:
            return "Shown after saving."
        doubts = []
        if obj.is_disputed:
            doubts.append(
                f"Sources disagree on this date: {disagreement(obj)}. "
                "Readers see “Sources disagree” with each version."
            )
        if warning := obj.date_warning():
            doubts.append(warning)
        return " ".join(doubts) or "No doubts about this date."

    @admin.display(description="Preview")
    def preview(self, obj):
        return preview_link(obj.case, f"#{obj.anchor}") if obj.pk else "Save the entry first."

    def save_model(self, request, obj, form, change):
        restoring = change and not Filing.objects.filter(pk=obj.pk).exists()
        numbered = obj.sequence is None
        # All or nothing: the history's revert view has no transaction of its own.
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if restoring:
                for problem in restore_citations(obj, request.user):
                    messages.warning(request, problem)
        if numbered:
            messages.info(request, f"Numbered {obj.sequence}, after the case's last entry.")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        warn_about_dates(request, form.instance.pk)

    def deleted_view(self, request):
        """Deleted filings, each linking to its history, where it can be restored."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        existing = Filing.objects.values("pk")
        records = (
            Filing.history.filter(history_type="-")
            .exclude(id__in=existing)
            .select_related("history_user", "case")
            .order_by("-history_date")
        )
        # A filing deleted, restored and deleted again is listed once, as last deleted.
        deletions = list({record.id: record for record in reversed(records)}.values())[::-1]
        context = {
            **self.admin_site.each_context(request),
            "title": "Deleted filings",
            "opts": self.model._meta,
            "deletions": [
                (record, reverse("admin:filings_filing_history", args=[record.id]))
                for record in deletions
            ],
        }
        return TemplateResponse(request, "admin/filings/filing/deleted.html", context)


def restore_citations(filing, user):
    """Bring back the citations deleted with a filing that is being restored.

    Those are the ones whose deletion was recorded in the moments before the
    filing's own (the database deletes them first, in the same transaction).
    Returns what could not be brought back as it was, for the editor.
    """
    deleted = Filing.history.filter(id=filing.pk, history_type="-").first()
    if deleted is None:
        return []
    window = deleted.history_date - datetime.timedelta(seconds=10)
    deletions = Citation.history.filter(
        filing_id=filing.pk, history_type="-", history_date__gte=window
    ).order_by("-history_date")
    existing = set(Citation.objects.filter(filing=filing).values_list("pk", flat=True))
    problems = []
    for record in deletions:
        if record.id in existing:
            continue
        existing.add(record.id)
        citation = record.instance
        if not Source.objects.filter(pk=citation.source_id).exists():
            problems.append(
                f"Not restored: the citation “{citation.key_phrase}”; its source is gone."
            )
            continue
        if (
            citation.reported_after_id
            and not Filing.objects.filter(pk=citation.reported_after_id).exists()
        ):
            citation.reported_after = None
            problems.append(
                f"Restored the citation “{citation.key_phrase}” without its “after” entry, "
                "which has been deleted."
            )
        citation._history_user = user
        citation._change_reason = "Restored with its filing"
        citation.save()
    return problems


def warn_about_dates(request, filing_pk):
    """Doubts that do not block saving, shown once the filing is saved."""
    filing = Filing.objects.prefetch_related(prefetch_citations()).get(pk=filing_pk)
    if warning := filing.date_warning():
        messages.warning(request, f"Date: {warning}")
    if filing.is_disputed:
        messages.warning(
            request,
            f"Sources now disagree on the date of “{filing.title}”: {disagreement(filing)}. "
            "Readers will see “Sources disagree” with each version.",
        )


def disagreement(filing):
    """The versions of an entry's date that disagree, by source, in words: "a.txt says
    June 2023 (para. 2); b.txt gives two dates: August 2025 (para. 3) and March 2025
    (para. 7)". A source that gives one version in several places is named once."""
    by_source = {}  # source key: {version: [paragraphs]}
    with_order = set()  # the sources with a version that is an order, not a date alone
    for citation in sorted(filing.conflicting_citations, key=lambda c: (c.source.key, c.locator)):
        key = citation.source.key
        parts = [str(citation.reported_date)] if citation.reported_date else []
        if after := citation.published_after:
            parts.append(f"after “{after.title}” ({after.date or 'undated'})")
            with_order.add(key)
        places = by_source.setdefault(key, {}).setdefault(", ".join(parts), [])
        places.append(str(citation.locator))
    sources = []
    for key, versions in by_source.items():
        described = [
            f"{version} (para{pluralize(places)}. {get_text_list(places, 'and')})"
            for version, places in versions.items()
        ]
        if len(described) == 1:
            sources.append(f"{key} says {described[0]}")
        else:
            what = "versions" if key in with_order else "dates"
            sources.append(
                f"{key} gives {apnumber(len(described))} {what}: {get_text_list(described, 'and')}"
            )
    return "; ".join(sources)


@admin.register(Citation)
class CitationAdmin(HistoryAdmin):
    form = CitationForm
    list_display = ("key_phrase", "source", "locator", "target")
    list_filter = ("source__kind", "fact")
    list_select_related = ("source", "filing__case", "claim__case", "case")
    search_fields = ("key_phrase", "source__key", "source__title", "filing__title", "claim__title")
    autocomplete_fields = ("source", "filing", "claim", "case", "reported_after")
    formfield_overrides = WIDE_KEY_PHRASE

    @admin.display(description="Cites")
    def target(self, obj):
        if obj.filing:
            return f"{obj.filing.case}: {obj.filing}"
        if obj.claim:
            return f"{obj.claim.case}: {obj.claim}"
        return f"{obj.case}: {obj.get_fact_display()}"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.filing_id:
            warn_about_dates(request, obj.filing_id)


class FilingInline(admin.TabularInline):
    """The case's entries, read-only here: each is edited on its own page, where
    its version is checked, so that this page cannot overwrite it."""

    model = Filing
    fields = ("kind", "date", "title", "sequence", "is_published")
    readonly_fields = fields
    show_change_link = True
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# Publishing cases with their draft entries changes both.
PUBLISH_WITH_ENTRIES = ("cases.change_case", "filings.change_filing")


def publish_with_entries(cases, user):
    """Publish these cases (a Case queryset) and every draft entry in them, all or
    nothing, each saved with its history record as ``user``. Returns how many cases
    and how many entries were published."""
    pks = list(cases.values_list("pk", flat=True))
    with transaction.atomic():
        published_cases = save_published(Case.objects.filter(pk__in=pks), True, user)
        published_entries = save_published(Filing.objects.filter(case__in=pks), True, user)
    return published_cases, published_entries


def drafts_link(case_pks):
    """The entries list showing the draft entries of these cases."""
    ids = ",".join(map(str, case_pks))
    return f"{reverse('admin:filings_filing_changelist')}?case__id__in={ids}&is_published__exact=0"


def entries(count):
    return f"{count} entr{pluralize(count, 'y,ies')}"


class CaseForm(VersionCheckForm):
    """The case's form, with "Also publish its draft entries" when it has any
    (CaseAdmin leaves the box out otherwise)."""

    publish_entries = forms.BooleanField(
        required=False,
        help_text="Each entry is saved as published, with its history, when this page is saved. "
        "Readers see them once the case is published.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = self.instance.pk and self.instance.filings.filter(is_published=False).count()
        self.fields[
            "publish_entries"
        ].label = f"Also publish its {drafts} draft entr{pluralize(drafts, 'y,ies')}"


# The case's page lists its entries too: its admin, with them among its inlines,
# and it offers to publish the draft entries with the case.
class CaseAdmin(cases_admin.CaseAdmin):
    form = CaseForm
    actions = [*cases_admin.CaseAdmin.actions, "publish_all"]
    inlines = [
        cases_admin.CasePartyInline,
        cases_admin.ClaimInline,
        FilingInline,
        cases_admin.CaseLinkInline,
    ]

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "publish_entries"]
        if (
            obj is not None
            and self.may_publish_entries(request)
            and obj.filings.filter(is_published=False).exists()
        ):
            fields.insert(fields.index("is_published") + 1, "publish_entries")
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        case = form.instance
        # The form declares the box, so a post may carry it even when it is left out.
        if form.cleaned_data.get("publish_entries") and self.may_publish_entries(request):
            published = save_published(case.filings.all(), True, request.user)
            later = "" if case.is_published else " Readers see them once the case is published."
            self.message_user(
                request, f"{entries(published)} of this case published.{later}", messages.SUCCESS
            )
        elif case.is_published and "is_published" in form.changed_data:
            self.tell_about_drafts(request, [case.pk], "this case")

    @admin.action(description="Publish the selected cases", permissions=["change"])
    def publish(self, request, queryset):
        super().publish(request, queryset)
        self.tell_about_drafts(request, list(queryset.values_list("pk", flat=True)), "these cases")

    @admin.action(
        description="Publish the selected cases with their draft entries",
        permissions=["publish_all"],
    )
    def publish_all(self, request, queryset):
        cases, published = publish_with_entries(queryset, request.user)
        self.message_user(
            request,
            f"{cases} case{pluralize(cases)} and {entries(published)} published.",
            messages.SUCCESS,
        )

    @staticmethod
    def may_publish_entries(request):
        return request.user.has_perm("filings.change_filing")

    def has_publish_all_permission(self, request):
        return request.user.has_perms(PUBLISH_WITH_ENTRIES)

    def tell_about_drafts(self, request, case_pks, which):
        drafts = Filing.objects.filter(case__in=case_pks, is_published=False).count()
        if drafts:
            self.message_user(
                request,
                format_html(
                    '{} of {} stay hidden as drafts: <a href="{}">see them</a>, and publish '
                    "them there, or with “Publish the selected cases with their draft entries” "
                    "in the cases list.",
                    entries(drafts),
                    which,
                    drafts_link(case_pks),
                ),
                messages.WARNING,
            )


admin.site.unregister(Case)
admin.site.register(Case, CaseAdmin)
