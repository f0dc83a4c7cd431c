"""Which dates a source's text states, and which of them the record cites.

Every paragraph's date mentions (core.date_mentions.find_dates) are checked
against the citations pointing into that paragraph: a mention is cited when a
citation's reported date is that date (DateMention.matches), and settled when it
is cited or an editor marked it "not a fact for the record" (DismissedMention,
matched by paragraph and words). Reading any number of sources takes the same
few queries: the sources with their texts, their citations, their dismissals.
"""

from collections import defaultdict
from dataclasses import dataclass

from core.date_mentions import DateMention, find_dates
from filings.models import Citation, Source

from .models import DismissedMention


@dataclass
class Mention:
    """One date mention in one paragraph of a source."""

    source: Source
    paragraph: int  # from 1
    found: DateMention
    citations: list[Citation]  # citations into the paragraph that report this date
    dismissal: DismissedMention | None

    @property
    def cited(self):
        return bool(self.citations)

    @property
    def dismissed(self):
        """Marked not a fact for the record and not cited (a citation outranks the mark)."""
        return not self.cited and self.dismissal is not None

    @property
    def settled(self):
        """Cited, or marked not a fact for the record."""
        return self.cited or self.dismissal is not None


@dataclass
class Paragraph:
    number: int  # from 1, as citations' locators count
    text: str
    citations: list[Citation]  # every citation pointing into it
    mentions: list[Mention]


def _citations(sources):
    return (
        Citation.objects.filter(source__in=sources)
        .select_related("filing__case", "claim__case", "case")
        .order_by("locator", "pk")
    )


def _read_all(sources):
    """Each source's paragraphs, or None for a source without text, in the given order."""
    with_text = [source for source in sources if source.paragraphs() is not None]
    citations = defaultdict(list)
    dismissals = {}
    if with_text:
        for citation in _citations(with_text):
            citations[citation.source_id, citation.locator].append(citation)
        for dismissal in DismissedMention.objects.filter(source__in=with_text):
            dismissals[dismissal.source_id, dismissal.paragraph, dismissal.text] = dismissal
    read = []
    for source in sources:
        texts = source.paragraphs()
        if texts is None:
            read.append(None)
            continue
        paragraphs = []
        for number, text in enumerate(texts, start=1):
            cited_here = citations[source.pk, number]
            mentions = [
                Mention(
                    source=source,
                    paragraph=number,
                    found=found,
                    citations=[c for c in cited_here if found.matches(c.reported_date)],
                    dismissal=dismissals.get((source.pk, number, found.text)),
                )
                for found in find_dates(text)
            ]
            paragraphs.append(Paragraph(number, text, cited_here, mentions))
        read.append(paragraphs)
    return read


def read(source):
    """The source's numbered paragraphs with their citations and date mentions,
    or None when the source has no text."""
    return _read_all([source])[0]


def survey(sources=None):
    """Every source (all when None) in key order, paired with ``read``'s answer for it."""
    sources = Source.objects.all() if sources is None else sources
    sources = list(sources.select_related("private_text").order_by("key"))
    return list(zip(sources, _read_all(sources), strict=True))


def mentions(surveyed):
    """Every mention in ``survey``'s answer, in its order; a source without text has none."""
    return [
        mention
        for _, paragraphs in surveyed
        for paragraph in paragraphs or []
        for mention in paragraph.mentions
    ]


def totals(mentions):
    """How many of the mentions were found, are cited, dismissed, and neither."""
    cited = sum(m.cited for m in mentions)
    dismissed = sum(m.dismissed for m in mentions)
    return {
        "mentions": len(mentions),
        "cited": cited,
        "dismissed": dismissed,
        "uncited": len(mentions) - cited - dismissed,
    }
