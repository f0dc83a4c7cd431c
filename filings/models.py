from itertools import combinations

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property

from cases.models import Agency, Case, Claim, Party
from core.indexes import PostgreSQLGinIndex
from core.models import Publishable, Versioned, related_for_key, track_history
from core.partial_dates import PartialDateField

from . import key_phrases

KEY_PHRASE_MAX_WORDS = 12
# A source's key appears in its URL (casetracker/urls.py matches the same
# characters). Not dots alone: clients collapse "." and ".." in paths.
SOURCE_KEY_CHARACTERS = r"[A-Za-z0-9._-]+"
SOURCE_KEY = rf"^(?!\.+\Z){SOURCE_KEY_CHARACTERS}\Z"


class KeyPhraseField(models.CharField):
    """A short verbatim quotation: at most twelve words.

    Checked in ``to_python`` so that ``loaddata`` rejects a long phrase too;
    fixtures skip model validation but not field conversion.
    """

    def to_python(self, value):
        value = super().to_python(value)
        if value and len(value.split()) > KEY_PHRASE_MAX_WORDS:
            raise ValidationError(
                "A key phrase may have at most %(limit)d words; this one has %(count)d.",
                code="key_phrase_too_long",
                params={"limit": KEY_PHRASE_MAX_WORDS, "count": len(value.split())},
            )
        return value


class SourceManager(models.Manager):
    def get_by_natural_key(self, key):
        return self.get(key=key)


class Source(Versioned):
    class Kind(models.TextChoices):
        ARTICLE = "article", "News article"
        PRIMARY = "primary", "Primary document"

    key = models.CharField(
        max_length=100,
        unique=True,
        validators=[
            RegexValidator(
                SOURCE_KEY, "Use letters, digits, dots, hyphens and underscores, not dots alone."
            )
        ],
        help_text="Stable identifier, part of the source's address; for the seed articles, "
        "the file name.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(max_length=300, help_text="A descriptive title in our own words.")
    publisher = models.CharField(max_length=200, blank=True, help_text="Only when known.")
    published = PartialDateField(null=True, blank=True, help_text="Only as precisely as known.")
    url = models.URLField(blank=True)
    language_note = models.CharField(
        max_length=300, blank=True, help_text="Original language, translation, or quality of text."
    )
    objects = SourceManager()
    history = track_history()

    class Meta:
        ordering = ["key"]

    def __str__(self):
        return self.publisher or self.title

    def get_absolute_url(self):
        return reverse("source-detail", args=[self.key])

    def natural_key(self):
        return (self.key,)

    def paragraphs(self):
        """The text's paragraphs (core.texts.paragraphs), or None when no text is attached.

        The text is private to editors and lives in the workbench app
        (``SourceText``), reached here through its one-to-one relation: read from
        the database, so that every app server checks against the same words.
        """
        text = getattr(self, "private_text", None)
        return text.paragraphs() if text is not None else None


# Up to this many cases go into a query as a list of ids (see in_cases).
FEW_CASES = 500


# What an entry's citations are read with: their sources, and the entries they place it
# after with those entries' cases (whether readers may see them, for the dispute).
CITATION_RELATED = ("source", "reported_after__case")


def prefetch_citations(lookup="citations", queryset=None):
    """Read the citations of many entries into each one's Filing.citation_list, by
    default in source order with CITATION_RELATED.

    One query for them all, as any prefetch; with ``to_attr``, Django also skips the
    filtered copy of the ``citations`` queryset it otherwise makes for each entry.
    """
    if queryset is None:
        queryset = Citation.objects.in_source_order().select_related(*CITATION_RELATED)
    return models.Prefetch(lookup, queryset=queryset, to_attr="citation_list")


# What a case page shows of the entry a citation places its entry after, and of that
# entry's case (Citation.published_after and order_agrees, includes/date_versions.html,
# the versions in public.timeline.shown_rows; "case" is the key to join that case by):
# read_case_citations leaves the rest of those rows unread.
AFTER_SHOWN = {"is_published", "version", "title", "date", "case"}
AFTER_CASE_SHOWN = {"is_published", "version"}


def unshown(lookup, model, shown):
    """The lookups of ``model``'s fields, other than its key and ``shown``, from ``lookup``."""
    return [
        f"{lookup}__{field.name}"
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in shown
    ]


def read_case_citations(case, filings):
    """Read every citation a case page shows in one query instead of three prefetch
    queries: the case's own (its claim counts), its claims' and these entries of it.

    Sets Case.citation_list, each claim's Claim.citation_list and each entry's
    Filing.citation_list, all in source order; the entries' with CITATION_RELATED, of
    which the entries they are placed after only as much as the page shows (AFTER_SHOWN).
    """
    claims = list(case.claims.all())
    citations = (
        Citation.objects.in_source_order()
        .filter(Q(case=case) | Q(claim__in=claims) | Q(filing__in=filings))
        .select_related(*CITATION_RELATED)
        .defer(
            *unshown("reported_after", Filing, AFTER_SHOWN),
            *unshown("reported_after__case", Case, AFTER_CASE_SHOWN),
        )
    )
    found = {}
    for citation in citations:
        field = "filing" if citation.filing_id else "claim" if citation.claim_id else "case"
        found.setdefault((field, getattr(citation, f"{field}_id")), []).append(citation)
    for field, targets in [("case", [case]), ("claim", claims), ("filing", filings)]:
        for target in targets:
            target.citation_list = found.get((field, target.pk), [])
            # Each citation back to what it cites, as a prefetch sets it: no query to read it.
            for citation in target.citation_list:
                setattr(citation, field, target)


def in_cases(cases):
    """The condition "in one of these cases", for entries.

    Few cases go in as a list of their ids, so that PostgreSQL expects few rows
    and reads them by case; given a subquery, OR-ed with another condition, it
    guesses half the table and scans all of it in date order for a party in two
    cases (docs/benchmarks.md has the figures). Many cases stay a subquery, and
    for them that scan finds a page of entries at once.
    """
    ids = list(cases.values_list("pk", flat=True)[: FEW_CASES + 1])
    return Q(case__in=ids if len(ids) <= FEW_CASES else cases)


class FilingQuerySet(models.QuerySet):
    def get_by_natural_key(self, case_slug, slug):
        return self.get(case__slug=case_slug, slug=slug)

    def published(self):
        """What readers may see. Every public view starts here."""
        return self.filter(is_published=True, case__is_published=True)

    def involving_party(self, party):
        """Entries in the cases a party is in or judges, and entries it filed."""
        return self.filter(in_cases(Case.objects.involving_party(party)) | Q(filed_by_party=party))

    def involving_agency(self, agency):
        """Entries in the cases an agency brought or heard, and entries it filed."""
        return self.filter(
            in_cases(Case.objects.involving_agency(agency)) | Q(filed_by_agency=agency)
        )

    def next_sequence(self, case):
        """A sequence number after the case's last entry, rounded to leave a gap of 10."""
        last = self.filter(case=case).aggregate(last=models.Max("sequence"))["last"] or 0
        return last - last % 10 + 10

    def for_timeline(self):
        """Everything an entry shows: its case, filer, and citations with their sources."""
        return self.for_entry_pages().prefetch_related(prefetch_citations())

    def for_entry_pages(self):
        """for_timeline without the citations, for the pages of entries that
        public.timeline.entries_page serves: their rendering reads the citations
        only of the entries it does not find in the cache."""
        return self.for_case_timeline().select_related("case")

    def for_case_timeline(self):
        """What an entry shows on its own case's page, except its citations: the page
        reads them with the case's other citations (read_case_citations). The other
        pages of entries build on it (for_entry_pages, for_timeline).

        For entries read through their case (``case.filings``), which sets each
        entry's case to that one without a join.
        """
        return self.select_related("filed_by_party", "filed_by_agency")


class Filing(Publishable):
    class Kind(models.TextChoices):
        COMPLAINT = "complaint", "Complaint"
        MOTION = "motion", "Motion"
        STAY_REQUEST = "stay_request", "Stay request"
        ORDER = "order", "Order or ruling"
        STIPULATION = "stipulation", "Stipulation"
        PLEA_AGREEMENT = "plea_agreement", "Plea agreement"
        SENTENCING = "sentencing", "Sentencing"
        SETTLEMENT = "settlement", "Settlement"
        STATEMENT = "statement", "Statement"
        OTHER = "other", "Other"

    # PROTECT here and NO ACTION in the database: a case with entries cannot be deleted.
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="filings")
    slug = models.SlugField(max_length=100, help_text="Permalink anchor, unique within the case.")
    sequence = models.PositiveIntegerField(
        blank=True,
        help_text="Orders entries on the same date, and places undated ones, within the case. "
        "Left blank, it is set after the case's last entry, leaving a gap of 10 so that "
        "entries can be inserted.",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True, help_text="What it says or did, in our own words.")
    date = PartialDateField(
        null=True,
        blank=True,
        help_text="The adopted date, no more precise than the sources state it. "
        "Each source's own version is on its citation.",
    )
    date_note = models.TextField(blank=True, help_text="How the adopted date was reached.")
    filed_by_party = models.ForeignKey(
        Party, null=True, blank=True, on_delete=models.PROTECT, related_name="filings"
    )
    filed_by_agency = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="filings",
        help_text="Set both this and the party for a joint filing.",
    )
    docket_entry = models.PositiveIntegerField(null=True, blank=True)
    document_url = models.URLField(blank=True)

    objects = FilingQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["case", "sequence", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "slug"], name="unique_filing_slug_per_case"),
        ]
        # Site search (public/search.py) reads this expression back: see PostgreSQLGinIndex.
        indexes = [
            PostgreSQLGinIndex(
                SearchVector("title", weight="A", config="english")
                + SearchVector("summary", weight="B", config="english"),
                name="filing_search",
            ),
            # Long timelines page in this order (public/timeline.py: page_of_entries),
            # and the home page and feeds read the latest entries from its end.
            models.Index(fields=["date", "sequence", "case", "id"], name="filing_timeline_order"),
            # A case's latest entry, for the case list's activity (CaseQuerySet.with_activity).
            models.Index(fields=["case", "date"], name="filing_case_date"),
        ]

    def __str__(self):
        return f"{self.date or 'Undated'}: {self.title}"

    def get_absolute_url(self):
        return f"{self.case.get_absolute_url()}#{self.anchor}"

    def save(self, *args, **kwargs):
        if self.sequence is None:
            self.sequence = Filing.objects.next_sequence(self.case_id)
        super().save(*args, **kwargs)

    def natural_key(self):
        return (related_for_key(self, self.slug, "case").slug, self.slug)

    natural_key.dependencies = ["cases.case", "cases.party", "cases.agency"]

    def date_warning(self):
        """A doubt about the adopted date that does not block saving it."""
        filed = self.case.filed if self.case_id else None
        if self.date and filed and self.date.last_day < filed.first_day:
            return (
                f"The date {self.date} is before the case was filed ({filed}). "
                "News dates can be fuzzy, so this is allowed; check the sources."
            )
        return None

    @property
    def anchor(self):
        """The entry's permalink fragment on its case page."""
        return f"entry-{self.slug}"

    @cached_property
    def citation_list(self):
        """Its citations in source order, with their sources and the entries they place
        it after: read here for one entry, or for many at once by prefetch_citations()
        (or, on a case page, read_case_citations).
        Read once and kept: read the entry again after changing its citations."""
        return list(self.citations.in_source_order().select_related(*CITATION_RELATED))

    def date_versions(self):
        """The citations that say when this happened: a date, or an order."""
        return [c for c in self.citation_list if c.reported_date or c.published_after]

    @cached_property
    def conflicting_citations(self):
        """The citations whose version disagrees with another one or with the adopted date.

        Dates agree when one is a prefix of the other ("2025-05" and
        "2025-05-29"); an order ("after the plea") must fit the adopted dates.
        """
        versions = self.date_versions()
        conflicting = {c for c in versions if not c.order_agrees(self.date)}
        dated = [c for c in versions if c.reported_date]
        if self.date:
            conflicting.update(c for c in dated if not c.reported_date.agrees_with(self.date))
        for a, b in combinations(dated, 2):
            if not a.reported_date.agrees_with(b.reported_date):
                conflicting.update((a, b))
        return conflicting

    @cached_property
    def is_disputed(self):
        """Whether sources disagree with each other or with the adopted date."""
        return bool(self.conflicting_citations)


class CitationManager(models.Manager):
    def in_source_order(self):
        """By source, then paragraph: the order entries list their citations in."""
        return self.order_by("source__key", "locator", "pk")

    def get_by_natural_key(
        self, source_key, locator, key_phrase, case_slug, filing_slug, claim_slug, fact
    ):
        target = Q(case__slug=case_slug, fact=fact)
        if filing_slug:
            target = Q(filing__case__slug=case_slug, filing__slug=filing_slug)
        elif claim_slug:
            target = Q(claim__case__slug=case_slug, claim__slug=claim_slug)
        return self.get(target, source__key=source_key, locator=locator, key_phrase=key_phrase)


class Citation(Versioned):
    """Links one fact to the passage of a source that states it.

    The fact is a filing, a claim, or a case-level fact such as a claim count.
    The citation keeps the source's own version: the date it gives, the order
    it implies, or the number it reports, so that disagreements are computed.
    """

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    locator = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1)],
        help_text="Paragraph number, from 1: the nth non-blank line of the source's text.",
    )
    key_phrase = KeyPhraseField(
        max_length=200,
        help_text=f"Verbatim words from that paragraph, at most {KEY_PHRASE_MAX_WORDS}; "
        "never a whole sentence.",
    )
    filing = models.ForeignKey(
        Filing, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    claim = models.ForeignKey(
        Claim, null=True, blank=True, on_delete=models.CASCADE, related_name="citations"
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="citations",
        help_text="For a case-level fact; name the fact too.",
    )
    fact = models.CharField(max_length=30, choices=Case.Fact.choices, blank=True)
    reported_date = PartialDateField(
        null=True, blank=True, help_text="The date as this source gives it, at its precision."
    )
    # PROTECT: clearing it on delete would happen without history. An editor
    # must first change the citations that place entries after this one.
    reported_after = models.ForeignKey(
        Filing,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set when this source places the entry after another one.",
    )
    reported_number = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a count, the number this source reports."
    )
    note = models.CharField(
        max_length=300,
        blank=True,
        help_text="How the source's version was read, e.g. a year it implies.",
    )

    objects = CitationManager()
    history = track_history()

    class Meta:
        ordering = ["source", "locator", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(filing__isnull=False, claim__isnull=True, case__isnull=True, fact="")
                    | Q(filing__isnull=True, claim__isnull=False, case__isnull=True, fact="")
                    | (Q(filing__isnull=True, claim__isnull=True, case__isnull=False) & ~Q(fact=""))
                ),
                name="citation_has_one_target",
                violation_error_message="Cite exactly one of: a filing, a claim, a case fact.",
            ),
            models.CheckConstraint(
                condition=Q(locator__gte=1),
                name="citation_locator_from_1",
                violation_error_message="Paragraphs are numbered from 1.",
            ),
            models.UniqueConstraint(
                fields=["source", "locator", "key_phrase", "filing"],
                condition=Q(filing__isnull=False),
                name="unique_filing_citation",
            ),
            models.UniqueConstraint(
                fields=["source", "locator", "key_phrase", "claim"],
                condition=Q(claim__isnull=False),
                name="unique_claim_citation",
            ),
            models.UniqueConstraint(
                fields=["source", "locator", "key_phrase", "case", "fact"],
                condition=Q(case__isnull=False),
                name="unique_case_fact_citation",
            ),
        ]

    def __str__(self):
        return f"{self.source}, para. {self.locator}: “{self.key_phrase}”"

    def clean(self):
        """Check the key phrase against the source's text, when the text is at hand; when the
        words are not in the cited paragraph, the message says where they are (key_phrases)."""
        paragraphs = self.source.paragraphs() if self.source_id else None
        if not paragraphs or not self.locator:
            return
        if self.locator > len(paragraphs):
            raise ValidationError(
                {"locator": f"The text of {self.source.key} has {len(paragraphs)} paragraphs."}
            )
        if self.key_phrase and (
            message := key_phrases.problem(
                paragraphs, self.locator, self.key_phrase, self.source.key
            )
        ):
            raise ValidationError({"key_phrase": message})

    def natural_key(self):
        target = related_for_key(self, self.key_phrase, "case", "filing", "claim")
        case = target if isinstance(target, Case) else target.case
        return (
            related_for_key(self, self.key_phrase, "source").key,
            self.locator,
            self.key_phrase,
            case.slug,
            self.filing.slug if self.filing else "",
            self.claim.slug if self.claim else "",
            self.fact,
        )

    natural_key.dependencies = ["filings.source", "filings.filing", "cases.claim", "cases.case"]

    @property
    def published_after(self):
        """The entry this source places this one after, when readers may see it.

        A draft's title and date stay out of public pages, and out of the
        dispute computed for them.
        """
        after = self.reported_after
        if after and after.is_published and after.case.is_published:
            return after
        return None

    def order_agrees(self, adopted_date):
        """False when this source's order contradicts the adopted dates."""
        after = self.published_after
        if not (after and adopted_date and after.date):
            return True
        return adopted_date.last_day >= after.date.first_day
