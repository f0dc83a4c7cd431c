"""Filing.citation_list: an entry's citations in source order, read alone or prefetched."""

import pytest

from filings.models import Filing

from ..factories import CitationFactory, FilingFactory, SourceFactory

pytestmark = pytest.mark.django_db


def shown(filing):
    """What an entry shows of each citation: the source, the paragraph, the entry before."""
    return [
        (c.source.key, c.locator, c.reported_after and c.reported_after.case.caption)
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
    caption = entry.case.caption
    with django_assert_num_queries(1):
        assert shown(filing) == [
            ("a-source.txt", 2, None),
            ("a-source.txt", 4, None),
            ("b-source.txt", 1, caption),
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
