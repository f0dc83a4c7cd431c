"""Atom feeds of timeline entries: one per case, party and agency, and one for the whole record.

An item is one published, dated entry (an undated one has no place in a feed
ordered by date). Its title starts with the date at its own precision ("June
2023: …") and says when sources disagree; its body lists the sources and, when
they disagree, each source's version. Feeds hold the latest FEED_LENGTH entries
by date, newest first, as the home page does.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from cases.models import Agency, Case, Party
from filings.models import Filing

from .timeline import order_entries

FEED_LENGTH = 50
# Ids that stay the same wherever the site is served (RFC 4151 tag URIs).
TAG = "tag:casetracker,2025:"
DISPUTED = "Sources disagree"


def latest(filings):
    """The latest dated entries among filings (already published), newest first."""
    filings = filings.exclude(date=None).for_timeline()
    filings = filings.order_by("-date", "-sequence", "-case_id", "-pk")
    return order_entries(filings[:FEED_LENGTH], newest_first=True)


def source_label(source):
    return f"{source.publisher}: {source.title}" if source.publisher else source.title


def citation_lines(filing):
    """Each source the entry cites: the source, the paragraph and the key phrase."""
    return [
        f"{source_label(c.source)} ({c.source.key}), paragraph {c.locator}: “{c.key_phrase}”"
        for c in filing.citation_list
    ]


def version_lines(filing):
    """Each source's own version of when the entry happened."""
    lines = []
    for citation in filing.date_versions():
        versions = []
        if citation.reported_date:
            versions.append(str(citation.reported_date))
        if citation.published_after:
            after = citation.published_after
            versions.append(f"after “{after.title}” ({after.date or 'date not known'})")
        note = f" ({citation.note})" if citation.note else ""
        lines.append(
            f"{source_label(citation.source)}, paragraph {citation.locator}: "
            f"{', '.join(versions)}{note}"
        )
    return lines


def filed_by(filing):
    return " and ".join(str(f) for f in (filing.filed_by_agency, filing.filed_by_party) if f)


def html_list(lines):
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((li,) for li in lines)))


class EntryFeed(Feed):
    """What every feed's items share; subclasses choose the object and its entries."""

    feed_type = Atom1Feed
    author_name = "Case Tracker"
    item_guid_is_permalink = False

    def item_title(self, filing):
        title = f"{filing.date}: {filing.title}"
        return f"{title} ({DISPUTED.lower()})" if filing.is_disputed else title

    def item_description(self, filing):
        facts = [filing.get_kind_display(), filing.case.caption]
        if filer := filed_by(filing):
            facts.append(f"filed by {filer}")
        body = [
            format_html(
                "<p>{} · Date: {} (known to the {})</p>",
                " · ".join(facts),
                filing.date,
                filing.date.precision,
            )
        ]
        if filing.summary:
            body.append(format_html("<p>{}</p>", filing.summary))
        if filing.is_disputed:
            adopted = f"{filing.date}. {filing.date_note}" if filing.date_note else filing.date
            body.append(
                format_html("<p><strong>{}</strong>. Adopted here: {}</p>", DISPUTED, adopted)
            )
            body.append(html_list(version_lines(filing)))
        body.append(format_html("<p>Sources:</p>{}", html_list(citation_lines(filing))))
        return format_html_join("\n", "{}", ((part,) for part in body))

    def item_guid(self, filing):
        return f"{TAG}{filing.case.slug}/{filing.slug}"

    def item_updateddate(self, filing):
        return filing.updated_at

    def item_categories(self, filing):
        return [filing.get_kind_display(), *([DISPUTED] if filing.is_disputed else [])]


class LatestEntriesFeed(EntryFeed):
    title = "Case Tracker: latest entries"
    subtitle = "The latest entries across all cases, with their sources."
    feed_guid = f"{TAG}latest"

    def link(self):
        return reverse("home")

    def items(self):
        return latest(Filing.objects.published())


class CaseFeed(EntryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Case.objects.published(), slug=slug)

    def title(self, case):
        return f"{case.caption}: latest entries"

    def subtitle(self, case):
        return f"Entries on the timeline of {case.caption}, with their sources."

    def link(self, case):
        return case.get_absolute_url()

    def feed_guid(self, case):
        return f"{TAG}cases/{case.slug}"

    def items(self, case):
        return latest(case.filings.published())


class PartyFeed(EntryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Party, slug=slug)

    def title(self, party):
        return f"{party.name}: latest entries"

    def subtitle(self, party):
        return f"Entries in the cases of {party.name}, and those they filed, with their sources."

    def link(self, party):
        return party.get_absolute_url()

    def feed_guid(self, party):
        return f"{TAG}parties/{party.slug}"

    def items(self, party):
        return latest(Filing.objects.published().involving_party(party))


class AgencyFeed(EntryFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Agency, slug=slug)

    def title(self, agency):
        return f"{agency.name}: latest entries"

    def subtitle(self, agency):
        return (
            f"Entries in the cases {agency.name} brought or heard, and those it filed, "
            "with their sources."
        )

    def link(self, agency):
        return agency.get_absolute_url()

    def feed_guid(self, agency):
        return f"{TAG}agencies/{agency.slug}"

    def items(self, agency):
        return latest(Filing.objects.published().involving_agency(agency))
