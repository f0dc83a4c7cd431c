import hashlib
from itertools import combinations

from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, prefetch_related_objects
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse

from cases.filters import CaseFilter
from cases.models import Agency, Case, CaseLink, CaseParty, Claim, Party
from core.pagination import BoundedCount, paginate
from filings.filters import TimelineFilter
from filings.models import Citation, Filing, Source, prefetch_citations, read_case_citations

from .forms import OrderForm
from .timeline import entries_page, order_entries, with_everything_token

CASES_PER_PAGE = 20
# A party's or agency's page lists this many of its cases; the case list has them all.
CASES_SHOWN = 50


def more_cases(cases, parameter, slug):
    """How many cases, and where the case list has them all, if a page can't list them all."""
    count = BoundedCount.of(cases.published())
    if count.value <= CASES_SHOWN:
        return None
    return {"count": count, "url": f"{reverse('case-list')}?{parameter}={slug}"}


def home(request):
    recent = order_entries(
        Filing.objects.published().for_timeline().exclude(date=None).order_by("-date")[:8],
        newest_first=True,
    )
    counts = {
        "cases": BoundedCount.of(Case.objects.published()),
        "entries": BoundedCount.of(Filing.objects.published()),
        "parties": BoundedCount.of(Party.objects.all()),
        "agencies": BoundedCount.of(Agency.objects.all()),
        "sources": BoundedCount.of(Source.objects.all()),
    }
    return render(request, "home.html", {"recent": recent, "counts": counts})


def case_list(request):
    filterset = CaseFilter.listing(request.GET)
    valid = filterset.is_valid()
    page, error = paginate(request, filterset.qs, CASES_PER_PAGE) if valid else (None, None)
    query = request.GET.copy()
    query.pop("page", None)
    status = 200 if valid and not error else 400
    context = {"filter": filterset, "page": page, "page_error": error, "query": query.urlencode()}
    return render(request, "public/case_list.html", context, status=status)


def case_detail(request, slug):
    return case_page(request, slug, preview=False)


@staff_member_required
def case_preview(request, slug):
    """The case page with its drafts, for editors to check before publishing."""
    return case_page(request, slug, preview=True)


def case_page(request, slug, preview):
    cases = Case.objects.all() if preview else Case.objects.published()
    case = get_object_or_404(cases.select_related("court", "judge"), slug=slug)
    order = OrderForm(request.GET)
    filings = case.filings.all() if preview else case.filings.published()
    # Unordered: order_entries orders them.
    filings = list(with_everything_token(filings.for_case_timeline()).order_by())
    context = {
        "case": case,
        "preview": preview,
        "header": case_header(request, case, filings, preview),
        "entries": order_entries(filings, newest_first=order.newest_first),
        "newest_first": order.newest_first,
        "order_error": order.error,
    }
    return render(request, "public/case_detail.html", context, status=400 if order.error else 200)


# Bump when the header's HTML would change for the same data: includes/case_header.html
# and what it includes (date.html, date_dispute.html, citation.html), case_header_context,
# or the model code it shows (the __str__ methods, Filing.is_disputed, Case.claim_counts).
HEADER_PREFIX = "case-header1"


def case_header(request, case, filings, preview):
    """The case page above its timeline (includes/case_header.html): its facts, parties,
    related cases and claims. It is the same for every URL of the page, whatever the
    order, query string or Accept header, so it is cached under the page's tokens
    (request.record_state, which core.caching's middleware sets): between two changes
    to what the page shows, the page's variants render it once. Editors' previews,
    never cached, render it each time."""
    state = None if preview else getattr(request, "record_state", None)
    key = None
    if state is not None:
        digest = hashlib.sha256(f"{case.pk} {state}".encode()).hexdigest()
        key = f"{HEADER_PREFIX}:{digest}"
        if (html := cache.get(key)) is not None:
            return html
    context = case_header_context(case, filings, preview)
    html = render_to_string("includes/case_header.html", context)
    if key:
        cache.set(key, html)
    return html


def case_header_context(case, filings, preview):
    prefetch_related_objects(
        [case],
        "agencies",
        Prefetch("case_parties", queryset=CaseParty.objects.select_related("party")),
        # One case's claims: ordered without the join to the case that Meta asks for.
        Prefetch("claims", queryset=Claim.objects.order_by("position", "pk")),
    )
    # Both directions in one query; links_from is in CaseLink's order (by kind), links_to
    # by the other case's caption, then kind.
    links = CaseLink.objects.filter(Q(from_case=case) | Q(to_case=case))
    if not preview:
        links = links.filter(from_case__is_published=True, to_case__is_published=True)
    # Of the linked cases, only what the list shows: caption and address.
    links = (
        links.select_related("from_case", "to_case")
        .only(
            "kind",
            "note",
            "from_case__caption",
            "from_case__slug",
            "to_case__caption",
            "to_case__slug",
        )
        .order_by("from_case__caption", "kind")
    )
    # The entries' citations too: their dates' disputes show beside the filed and closed dates.
    read_case_citations(case, filings)
    roles = {}
    for case_party in case.case_parties.all():
        roles.setdefault(case_party.get_role_display(), []).append(case_party)
    return {
        "case": case,
        "preview": preview,
        "roles": roles,
        "links_from": [link for link in links if link.from_case_id == case.pk],
        "links_to": [link for link in links if link.to_case_id == case.pk],
        "latest_entry": max((f.date for f in filings if f.date), default=None),
        # The entries the filed and closed dates come from, to flag their disputes.
        "filed_entry": next((f for f in filings if case.filed and f.date == case.filed), None),
        "closed_entry": next((f for f in filings if case.closed and f.date == case.closed), None),
        "last_updated": max([case.updated_at, *(f.updated_at for f in filings)]),
    }


def party_list(request):
    # The cases a party is in or judges, as on the party's own page.
    in_case = Q(case_roles__case__is_published=True)
    judged = Q(cases_judged__is_published=True)
    parties = Party.objects.annotate(
        case_count=Count("case_roles__case", filter=in_case, distinct=True)
        + Count("cases_judged", filter=judged, distinct=True)
    )
    return render(request, "public/party_list.html", {"parties": parties})


def agency_list(request):
    agencies = Agency.objects.select_related("parent").annotate(
        case_count=Count("cases_brought", filter=Q(cases_brought__is_published=True), distinct=True)
    )
    return render(request, "public/agency_list.html", {"agencies": agencies})


def party_detail(request, slug):
    party = get_object_or_404(Party.objects.select_related("affiliation"), slug=slug)
    roles = CaseParty.objects.filter(party=party, case__in=Case.objects.published())
    filings = Filing.objects.published().involving_party(party).for_entry_pages()
    page, error = entries_page(request, filings)
    context = {
        "party": party,
        "aliases": party.aliases.all(),
        "roles": roles.select_related("case")[:CASES_SHOWN],
        "judged": Case.objects.published().filter(judge=party)[:CASES_SHOWN],
        "all_cases": more_cases(Case.objects.involving_party(party), "party", party.slug),
        "page": page,
        "page_error": error,
    }
    return render(request, "public/party_detail.html", context, status=400 if error else 200)


def agency_detail(request, slug):
    agency = get_object_or_404(Agency.objects.select_related("parent"), slug=slug)
    filings = Filing.objects.published().involving_agency(agency).for_entry_pages()
    page, error = entries_page(request, filings)
    context = {
        "agency": agency,
        "units": agency.units.all(),
        "people": agency.people.all(),
        "brought": Case.objects.published().filter(agencies=agency)[:CASES_SHOWN],
        "heard": Case.objects.published().filter(court=agency)[:CASES_SHOWN],
        "all_cases": more_cases(Case.objects.involving_agency(agency), "agency", agency.slug),
        "page": page,
        "page_error": error,
    }
    return render(request, "public/agency_detail.html", context, status=400 if error else 200)


def timeline(request):
    filterset = TimelineFilter(request.GET, queryset=Filing.objects.published().for_entry_pages())
    order = OrderForm(request.GET)
    context = {
        "filter": filterset,
        "newest_first": order.newest_first,
        "order_error": order.error,
        "query": request.GET.urlencode(),
    }
    if not filterset.is_valid() or order.error:
        return render(request, "public/timeline.html", context, status=400)
    page, error = entries_page(request, filterset.qs, newest_first=order.newest_first)
    if error:
        context["page_error"] = error
        return render(request, "public/timeline.html", context, status=400)
    context["page"] = page
    return render(request, "public/timeline.html", context)


def dispute_parts(filing, source):
    """How a source with a version in an entry's dispute takes part in it: (whether
    its own dates disagree with each other, whether it disagrees with the others).

    Disagreeing with the others is a date of its own that another source's does
    not agree with, or an order ("after the plea") that the adopted dates
    contradict; or, when its own dates agree with each other, a date the adopted
    one does not agree with. The adopted date alone cannot make a source that
    disagrees with itself disagree with the others: it can agree with one of its
    dates at most.
    """
    own, others = [], []
    for citation in filing.date_versions():
        if citation.reported_date:
            (own if citation.source_id == source.pk else others).append(citation.reported_date)
    itself = any(not a.agrees_with(b) for a, b in combinations(own, 2))
    mine = [c for c in filing.conflicting_citations if c.source_id == source.pk]
    with_others = not itself or any(
        not c.order_agrees(filing.date)
        or (c.reported_date and any(not c.reported_date.agrees_with(d) for d in others))
        for c in mine
    )
    return itself, with_others


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
            prefetch_citations("filing__citations"),
            Prefetch("case__citations", queryset=others),
        )
        .order_by("locator", "pk")
    )
    # The entries where this source's own version is one of those in conflict.
    disputed = dict.fromkeys(
        c.filing for c in citations if c.filing and c in c.filing.conflicting_citations
    )
    parts = {filing: dispute_parts(filing, source) for filing in disputed}
    context = {
        "source": source,
        "citations": citations,
        "disputed_filings": [filing for filing, (_, others) in parts.items() if others],
        "self_disputed_filings": [filing for filing, (itself, _) in parts.items() if itself],
        "disputed_counts": list(
            dict.fromkeys(c.case for c in citations if c.case and c.case.claim_counts_disputed)
        ),
    }
    return render(request, "public/source_detail.html", context)
