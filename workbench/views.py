"""Reading a source's text in the admin and citing from it.

The source's change page shows its text as numbered paragraphs (``reading``),
each with the citations into it, their key phrases marked, and the dates found
in it. Selecting words there (static/workbench/workbench.js), or a paragraph's
"Cite" link without JavaScript (``cite_view``), opens the citation form
(forms.CiteForm); saving it returns to the paragraph. ``publish_view``
publishes a case cited from the source with its draft entries.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.html import format_html

from cases.models import Case
from core.date_mentions import find_dates
from filings.admin import PUBLISH_WITH_ENTRIES, disagreement, publish_with_entries, warn_about_dates
from filings.models import Source, prefetch_citations

from . import coverage
from .coverage_views import DISMISS_PERMISSIONS, cite_url, dismiss_url, paragraph_url, to_number
from .forms import CiteForm, JumpForm

# Citing changes the source's record; CiteForm checks what each target needs.
CITE_PERMISSIONS = ("filings.change_source", "filings.add_citation")


def marked(text, phrases):
    """The paragraph as (words, is_marked) parts, each cited phrase's first
    occurrence marked; overlapping phrases make one mark."""
    spans = []
    for phrase in phrases:
        start = text.find(phrase) if phrase else -1
        if start >= 0:
            spans.append([start, start + len(phrase)])
    merged = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    parts, at = [], 0
    for start, end in merged:
        if start > at:
            parts.append((text[at:start], False))
        parts.append((text[start:end], True))
        at = end
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def target_url(citation):
    """The admin page of what the citation cites."""
    if citation.filing_id:
        return reverse("admin:filings_filing_change", args=[citation.filing_id])
    if citation.claim_id:
        return reverse("admin:cases_claim_change", args=[citation.claim_id])
    return reverse("admin:cases_case_change", args=[citation.case_id])


def disputed(citation):
    """How the cited entry's sources disagree, in words (filings.admin.disagreement),
    or "" when they agree or the citation is not of an entry."""
    entry = citation.filing
    return disagreement(entry) if entry and entry.is_disputed else ""


def with_disputes(paragraphs):
    """Loads, in one query, what the cited entries need to say whether their
    sources disagree (Filing.is_disputed)."""
    entries = [c.filing for p in paragraphs for c in p.citations if c.filing_id]
    prefetch_related_objects(entries, prefetch_citations())


def cases_to_publish(paragraphs):
    """The cases cited from the source that are drafts or have draft entries,
    each with ``drafts``, its number of draft entries."""
    ids = set()
    for paragraph in paragraphs:
        for citation in paragraph.citations:
            target = citation.filing or citation.claim
            ids.add(target.case_id if target else citation.case_id)
    if not ids:
        return []
    cases = Case.objects.filter(pk__in=ids).annotate(
        drafts=Count("filings", filter=Q(filings__is_published=False))
    )
    return list(cases.filter(Q(is_published=False) | Q(drafts__gt=0)))


def last_cited_case(paragraphs):
    """The case of the source's latest citation, the likeliest for the next one."""
    citations = [c for p in paragraphs for c in p.citations]
    if not citations:
        return None
    latest = max(citations, key=lambda c: c.pk)
    target = latest.filing or latest.claim
    return target.case_id if target else latest.case_id


def reading(request, source):
    """The reading view's context for the source's change page: its paragraphs
    with their marks, citations and dates, the cite form, and what to publish."""
    paragraphs = coverage.read(source)
    if paragraphs is None:
        return {"reading": None}
    with_disputes(paragraphs)
    shown = [
        {
            "number": p.number,
            "parts": marked(p.text, [c.key_phrase for c in p.citations]),
            "citations": [(c, target_url(c), disputed(c)) for c in p.citations],
            "mentions": [(m, cite_url(m), dismiss_url(m)) for m in p.mentions],
        }
        for p in paragraphs
    ]
    can_cite = request.user.has_perms(CITE_PERMISSIONS) and CiteForm.may_cite(request.user)
    can_publish = request.user.has_perms(PUBLISH_WITH_ENTRIES)
    return {
        "reading": shown,
        "cite_url": reverse("admin:workbench_cite", args=[source.pk]),
        "cite_form": (
            CiteForm(source, request.user, initial={"case": last_cited_case(paragraphs)})
            if can_cite
            else None
        ),
        "can_dismiss": request.user.has_perms(DISMISS_PERMISSIONS),
        "to_publish": cases_to_publish(paragraphs) if can_publish else [],
    }


def initial_from(source, params):
    """The cite form's first values from a link's parameters: ``paragraph``,
    ``phrase`` and a date mention's ``date`` (its iso, "--05-29" when it gives
    no year). A phrase holding a date mention stands for the mention. A
    mention without a year leaves the date to the editor and starts the note."""
    initial = {"paragraph": params.get("paragraph"), "key_phrase": params.get("phrase", "")}
    date = params.get("date", "")
    paragraphs = source.paragraphs() or []
    number = to_number(params.get("paragraph"))
    text = paragraphs[number - 1] if number and 0 < number <= len(paragraphs) else ""
    mentions = find_dates(text)
    if date:
        mention = next((m for m in mentions if m.iso == date), None)
    else:
        start = text.find(initial["key_phrase"]) if initial["key_phrase"] else -1
        end = start + len(initial["key_phrase"])
        inside = (m for m in mentions if start >= 0 and start <= m.start and m.end <= end)
        mention = next(inside, None)
        date = mention.iso if mention else ""
    if date.startswith("--"):
        initial["note"] = mention.note if mention else "Year not stated; "
    elif date:
        initial["reported_date"] = initial["date"] = date
    return initial


def cite_view(request, admin_site, source_id):
    """The citation form on its own page (GET, from a paragraph's "Cite" link),
    and saving it (POST, from here or from the reading view)."""
    if not (request.user.has_perms(CITE_PERMISSIONS) and CiteForm.may_cite(request.user)):
        raise PermissionDenied
    source = get_object_or_404(Source.objects.select_related("private_text"), pk=source_id)
    if request.method == "POST":
        form = CiteForm(source, request.user, request.POST)
        if form.is_valid():
            citation = form.save(request.user)
            cited = citation.filing or citation.claim or citation.case
            messages.success(
                request,
                f"Paragraph {citation.locator}: “{citation.key_phrase}” now cites “{cited}”.",
            )
            if citation.filing_id:
                warn_about_dates(request, citation.filing_id)
            return redirect(paragraph_url(source, citation.locator))
    else:
        form = CiteForm(source, request.user, initial=initial_from(source, request.GET))
    paragraphs = source.paragraphs()
    number = to_number(form["paragraph"].value())
    text = (
        paragraphs[number - 1] if paragraphs and number and 0 < number <= len(paragraphs) else None
    )
    context = {
        **admin_site.each_context(request),
        "title": f"Cite paragraph {number} of {source.key}" if text else f"Cite {source.key}",
        "source": source,
        "form": form,
        "number": number,
        "text": text,
        "mentions": find_dates(text) if text else [],
        "paragraph_count": len(paragraphs or []),
        "back": paragraph_url(source, number if text else 1),
        "media": admin_site.get_model_admin(Source).media + form.media,
        "opts": Source._meta,
    }
    return render(request, "admin/workbench/cite.html", context)


def jump_view(request, source_id):
    """The "Jump to paragraph" box without JavaScript: to the paragraph's anchor."""
    if not request.user.has_perm("filings.view_source"):
        raise PermissionDenied
    source = get_object_or_404(Source.objects.select_related("private_text"), pk=source_id)
    form = JumpForm(request.GET)
    count = len(source.paragraphs() or [])
    if form.is_valid() and form.cleaned_data["paragraph"] <= count:
        return redirect(paragraph_url(source, form.cleaned_data["paragraph"]))
    messages.error(request, f"Enter a paragraph number from 1 to {count}.")
    return redirect(reverse("admin:filings_source_change", args=[source.pk]) + "#reading")


def publish_view(request, source_id):
    """Publishes a case cited from the source with its draft entries (POST)."""
    if not request.user.has_perms(PUBLISH_WITH_ENTRIES):
        raise PermissionDenied
    source = get_object_or_404(Source, pk=source_id)
    back = reverse("admin:filings_source_change", args=[source.pk]) + "#publish"
    case_id = to_number(request.POST.get("case"))
    case = Case.objects.filter(pk=case_id).first() if case_id is not None else None
    if request.method != "POST" or case is None:
        messages.error(request, "Choose a case to publish from the list on this page.")
        return redirect(back)
    _, count = publish_with_entries(Case.objects.filter(pk=case.pk), request.user)
    messages.success(
        request,
        format_html(
            'Published “{}” and {} draft {}. <a href="{}">See it as readers do</a>.',
            case,
            count,
            "entry" if count == 1 else "entries",
            case.get_absolute_url(),
        ),
    )
    return redirect(back)


def workbench_urls(admin_site):
    """The pages above, for the source admin's get_urls."""
    return [
        path(
            "<int:source_id>/cite/",
            admin_site.admin_view(cite_view),
            {"admin_site": admin_site},
            name="workbench_cite",
        ),
        path("<int:source_id>/jump/", admin_site.admin_view(jump_view), name="workbench_jump"),
        path(
            "<int:source_id>/publish/",
            admin_site.admin_view(publish_view),
            name="workbench_publish",
        ),
    ]
