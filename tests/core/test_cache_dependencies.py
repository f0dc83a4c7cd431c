"""An edit refreshes the pages that show what it changed, and leaves the others cached.

Transactional tests: tokens change only once a change has committed
(core/caching.py). A page served from the cache costs one query, its tokens.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from public import urls, views
from public.dependencies import PAGES
from tests.core.test_caching import use_the_page_cache
from tests.factories import (
    AgencyFactory,
    CaseFactory,
    CaseLinkFactory,
    CasePartyFactory,
    CitationFactory,
    FilingFactory,
    PartyFactory,
    SourceFactory,
)
from workbench.models import SourceText


@pytest.fixture(autouse=True)
def page_cache(settings):
    use_the_page_cache(settings)


@pytest.fixture
def record(transactional_db):
    """Three cases: A and B share a party, an agency and a source; C shares nothing."""
    sec = AgencyFactory(name="Securities Regulator", slug="regulator")
    shared_party = PartyFactory(name="Shared Person", slug="shared-person")
    shared_source = SourceFactory(title="Shared Article", key="shared.txt")
    cases = {}
    for name in "abc":
        cases[name] = CaseFactory(caption=f"Case {name.upper()}", slug=f"case-{name}")
        entry = FilingFactory(case=cases[name], title=f"Entry of {name.upper()}", date="2024-05")
        source = shared_source if name != "c" else SourceFactory(title="Own Article")
        CitationFactory(filing=entry, source=source)
        if name != "c":
            cases[name].agencies.add(sec)
            CasePartyFactory(case=cases[name], party=shared_party)
    return cases


def served_from_cache(client, url):
    """Whether the page came from the cache: one query, for its tokens."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries) == 1


def page(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


def warm(client, *urls):
    for url in urls:
        client.get(url)
        assert served_from_cache(client, url), url


def test_every_public_page_declares_what_it_depends_on():
    assert {pattern.name for pattern in urls.urlpatterns} == set(PAGES)


def test_an_edit_to_one_case_leaves_another_cases_pages_cached(client, record):
    other = ["/cases/case-c/", "/cases/case-c/feed/", "/cases/case-c/calendar.ics"]
    warm(client, "/cases/case-a/", *other, "/cases/case-c/timeline.csv")
    entry = record["a"].filings.get()
    entry.title = "Entry of A, retitled"
    entry.save()

    assert "Entry of A, retitled" in page(client, "/cases/case-a/")
    for url in [*other, "/cases/case-c/timeline.csv"]:
        assert served_from_cache(client, url), url


def test_an_edit_refreshes_the_pages_of_the_parties_agencies_and_sources_it_shows(client, record):
    pages = ["/parties/shared-person/", "/agencies/regulator/", "/sources/shared.txt/"]
    warm(client, *pages, "/parties/shared-person/feed/")
    entry = record["b"].filings.get()
    entry.title = "Entry of B, retitled"
    entry.save()
    for url in [*pages, "/parties/shared-person/feed/"]:
        assert "Entry of B, retitled" in page(client, url), url


def test_pages_across_cases_refresh_on_any_edit(client, record):
    showing_entries = ["/", "/timeline/", "/feed/", "/api/filings/"]
    others = ["/search/?q=entry", "/cases/", "/cases.csv", "/parties/", "/agencies/", "/api/cases/"]
    warm(client, *showing_entries, *others)
    etags = {url: client.get(url)["ETag"] for url in showing_entries + others}
    entry = record["c"].filings.get()
    entry.title = "Entry of C, retitled"
    entry.save()
    for url in showing_entries:
        assert "Entry of C, retitled" in page(client, url), url
    for url in others:
        assert client.get(url, HTTP_IF_NONE_MATCH=etags[url]).status_code == 200, url


def test_renaming_a_source_refreshes_every_case_page_that_cites_it(client, record):
    warm(client, "/cases/case-a/", "/cases/case-b/", "/cases/case-c/", "/sources/shared.txt/")
    source = record["a"].filings.get().citations.get().source
    source.title = "Shared Article, retitled"
    source.save()
    for url in ["/cases/case-a/", "/cases/case-b/", "/sources/shared.txt/"]:
        assert "Shared Article, retitled" in page(client, url), url
    assert served_from_cache(client, "/cases/case-c/")


def test_renaming_a_party_refreshes_every_case_it_is_in_and_its_page(client, record):
    warm(client, "/cases/case-a/", "/cases/case-b/", "/cases/case-c/", "/parties/shared-person/")
    party = record["a"].case_parties.get().party
    party.name = "Shared Person, renamed"
    party.save()
    for url in ["/cases/case-a/", "/cases/case-b/", "/parties/shared-person/"]:
        assert "Shared Person, renamed" in page(client, url), url
    assert served_from_cache(client, "/cases/case-c/")


def test_a_party_filing_an_entry_in_a_case_it_is_not_in_is_refreshed_there(client, record):
    filer = PartyFactory(name="Outside Filer", slug="outside-filer")
    entry = record["c"].filings.get()
    entry.filed_by_party = filer
    entry.save()
    warm(client, "/cases/case-c/", "/parties/outside-filer/")
    filer.name = "Outside Filer, renamed"
    filer.save()
    for url in ["/cases/case-c/", "/parties/outside-filer/"]:
        assert "Outside Filer, renamed" in page(client, url), url

    entry.filed_by_party = None  # the old filer's page loses the entry
    entry.save()
    assert "Entry of C" not in page(client, "/parties/outside-filer/")


def test_renaming_an_agency_refreshes_its_cases_units_and_people(client, record):
    regulator = record["a"].agencies.get()
    AgencyFactory(name="Enforcement Unit", slug="unit", parent=regulator)
    PartyFactory(name="Official", slug="official", affiliation=regulator)
    urls = ["/cases/case-a/", "/cases/case-b/", "/agencies/unit/", "/parties/official/"]
    warm(client, *urls, "/cases/case-c/")
    regulator.name = "Securities Regulator, renamed"
    regulator.save()
    for url in urls:
        assert "Securities Regulator, renamed" in page(client, url), url
    assert served_from_cache(client, "/cases/case-c/")


def test_publishing_and_unpublishing_an_entry(client, record):
    urls = ["/cases/case-a/", "/parties/shared-person/", "/sources/shared.txt/", "/timeline/"]
    warm(client, *urls, "/cases/case-c/")
    entry = record["a"].filings.get()
    entry.is_published = False
    entry.save()
    for url in urls:
        assert "Entry of A" not in page(client, url), url
    entry.is_published = True
    entry.save()
    for url in urls:
        assert "Entry of A" in page(client, url), url
    assert served_from_cache(client, "/cases/case-c/")


def test_publishing_and_unpublishing_a_case(client, record):
    CaseLinkFactory(from_case=record["a"], to_case=record["c"])
    urls = ["/cases/case-c/", "/parties/shared-person/", "/agencies/regulator/", "/cases/"]
    warm(client, "/cases/case-a/", *urls)
    case = record["a"]
    case.is_published = False
    case.save()
    page(client, "/cases/case-a/", status=404)
    for url in urls:  # the linked case, its party and agency, the case list
        assert "Case A" not in page(client, url), url
    case.is_published = True
    case.save()
    assert "Entry of A" in page(client, "/cases/case-a/")
    for url in urls:
        assert "Case A" in page(client, url), url


def test_a_case_link_refreshes_both_cases(client, record):
    warm(client, "/cases/case-a/", "/cases/case-c/", "/cases/case-b/")
    link = CaseLinkFactory(from_case=record["a"], to_case=record["c"])
    assert "Case C" in page(client, "/cases/case-a/")
    assert "Case A" in page(client, "/cases/case-c/")
    assert served_from_cache(client, "/cases/case-b/")

    record["c"].caption = "Case C, renamed"  # the link shows the other case's caption
    record["c"].save()
    assert "Case C, renamed" in page(client, "/cases/case-a/")

    link.delete()
    assert "Case C" not in page(client, "/cases/case-a/")
    assert "Case A" not in page(client, "/cases/case-c/")


def test_an_entry_placed_after_another_cases_entry_shows_its_new_title(client, record):
    entry_a = record["a"].filings.get()
    entry_c = record["c"].filings.get()
    entry_c.date = "2024-01"  # before A's: the sources disagree, and the page shows why
    entry_c.save()
    citation = entry_c.citations.get()
    citation.reported_after = entry_a
    citation.save()
    assert "Entry of A" in page(client, "/cases/case-c/")
    entry_a.title = "Entry of A, retitled"
    entry_a.save()
    assert "Entry of A, retitled" in page(client, "/cases/case-c/")


def test_an_entry_moved_to_another_case_leaves_the_first(client, record):
    warm(client, "/cases/case-a/", "/cases/case-c/")
    entry = record["a"].filings.get()
    entry.case = record["c"]
    entry.save()
    assert "Entry of A" not in page(client, "/cases/case-a/")
    assert "Entry of A" in page(client, "/cases/case-c/")


def test_a_new_slug_frees_the_old_address(client, record):
    warm(client, "/cases/case-a/", "/parties/shared-person/")
    case = record["a"]
    case.slug = "case-a-renamed"
    case.save()
    page(client, "/cases/case-a/", status=404)
    assert "/cases/case-a-renamed/" in page(client, "/parties/shared-person/")


def test_removing_an_agency_from_a_case_refreshes_the_agencys_page(client, record):
    warm(client, "/agencies/regulator/", "/cases/case-c/")
    record["a"].agencies.clear()
    assert "Case A" not in page(client, "/agencies/regulator/")
    assert served_from_cache(client, "/cases/case-c/")
    record["b"].agencies.remove(record["b"].agencies.get())
    assert "Case B" not in page(client, "/agencies/regulator/")


def test_deleting_a_case_removes_it_from_its_partys_page(client, record):
    warm(client, "/cases/case-c/", "/parties/shared-person/")
    case = Case.objects.get(slug="case-a")
    for entry in case.filings.all():
        entry.citations.all().delete()
        entry.delete()
    case.delete()
    assert "Case A" not in page(client, "/parties/shared-person/")
    assert served_from_cache(client, "/cases/case-c/")


def test_a_private_source_text_leaves_every_page_cached(client, record):
    urls = ["/", "/cases/case-a/", "/sources/shared.txt/"]
    warm(client, *urls)
    source = record["a"].filings.get().citations.get().source
    SourceText.objects.create(source=source, text="Words of our own.")
    for url in urls:
        assert served_from_cache(client, url), url


# The case page's header (public.views.case_header) is cached under the page's tokens
# alone, and shared by every URL of the page: a change must reach it under any URL.


def header_of(html):
    return html[html.index('<header class="case-header">') : html.index('id="timeline-heading"')]


def test_every_url_of_a_case_page_shares_its_header(client, record):
    first = page(client, "/cases/case-a/")
    with CaptureQueriesContext(connection) as queries:
        newest_first = page(client, "/cases/case-a/?order=newest")
    # Tokens, the case, its entries and their citations' versions: not its parties,
    # agencies, claims, links or citations, which only the header shows.
    assert len(queries) == 4, [query["sql"] for query in queries]
    assert header_of(newest_first) == header_of(first)


def test_a_change_to_a_case_pages_header_shows_under_a_url_never_asked_for(client, record):
    page(client, "/cases/case-a/")
    party = record["a"].case_parties.get().party
    party.name = "Shared Person, renamed"
    party.save()
    assert "Shared Person, renamed" in header_of(page(client, "/cases/case-a/?order=newest"))

    CaseLinkFactory(from_case=record["c"], to_case=record["a"])
    assert "Case C" in header_of(page(client, "/cases/case-a/?order=oldest"))

    entry = record["a"].filings.get()
    entry.date = "2025-03"
    entry.save()  # the latest entry's date is in the header
    assert 'datetime="2025-03"' in header_of(page(client, "/cases/case-a/?new-url"))

    record["a"].caption = "Case A, renamed"
    record["a"].save()
    assert "Case A, renamed" in header_of(page(client, "/cases/case-a/?another-url"))


def test_a_preview_neither_uses_nor_leaves_the_header_readers_get(rf, admin_user, record):
    """Called as the middleware leaves a request (record_state set): an editor's preview
    carries a session cookie, so the middleware never sets it, but the view must not
    rely on that."""
    draft = CaseFactory(caption="Draft Case", slug="draft-case", is_published=False)
    CaseLinkFactory(from_case=record["a"], to_case=draft)

    def header(preview):
        request = rf.get("/cases/case-a/")
        request.user = admin_user
        request.record_state = "all=1\ncase:case-a=1"
        return header_of(views.case_page(request, "case-a", preview=preview).content.decode())

    assert "Draft Case" not in header(preview=False)  # readers' header, now cached
    assert "Draft Case" in header(preview=True)
    cache.clear()
    assert "Draft Case" in header(preview=True)
    assert "Draft Case" not in header(preview=False)
