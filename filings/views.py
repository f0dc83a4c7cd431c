from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404, render

from cases.models import Case
from cases.pagination import entries_page
from cases.views import newest_first

from .filters import TimelineFilter
from .models import Citation, Filing, Source
from .timeline import overview


def timeline(request):
    filterset = TimelineFilter(request.GET, queryset=Filing.objects.published().for_timeline())
    order = newest_first(request)
    context = {"filter": filterset, "newest_first": order, "query": request.GET.urlencode()}
    if not filterset.is_valid() or order is None:
        if order is None:
            context["order_error"] = "Choose oldest first or newest first."
        return render(request, "filings/timeline.html", context, status=400)
    page, error = entries_page(request, filterset.qs, newest_first=order)
    if error:
        context["page_error"] = error
        return render(request, "filings/timeline.html", context, status=400)
    context["page"] = page
    context["overview"] = overview(page.entries, lane_of=lambda f: f.case.caption)
    return render(request, "filings/timeline.html", context)


def source_detail(request, key):
    source = get_object_or_404(Source, key=key)
    others = Citation.objects.select_related("source", "reported_after__case")
    published_cases = Case.objects.published()
    visible = (
        Q(filing__in=Filing.objects.published())
        | Q(claim__case__in=published_cases)
        | Q(case__in=published_cases)
    )
    citations = (
        source.citations.filter(visible)
        .select_related("filing__case", "claim__case", "case", "reported_after__case")
        .prefetch_related(
            Prefetch("filing__citations", queryset=others),
            Prefetch("case__citations", queryset=others),
        )
        .order_by("locator", "pk")
    )
    context = {
        "source": source,
        "citations": citations,
        "disputed_filings": list(
            # Where this source's own version is one of those in conflict.
            dict.fromkeys(
                c.filing for c in citations if c.filing and c in c.filing.conflicting_citations
            )
        ),
        "disputed_counts": list(
            dict.fromkeys(c.case for c in citations if c.case and c.case.claim_counts_disputed)
        ),
    }
    return render(request, "filings/source_detail.html", context)
