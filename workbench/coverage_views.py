"""The editors' pages about which dates of the sources are cited yet: the uncited
dates, across sources or of one, and marking a date "not a fact for the record"
(or undoing the mark). Served under the source admin's address (coverage_urls)."""

from itertools import groupby

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from core.date_mentions import find_dates
from filings.models import Source

from . import coverage
from .models import DismissedMention

# One line of history says why a row changed (simple_history's change reason).
MARKED = "Marked not a fact for the record"
UNMARKED = "Mark undone: a date to cite after all"
DISMISS_PERMISSIONS = ("filings.change_source", "workbench.add_dismissedmention")


def cite_url(mention):
    """The cite form (workbench.views), opened at the mention's paragraph and date."""
    url = reverse("admin:workbench_cite", args=[mention.source.pk])
    return f"{url}?{urlencode({'paragraph': mention.paragraph, 'date': mention.found.iso})}"


def paragraph_url(source, number):
    return reverse("admin:filings_source_change", args=[source.pk]) + f"#p-{number}"


def dismiss_url(mention, back=None):
    """The form marking the mention; ``back`` is where it returns to, by default the
    mention's paragraph."""
    url = reverse("admin:workbench_dismiss", args=[mention.source.pk])
    query = {"paragraph": mention.paragraph, "text": mention.found.text}
    return f"{url}?{urlencode({**query, 'next': back} if back else query)}"


def check_permission(request, *permissions):
    if not request.user.has_perms(permissions):
        raise PermissionDenied


def safe_next(request, default):
    """Where to go back to: the ``next`` address when it is on this site, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def uncited_view(request, admin_site, source_id=None):
    """The date mentions neither cited nor marked, grouped by source (one source's
    when ``source_id`` is given), with the marked ones and their reasons."""
    check_permission(request, "filings.view_source")
    sources = Source.objects.all()
    source = None
    if source_id is not None:
        source = get_object_or_404(Source, pk=source_id)
        sources = sources.filter(pk=source_id)
    surveyed = coverage.survey(sources)
    mentions = coverage.mentions(surveyed)
    uncited = [m for m in mentions if not m.settled]
    groups = [
        (
            each,
            [(m, cite_url(m), dismiss_url(m, request.get_full_path())) for m in group],
        )
        for each, group in groupby(uncited, key=lambda m: m.source)
    ]
    context = {
        **admin_site.each_context(request),
        "title": f"Uncited dates in {source.key}" if source else "Uncited dates",
        "source": source,
        "groups": groups,
        "dismissed": [m for m in mentions if m.dismissed],
        "without_text": [each for each, paragraphs in surveyed if paragraphs is None],
        "totals": coverage.totals(mentions),
        "opts": Source._meta,
    }
    return render(request, "admin/workbench/uncited.html", context)


class DismissForm(forms.Form):
    """A date mention of a source (paragraph and words, carried from the link) and
    why it is not a fact for the record."""

    paragraph = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(max_length=100, widget=forms.HiddenInput)
    reason = forms.CharField(
        max_length=300,
        error_messages={"required": "Say why this date is not a fact for the record."},
        widget=forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"}),
        help_text="Why this date is not a fact for the record, in our own words: e.g. "
        "it dates something outside the case, or repeats a date cited elsewhere.",
    )

    def __init__(self, source, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean(self):
        cleaned = super().clean()
        number, text = cleaned.get("paragraph"), cleaned.get("text")
        if number is None or text is None:
            raise forms.ValidationError(
                "This form names no date mention. Open it from a date in the source's "
                "text or from the list of uncited dates."
            )
        error = mention_error(self.source, number, text)
        if error:
            raise forms.ValidationError(error)
        if DismissedMention.objects.filter(source=self.source, paragraph=number, text=text):
            raise forms.ValidationError(
                f"“{text}” in paragraph {number} is already marked not a fact for the record."
            )
        return cleaned

    def save(self):
        dismissal = DismissedMention(
            source=self.source,
            paragraph=self.cleaned_data["paragraph"],
            text=self.cleaned_data["text"],
            reason=self.cleaned_data["reason"],
        )
        dismissal._change_reason = MARKED
        dismissal.save()
        return dismissal


def mention_error(source, number, text):
    """What is wrong with naming ``text`` in paragraph ``number`` as a date of the
    source, or None when it is one of the dates found there."""
    paragraphs = source.paragraphs()
    if paragraphs is None:
        return f"{source.key} has no text attached, so it has no dates to mark."
    if not 1 <= number <= len(paragraphs):
        return f"The text of {source.key} has paragraphs 1 to {len(paragraphs)}, not {number}."
    found = [mention.text for mention in find_dates(paragraphs[number - 1])]
    if text not in found:
        dates = ", ".join(f"“{each}”" for each in found) or "none"
        return f"“{text}” is not a date found in paragraph {number}. The dates there: {dates}."
    return None


def dismiss_view(request, source_id, admin_site):
    """Marks a date mention of the source not a fact for the record, with a reason."""
    check_permission(request, *DISMISS_PERMISSIONS)
    source = get_object_or_404(Source.objects.select_related("private_text"), pk=source_id)
    data = request.POST if request.method == "POST" else request.GET
    number, text = to_number(data.get("paragraph")), data.get("text", "")
    problem = (
        mention_error(source, number, text)
        if number is not None
        else "This link names no paragraph of the source."
    )
    if request.method == "POST":
        form = DismissForm(source, request.POST)
        try:
            with transaction.atomic():
                dismissal = form.save() if form.is_valid() else None
        except IntegrityError:  # marked by someone else since the check
            form.add_error(None, "This date was marked not a fact for the record meanwhile.")
            dismissal = None
        if dismissal:
            messages.success(
                request,
                f"“{dismissal.text}” in paragraph {dismissal.paragraph} is marked "
                "not a fact for the record.",
            )
            return redirect(safe_next(request, paragraph_url(source, dismissal.paragraph)))
    else:
        form = DismissForm(source, initial={"paragraph": number, "text": text})
    context = {
        **admin_site.each_context(request),
        "title": "Not a fact for the record",
        "source": source,
        "form": form,
        "number": number,
        "problem": problem,
        # The paragraph, split around the mention so that the page can mark it.
        "parts": None if problem else source.paragraphs()[number - 1].partition(text),
        "next": safe_next(request, ""),
        "back": safe_next(request, paragraph_url(source, number or 1)),
        "opts": Source._meta,
    }
    return render(request, "admin/workbench/dismiss.html", context)


def to_number(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def undismiss_view(request, source_id, pk, admin_site):
    """Undoes a mark: asks first, then deletes it, recorded in history."""
    check_permission(request, "filings.change_source", "workbench.delete_dismissedmention")
    dismissal = get_object_or_404(
        DismissedMention.objects.select_related("source"), source_id=source_id, pk=pk
    )
    back = paragraph_url(dismissal.source, dismissal.paragraph)
    if request.method == "POST":
        dismissal._change_reason = UNMARKED
        dismissal.delete()
        messages.success(
            request,
            f"“{dismissal.text}” in paragraph {dismissal.paragraph} is a date to cite again.",
        )
        return redirect(safe_next(request, back))
    context = {
        **admin_site.each_context(request),
        "title": "Undo “not a fact for the record”",
        "source": dismissal.source,
        "dismissal": dismissal,
        "next": safe_next(request, ""),
        "back": safe_next(request, back),
        "opts": Source._meta,
    }
    return render(request, "admin/workbench/dismiss.html", context)


def coverage_urls(admin_site):
    """The pages above, for the source admin's get_urls (before its own, which
    would take "uncited/" for an object's id)."""
    site = {"admin_site": admin_site}
    return [
        path("uncited/", admin_site.admin_view(uncited_view), site, name="workbench_uncited"),
        path(
            "<int:source_id>/uncited/",
            admin_site.admin_view(uncited_view),
            site,
            name="workbench_source_uncited",
        ),
        path(
            "<int:source_id>/dismiss/",
            admin_site.admin_view(dismiss_view),
            site,
            name="workbench_dismiss",
        ),
        path(
            "<int:source_id>/dismissed/<int:pk>/undo/",
            admin_site.admin_view(undismiss_view),
            site,
            name="workbench_undismiss",
        ),
    ]
