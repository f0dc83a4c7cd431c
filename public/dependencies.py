"""What each public page shows, and what each change to the record touches: the
page cache's tokens (core/caching.py has the design).

``PAGES`` gives the tokens each URL's page reads, besides ``all``. A URL not
listed (the API) reads ``global``, which every change bumps. The case page's
header (public.views.case_header) is cached under the case page's tokens, without
the URL, for all its URLs: what it shows must stay within what ``case:<slug>`` covers.

A change is turned into tokens in two steps. ``touched()`` reads marks from the
changed object alone, as it is saved, deleted or (for an update) as it was
stored: the page names it carries (``case:<slug>``) and ``(kind, id)`` pairs to
look up. After the commit, ``pages_of()`` turns the marks into token names
with one query for each kind of mark present, and six for each CASES_PER_QUERY
cases whose neighbourhood goes. The kinds:

- ``case``: something of a case changed (an entry, claim, party in it, citation);
  its *neighbourhood* goes: the case's own page and the pages of every party,
  agency and source shown with it (its parties, judge, court, agencies, filers and
  cited sources), since those pages list its cases, entries and citations.
- ``case-row``: the case itself (caption, dates, published): its neighbourhood,
  the pages of the cases linked to it, and the neighbourhoods of cases whose
  citations place an entry after one of its entries.
- ``filing``: an entry: its case's neighbourhood and those of the cases whose
  citations place an entry after it (they show its title and date).
- ``entry``, ``claim``: the neighbourhood of the case of that entry or claim.
- ``party``, ``agency``, ``source``: a name or title shown wherever it appears:
  its page and the neighbourhood of every case it is in (as a party, judge,
  filer, agency, court, or cited source); an agency also its units' pages (they
  name their parent) and its people's (they name their agency).
- ``party-page``, ``agency-page``, ``source-page``: that page only, for the ends
  of a link that changed (a party added to a case, a citation's source).
"""

from django.db.models import Q

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party
from core.caching import GLOBAL
from filings.models import Citation, Filing, Source


def case(slug):
    return [f"case:{slug}"]


def party(slug):
    return [f"party:{slug}"]


def agency(slug):
    return [f"agency:{slug}"]


def source(key):
    return [f"source:{key}"]


def across_cases(**kwargs):
    return [GLOBAL]


PAGES = {
    "home": across_cases,
    "case-list": across_cases,
    "case-detail": case,
    # Editors only, and they are never served from the cache.
    "case-preview": across_cases,
    "timeline": across_cases,
    "party-list": across_cases,
    "party-detail": party,
    "agency-list": across_cases,
    "agency-detail": agency,
    "source-detail": source,
    "search": across_cases,
    "feed": across_cases,
    "case-feed": case,
    "party-feed": party,
    "agency-feed": agency,
    "case-calendar": case,
    "case-timeline-csv": case,
    "case-list-csv": across_cases,
}


def touched(instance):
    """The marks of what saving or deleting instance changes; None for a model not listed."""
    match instance:
        case Case():
            marks = [
                f"case:{instance.slug}",
                ("case-row", instance.pk),
                ("party-page", instance.judge_id),
                ("agency-page", instance.court_id),
            ]
        case Filing():
            marks = [
                ("filing", instance.pk),
                ("case", instance.case_id),
                ("party-page", instance.filed_by_party_id),
                ("agency-page", instance.filed_by_agency_id),
            ]
        case Citation():
            marks = [
                ("case", instance.case_id),
                ("claim", instance.claim_id),
                ("entry", instance.filing_id),
                ("source-page", instance.source_id),
            ]
        case Claim():
            marks = [("case", instance.case_id)]
        case CaseParty():
            marks = [("case", instance.case_id), ("party-page", instance.party_id)]
        case CaseLink():
            marks = [("case", instance.from_case_id), ("case", instance.to_case_id)]
        case Case.agencies.through():
            marks = [("case", instance.case_id), ("agency-page", instance.agency_id)]
        case Party():
            marks = [
                f"party:{instance.slug}",
                ("party", instance.pk),
                ("agency-page", instance.affiliation_id),
            ]
        case Alias():
            marks = [("party-page", instance.party_id)]
        case Agency():
            marks = [f"agency:{instance.slug}", ("agency", instance.pk)]
            marks.append(("agency-page", instance.parent_id))
        case Source():
            marks = [f"source:{instance.key}", ("source", instance.pk)]
        case _:
            return None
    return {mark for mark in marks if isinstance(mark, str) or mark[1] is not None}


def pages_of(marks):
    """The token names of marks, as the record stands after the commit."""
    ids = {}
    names = set()
    for mark in marks:
        if isinstance(mark, str):
            names.add(mark)
        else:
            ids.setdefault(mark[0], set()).add(mark[1])

    def of(kind):
        return ids.get(kind, set())

    names |= pages(party, Party.objects.filter(pk__in=of("party-page") | of("party")))
    names |= pages(agency, Agency.objects.filter(pk__in=of("agency-page") | of("agency")))
    names |= pages(source, Source.objects.filter(pk__in=of("source-page") | of("source")), "key")
    # An agency's name is on its units' pages, and on its people's.
    names |= pages(agency, Agency.objects.filter(parent__in=of("agency")))
    names |= pages(party, Party.objects.filter(affiliation__in=of("agency")))
    rows = of("case-row")
    linked = CaseLink.objects.filter(Q(from_case__in=rows) | Q(to_case__in=rows))
    names |= pages(case, Case.objects.filter(Q(links_from__in=linked) | Q(links_to__in=linked)))

    # The cases whose neighbourhoods go: one simple query for each kind of mark present.
    parties, agencies = of("party"), of("agency")
    filings_of_rows = Filing.objects.filter(case__in=rows).values("pk")
    citing = Citation.objects.filter(
        Q(source__in=of("source"))
        | Q(reported_after__in=of("filing"))
        | Q(reported_after__in=filings_of_rows)
    )
    by_filer = Q(filed_by_party__in=parties) | Q(filed_by_agency__in=agencies)
    cases = of("case") | rows
    cases |= ids_of(Filing.objects.filter(pk__in=of("entry") | of("filing")), "case")
    cases |= ids_of(Claim.objects.filter(pk__in=of("claim")), "case")
    cases |= ids_of(CaseParty.objects.filter(party__in=parties), "case")
    cases |= ids_of(Case.agencies.through.objects.filter(agency__in=agencies), "case")
    cases |= ids_of(Case.objects.filter(Q(judge__in=parties) | Q(court__in=agencies)), "pk")
    cases |= ids_of(Filing.objects.filter(by_filer), "case")
    cases |= ids_of(citing, "filing__case", "claim__case", "case")
    return names | neighbourhood(cases)


def ids_of(objects, *fields):
    """The ids in fields of objects, None left out."""
    rows = objects.order_by().values_list(*fields).distinct()
    return {pk for row in rows for pk in row if pk is not None}


# Cases whose neighbourhood is read per round of queries.
CASES_PER_QUERY = 500


def neighbourhood(case_ids):
    """The pages that show something of these cases: theirs, and those of their
    parties, judges, courts, agencies, filers and cited sources."""
    names = set()
    case_ids = sorted(case_ids)
    for start in range(0, len(case_ids), CASES_PER_QUERY):
        cases = case_ids[start : start + CASES_PER_QUERY]
        for slug, judge, court in Case.objects.filter(pk__in=cases).values_list(
            "slug", "judge__slug", "court__slug"
        ):
            names.update(case(slug), party(judge) if judge else [], agency(court) if court else [])
        names |= pages(party, Party.objects.filter(case_roles__case__in=cases))
        names |= pages(agency, Agency.objects.filter(cases_brought__in=cases))
        filers = Filing.objects.filter(case__in=cases)
        names |= pages(party, Party.objects.filter(pk__in=filers.values("filed_by_party")))
        names |= pages(agency, Agency.objects.filter(pk__in=filers.values("filed_by_agency")))
        cited = (
            Q(pk__in=Citation.objects.filter(filing__case__in=cases).values("source"))
            | Q(pk__in=Citation.objects.filter(claim__case__in=cases).values("source"))
            | Q(pk__in=Citation.objects.filter(case__in=cases).values("source"))
        )
        names |= pages(source, Source.objects.filter(cited), "key")
    return names


def pages(page, objects, field="slug"):
    """The page names of objects, in one query: page gives one's from its slug or key."""
    values = objects.order_by().values_list(field, flat=True).distinct()
    return {name for value in values for name in page(value)}
