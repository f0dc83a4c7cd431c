"""Editing in the admin: history with revert, no lost updates, and publishing."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

BOOKKEEPING = {"version", "updated_at"}


class VersionCheckForm(forms.ModelForm):
    """Refuses to save over a change someone else saved after this form was opened.

    The form carries the version it was opened at. If the stored version has
    moved on, the save is refused, the editor's input stays in the form, and
    the error lists what changed in the meantime and who changed it.
    """

    seen_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The stored version, not the instance's: a revert form's instance is
        # an old version, but the editor is looking at the stored one. A bound
        # form carries the version it was opened at, so needs no lookup.
        if not self.is_bound:
            self.fields["seen_version"].initial = self.stored_version()

    def stored_version(self, lock=False):
        if self.instance.pk is None:
            return None
        stored = type(self.instance).objects.filter(pk=self.instance.pk)
        if lock:
            # Held until the admin's transaction ends, so that two saves at the
            # same moment cannot both pass the check.
            stored = stored.select_for_update()
        return stored.values_list("version", flat=True).first()

    def clean(self):
        cleaned = super().clean()
        stored = self.stored_version(lock=transaction.get_connection().in_atomic_block)
        if stored is None:  # a new object, or a deleted one being restored
            return cleaned
        seen = cleaned.get("seen_version")
        if seen is None:
            raise ValidationError("This form is out of date. Reload the page and try again.")
        if seen != stored:
            raise ValidationError(self.conflict(seen, stored), code="edit_conflict")
        return cleaned

    def conflict(self, seen, stored):
        history = type(self.instance).history.filter(id=self.instance.pk)
        newer = list(history.filter(version__gt=seen).select_related("history_user"))
        editors = sorted({str(record.history_user or "a script") for record in newer})
        editors = editors or ["someone"]
        message = (
            f"Not saved: {', '.join(editors)} saved this {self.instance._meta.verbose_name} "
            f"after you opened it (version {seen}, now {stored}). Your input is still below. "
            "Reload the page to see their version, then make your change again."
        )
        before, after = history.filter(version=seen).first(), history.first()
        if before and after:
            changes = [
                f"{capfirst(self.instance._meta.get_field(change.field).verbose_name)}: "
                f"“{change.old}” → “{change.new}”"
                for change in after.diff_against(before, excluded_fields=BOOKKEEPING).changes
            ]
            if changes:
                message += " What changed: " + "; ".join(changes) + "."
        return message


def preview_link(case, anchor=""):
    """The staff preview of a case page, drafts included."""
    url = reverse("case-preview", args=[case.slug])
    return format_html('<a href="{}{}">Preview the case page with drafts</a>', url, anchor)


class HistoryAdmin(SimpleHistoryAdmin):
    """Every editable model's admin: history with field differences and revert,
    and the version check against lost updates."""

    form = VersionCheckForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # django-simple-history lets anyone who may view history post a revert;
        # reverting is a change.
        if request.method == "POST" and not self.has_change_permission(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class PublishingAdmin(HistoryAdmin):
    """Publish and unpublish actions. They save each object rather than update()
    the queryset, so that history records every change."""

    actions = ["publish", "unpublish"]

    @admin.action(description="Publish the selected %(verbose_name_plural)s")
    def publish(self, request, queryset):
        self.set_published(request, queryset, True)

    @admin.action(description="Unpublish the selected %(verbose_name_plural)s (back to draft)")
    def unpublish(self, request, queryset):
        self.set_published(request, queryset, False)

    def set_published(self, request, queryset, published):
        changed = 0
        with transaction.atomic():
            # A fresh queryset: the changelist's may be annotated, and PostgreSQL
            # refuses FOR UPDATE with GROUP BY.
            selected = self.model.objects.filter(pk__in=list(queryset.values_list("pk", flat=True)))
            for obj in selected.select_for_update().exclude(is_published=published):
                obj.is_published = published
                obj._history_user = request.user
                obj._change_reason = "Published" if published else "Unpublished"
                obj.save()
                changed += 1
        state = "published" if published else "back to draft"
        opts = self.model._meta
        names = opts.verbose_name if changed == 1 else opts.verbose_name_plural
        self.message_user(request, f"{changed} {names} {state}.", messages.SUCCESS)
        if published and hasattr(self.model, "case"):
            hidden = selected.filter(case__is_published=False).count()
            if hidden:
                self.message_user(
                    request,
                    f"{hidden} of them belong to a draft case, so readers will see them "
                    "only once the case is published.",
                    messages.WARNING,
                )
