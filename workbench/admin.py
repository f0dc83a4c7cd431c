"""The source's admin page, with the editors' tools around its private text."""

from django.contrib import admin

from core.editing import VersionCheckForm
from filings import admin as filings_admin
from filings.models import Source

from .coverage_views import coverage_urls
from .forms import SourceTextForm
from .models import SourceText
from .views import reading, workbench_urls


class SourceTextInline(admin.StackedInline):
    model = SourceText
    form = type("SourceTextInlineForm", (SourceTextForm, VersionCheckForm), {})
    fields = ("text", "upload", "seen_version")
    verbose_name = "text (private to editors)"
    verbose_name_plural = "text (private to editors)"
    max_num = 1
    can_delete = False


class SourceAdmin(filings_admin.SourceAdmin):
    inlines = [SourceTextInline]

    def get_urls(self):
        return [
            *coverage_urls(self.admin_site),
            *workbench_urls(self.admin_site),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """Below the form, the reading view (workbench.views.reading) of a saved source."""
        if obj is not None and obj.pk:
            context.update(reading(request, obj))
            if context.get("cite_form"):
                context["media"] = context["media"] + context["cite_form"].media
        return super().render_change_form(request, context, add, change, form_url, obj)


admin.site.unregister(Source)
admin.site.register(Source, SourceAdmin)
