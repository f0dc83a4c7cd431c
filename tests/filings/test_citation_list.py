"""Filing.citation_list: an entry's citations in source order, read alone or prefetched;
and read_case_citations, which reads a case page's citations of every kind at once."""

import pytest

from cases.models import Case, Claim
from filings.models import Filing, read_case_citations

from ..factories import CitationFactory, ClaimFactory, FilingFactory, SourceFactory

pytestmark = pytest.mark.django_db


def shown(filing):
    """What an entry shows of each citation: the source, the paragraph, the entry before
    (its title, and whether readers may see it and its case)."""
    return [
        (
            c.source.key,
            c.locator,
            c.reported_after
            and (
                c.reported_after.title,
                c.reported_after.is_published,
                c.reported_after.case.is_published,
            ),
        )
        for c in filing.citation_list
    ]


@pytest.fixture
def entry():
    """An entry cited by two sources, the later-keyed one first, and twice by one of them."""
    entry = FilingFactory()
    earlier = FilingFactory(case=entry.case)
    first, second = SourceFactory(key="a-source.txt"), SourceFactory(key="b-source.txt")
    CitationFactory(filing=entry, source=second, locator=1, reported_after=earlier)
    CitationFactory(filing=entry, source=first, locator=4)
    CitationFactory(filing=entry, source=first, locator=2)
    return entry


def test_an_entry_read_alone_lists_its_citations_in_source_order_in_one_query(
    entry, django_assert_num_queries
):
    filing = Filing.objects.get(pk=entry.pk)
    title = entry.citations.get(locator=1).reported_after.title
    with django_assert_num_queries(1):
        assert shown(filing) == [
            ("a-source.txt", 2, None),
            ("a-source.txt", 4, None),
            ("b-source.txt", 1, (title, True, True)),
        ]
        assert filing.citation_list[0].filing is filing  # no query back to the entry
        assert len(shown(filing)) == 3  # kept: no second query


def test_entries_read_for_a_timeline_bring_their_citations_in_the_same_order(
    entry, django_assert_num_queries
):
    other = CitationFactory().filing
    uncited = FilingFactory()
    alone = shown(Filing.objects.get(pk=entry.pk))
    with django_assert_num_queries(2):  # the entries, then all their citations
        filings = {f.pk: f for f in Filing.objects.for_timeline()}
        assert shown(filings[entry.pk]) == alone
        assert [c.filing for c in filings[other.pk].citation_list] == [filings[other.pk]]
        assert filings[uncited.pk].citation_list == []


def test_a_case_page_reads_the_citations_of_its_facts_claims_and_entries_in_one_query(
    entry, django_assert_num_queries
):
    case = entry.case
    claim, uncited_claim = ClaimFactory(case=case), ClaimFactory(case=case)
    source = SourceFactory(key="c-source.txt")
    CitationFactory(claim=claim, source=source, locator=3)
    CitationFactory(claim=claim, source=source, locator=1)
    CitationFactory(case=case, fact=Case.Fact.CLAIMS_TOTAL, reported_number=13, source=source)
    CitationFactory(claim=ClaimFactory(), source=source)  # another case's claim
    draft = FilingFactory(case=case, is_published=False)
    CitationFactory(filing=draft, source=source)
    alone = shown(Filing.objects.get(pk=entry.pk))
    case = Case.objects.prefetch_related("claims").get(pk=case.pk)
    filings = list(case.filings.published())  # the draft is not among them
    with django_assert_num_queries(1):
        read_case_citations(case, filings)
        by_pk = {f.pk: f for f in filings}
        assert shown(by_pk[entry.pk]) == alone
        assert all(c.filing is by_pk[entry.pk] for c in by_pk[entry.pk].citation_list)
        claims = {c.pk: c for c in case.claims.all()}
        assert [c.locator for c in claims[claim.pk].citation_list] == [1, 3]
        assert claims[claim.pk].citation_list[0].claim is claims[claim.pk]
        assert claims[uncited_claim.pk].citation_list == []
        assert [(c.case, c.reported_number) for c in case.citation_list] == [(case, 13)]
        assert case.claim_counts == {source: {Case.Fact.CLAIMS_TOTAL: 13}}


def test_a_claim_or_a_case_read_alone_lists_its_citations(django_assert_num_queries):
    citation = CitationFactory(claim=ClaimFactory())
    counted = CitationFactory(case=citation.claim.case, fact=Case.Fact.CLAIMS_TOTAL)
    claim = Claim.objects.get(pk=citation.claim.pk)
    case = Case.objects.get(pk=citation.claim.case.pk)
    with django_assert_num_queries(2):
        assert [(c, c.source.key) for c in claim.citation_list] == [(citation, citation.source.key)]
        assert case.citation_list == [counted]
