"""Rendered entries, and the overview drawn from them, are cached under the versions of
what they show, and are never stale.

Each request has a query string of its own, so that the page itself is never
served from the page cache: what is checked is the entries' own cache
(public.timeline.rendered_entries). The changes commit for real, as an editor's
do (transactional tests), with the cache in memory.
"""

import itertools

import pytest
from django.core.cache import cache

from core.partial_dates import PartialDate
from filings.models import Citation, Filing
from history.models import Revision
from public.timeline import (
    read_shown_rows,
    rendered_entries,
    rendered_overview,
    shown_rows,
    with_everything_token,
)
from tests.factories import CitationFactory, FilingFactory, PartyFactory
from tests.helpers import entries, entry_elements, entry_title

ENTRY = "includes/entry.html"
OVERVIEW = "includes/overview.html"
requests = itertools.count()


@pytest.fixture(autouse=True)
def entry_cache(settings, transactional_db):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()


def page(client, filing):
    """The case page of an entry's case, rendered afresh: (its entries by slug, how many
    entries were rendered rather than taken from the cache)."""
    response = client.get(filing.case.get_absolute_url(), {"n": next(requests)})
    assert response.status_code == 200
    rendered = sum(template.name == ENTRY for template in response.templates)
    return entries(response.content.decode()), rendered


def test_an_unchanged_entry_comes_from_the_cache(client):
    filing = FilingFactory(date=PartialDate(2024, 5))
    FilingFactory(case=filing.case)
    first, rendered = page(client, filing)
    assert rendered == 2
    again, rendered = page(client, filing)
    assert rendered == 0
    assert again == first


def test_an_edited_entry_is_rendered_again_and_the_others_are_not(client):
    filing = FilingFactory()
    FilingFactory(case=filing.case)
    page(client, filing)
    filing.title = "A title changed by an editor"
    filing.save()
    shown, rendered = page(client, filing)
    assert rendered == 1
    assert "A title changed by an editor" in shown[filing.slug]


def test_a_source_title_edit_refreshes_the_entries_that_cite_it(client):
    citation = CitationFactory()
    page(client, citation.filing)
    citation.source.title = "A retitled source"
    citation.source.save()
    shown, _ = page(client, citation.filing)
    assert "A retitled source" in shown[citation.filing.slug]


def test_a_party_rename_refreshes_the_entries_it_filed(client):
    filing = FilingFactory(filed_by_party=PartyFactory(name="First Name Exchange"))
    page(client, filing)
    filing.filed_by_party.name = "Renamed Exchange"
    filing.filed_by_party.save()
    shown, _ = page(client, filing)
    assert "Renamed Exchange" in shown[filing.slug]


def test_a_removed_citation_leaves_the_entry(client):
    citation = CitationFactory(key_phrase="words soon withdrawn")
    page(client, citation.filing)
    citation.delete()
    shown, _ = page(client, citation.filing)
    assert "words soon withdrawn" not in shown[citation.filing.slug]


def test_the_entry_a_source_places_it_after_decides_its_dispute_when_it_changes(client):
    """The dispute comes from another entry: its date and whether readers may see it."""
    plea = FilingFactory(date=PartialDate(2024, 5))
    sentencing = FilingFactory(case=plea.case, date=PartialDate(2024, 3))
    CitationFactory(filing=sentencing, reported_after=plea)
    shown, _ = page(client, sentencing)
    assert "Sources disagree" in shown[sentencing.slug]
    plea.date = PartialDate(2024, 1)
    plea.save()
    shown, _ = page(client, sentencing)
    assert "Sources disagree" not in shown[sentencing.slug]
    plea.date = PartialDate(2024, 5)
    plea.save()
    page(client, sentencing)
    plea.is_published = False  # a draft places nothing for readers
    plea.save()
    shown, _ = page(client, sentencing)
    assert "Sources disagree" not in shown[sentencing.slug]


def test_a_new_everything_token_renders_every_entry_again(client):
    filing = FilingFactory()
    page(client, filing)
    Revision.bump()  # as a fixture load or a restore does
    _, rendered = page(client, filing)
    assert rendered == 1


def test_the_timeline_shares_the_cache_and_is_refreshed_the_same_way(client):
    filing = FilingFactory(date=PartialDate(2024, 5, 2))
    assert client.get("/timeline/", {"n": 1}).status_code == 200
    response = client.get("/timeline/", {"n": 2})
    assert not any(template.name == ENTRY for template in response.templates)
    filing.case.caption = "SEC v. Renamed Exchange"
    filing.case.save()
    response = client.get("/timeline/", {"n": 3})
    assert "SEC v. Renamed Exchange" in response.content.decode()


def timeline(client):
    """The timeline, rendered afresh: (its entries by title, how many were rendered).
    Its entries come without their citations: the keys are read from their versions
    (public.timeline.read_shown_rows)."""
    response = client.get("/timeline/", {"n": next(requests)})
    assert response.status_code == 200
    rendered = sum(template.name == ENTRY for template in response.templates)
    html = response.content.decode()
    return {entry_title(li): li.inner for li in entry_elements(html)}, rendered


def retitle_source(citation):
    citation.source.title = "A retitled source"
    citation.source.save()


def move_the_entry_before(citation):
    citation.reported_after.date = PartialDate(2024, 1)
    citation.reported_after.save()


def unpublish_the_entry_before(citation):
    citation.reported_after.is_published = False
    citation.reported_after.save()


@pytest.mark.parametrize(
    "change, shows, rendered_again",
    [
        (retitle_source, lambda html: "A retitled source" in html, 1),
        (lambda citation: citation.delete(), lambda html: "the cited words" not in html, 1),
        # The entry before changes too, so both are rendered again.
        (move_the_entry_before, lambda html: "Sources disagree" not in html, 2),
        # The entry before leaves the timeline.
        (unpublish_the_entry_before, lambda html: "Sources disagree" not in html, 1),
    ],
    ids=["source retitled", "citation removed", "entry before moved", "entry before unpublished"],
)
def test_on_the_timeline_a_change_to_what_a_citation_shows_renders_that_entry_again(
    client, change, shows, rendered_again
):
    plea = FilingFactory(date=PartialDate(2024, 5), title="The plea")
    sentencing = FilingFactory(case=plea.case, date=PartialDate(2024, 3), title="The sentence")
    citation = CitationFactory(filing=sentencing, reported_after=plea, key_phrase="the cited words")
    shown, rendered = timeline(client)
    assert rendered == 2
    assert "Sources disagree" in shown["The sentence"]
    assert timeline(client)[1] == 0
    change(citation)
    shown, rendered = timeline(client)
    assert shows(shown["The sentence"])
    assert rendered == rendered_again


def test_an_entrys_key_is_the_same_read_from_its_citations_or_from_their_versions(
    django_assert_num_queries,
):
    plea = FilingFactory()
    sentencing = FilingFactory(case=plea.case)
    CitationFactory(filing=sentencing, reported_after=plea)
    CitationFactory(filing=sentencing)
    uncited = FilingFactory()
    read = Filing.objects.for_timeline().filter(pk__in=[plea.pk, sentencing.pk, uncited.pk])
    with_citations = {f.pk: shown_rows(f) for f in with_everything_token(read)}
    bare = list(
        with_everything_token(Filing.objects.for_entry_pages().filter(pk__in=with_citations))
    )
    with django_assert_num_queries(1):
        read_shown_rows(bare)
        assert {f.pk: shown_rows(f) for f in bare} == with_citations
    assert Citation.objects.count() == 2


def test_html_is_stored_under_what_it_was_rendered_from_not_under_older_versions():
    """An editor adds a citation between the read of the versions and the read of the
    citations to render, then removes it: the versions are then again those of the
    first read, and must not find the HTML that showed the removed citation."""

    def page_entries():
        return list(with_everything_token(Filing.objects.for_entry_pages()))

    filing = CitationFactory(filing=FilingFactory(date=PartialDate(2024, 5))).filing
    read_before = page_entries()
    read_shown_rows(read_before)  # the versions, before the editor's change
    added = CitationFactory(
        filing=filing, key_phrase="words cited for a while", reported_date=PartialDate(2024, 9)
    )
    [html] = rendered_entries(read_before, 3, True)
    assert "words cited for a while" in html  # rendered from what is there now
    assert "mark disputed" in rendered_overview(read_before, "Overview")
    added.delete()
    [html] = rendered_entries(page_entries(), 3, True)
    assert "words cited for a while" not in html
    assert "Sources disagree" not in html
    assert "mark disputed" not in rendered_overview(page_entries(), "Overview")


def overview(client, url, n):
    """A page's overview SVG, rendered afresh or from the cache: (the SVG, whether it was drawn)."""
    response = client.get(url, {"n": n})
    assert response.status_code == 200
    html = response.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    return svg, any(template.name == OVERVIEW for template in response.templates)


def test_an_unchanged_overview_comes_from_the_cache_and_an_edit_redraws_it(client):
    filing = FilingFactory(date=PartialDate(2024, 5), title="Complaint filed")
    FilingFactory(case=filing.case, date=PartialDate(2024, 6, 3))
    url = filing.case.get_absolute_url()
    first, drawn = overview(client, url, 1)
    assert drawn
    again, drawn = overview(client, url, 2)
    assert not drawn
    assert again == first
    filing.date = PartialDate(2024, 7)
    filing.save()
    svg, drawn = overview(client, url, 3)
    assert drawn
    assert "<title>July 2024: Complaint filed</title>" in svg
    assert "May 2024" not in svg


def test_a_dispute_that_appears_on_an_entry_flags_its_mark_in_the_cached_overview(client):
    filing = FilingFactory(date=PartialDate(2024, 5))
    url = filing.case.get_absolute_url()
    svg, _ = overview(client, url, 1)
    assert "disputed" not in svg
    CitationFactory(filing=filing, reported_date=PartialDate(2024, 9))
    svg, drawn = overview(client, url, 2)
    assert drawn
    assert "mark disputed" in svg


def test_the_timelines_overview_follows_a_case_rename_and_a_new_entry(client):
    filing = FilingFactory(date=PartialDate(2024, 5, 2))
    overview(client, "/timeline/", 1)
    _, drawn = overview(client, "/timeline/", 2)
    assert not drawn
    filing.case.caption = "SEC v. Renamed Exchange"
    filing.case.save()
    svg, drawn = overview(client, "/timeline/", 3)
    assert drawn
    assert "SEC v. Renamed Exchange" in svg
    FilingFactory(date=PartialDate(2025, 1, 9), title="A later order")
    svg, _ = overview(client, "/timeline/", 4)
    assert "A later order" in svg


def test_the_case_pages_preview_draws_its_drafts_apart_from_the_public_overview(
    client, admin_client
):
    filing = FilingFactory(date=PartialDate(2024, 5), title="Published order")
    FilingFactory(
        case=filing.case, date=PartialDate(2024, 8), title="Draft order", is_published=False
    )
    public, _ = overview(client, filing.case.get_absolute_url(), 1)
    preview, _ = overview(admin_client, f"/preview/cases/{filing.case.slug}/", 2)
    assert "Draft order" in preview
    assert "Draft order" not in public
    public, drawn = overview(client, filing.case.get_absolute_url(), 3)
    assert not drawn
    assert "Draft order" not in public
