from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.functional import cached_property

from core.indexes import PostgreSQLGinIndex
from core.models import Publishable, SlugManager, Versioned, related_for_key, track_history
from core.partial_dates import PartialDateField


class Agency(Versioned):
    class Kind(models.TextChoices):
        REGULATOR = "regulator", "Regulator"
        PROSECUTOR = "prosecutor", "Prosecutor"
        COURT = "court", "Court"
        UNIT = "unit", "Unit within an agency"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(max_length=30, blank=True, help_text="For example SEC.")
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
        help_text="The agency this one is part of, e.g. the SEC for its Crypto Task Force.",
    )

    objects = SlugManager()
    history = track_history()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self):
        return self.abbreviation or self.name

    def get_absolute_url(self):
        return reverse("agency-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)


class Party(Versioned):
    class Kind(models.TextChoices):
        PERSON = "person", "Person"
        ORGANIZATION = "organization", "Organization"

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True, help_text="Who this is, in our own words.")
    affiliation = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="For officials and judges: the agency or court they serve.",
    )
    position = models.CharField(
        max_length=100, blank=True, help_text="For officials and judges, e.g. Chairman."
    )

    objects = SlugManager()
    history = track_history()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "parties"
        # Site search (public/search.py) reads this expression back: see PostgreSQLGinIndex.
        indexes = [
            PostgreSQLGinIndex(
                SearchVector("name", weight="A", config="english")
                + SearchVector("description", weight="B", config="english"),
                name="party_search",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("party-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["cases.agency"]


class AliasManager(models.Manager):
    def get_by_natural_key(self, name, party_slug):
        return self.get(name=name, party__slug=party_slug)


class Alias(Versioned):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, help_text='Another name sources use, e.g. "CZ".')

    objects = AliasManager()
    history = track_history()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["party", "name"], name="unique_alias_per_party"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.name, *related_for_key(self, self.name, "party").natural_key())

    natural_key.dependencies = ["cases.party"]


class CaseQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)

    def published(self):
        """What readers may see. Every public view starts here."""
        return self.filter(is_published=True)

    # Many-valued conditions go through a subquery, so that they neither
    # duplicate cases nor skew the latest-activity annotation.
    def involving_party(self, party):
        """Cases a party is in or judges."""
        return self.filter(
            pk__in=Case.objects.filter(models.Q(case_parties__party=party) | models.Q(judge=party))
        )

    def involving_agency(self, agency):
        """Cases an agency brought or heard."""
        return self.filter(
            pk__in=Case.objects.filter(models.Q(agencies=agency) | models.Q(court=agency))
        )

    def for_case_list(self):
        """Published cases with what every list of them shows: latest activity, court, agencies."""
        return self.published().with_activity().select_related("court").prefetch_related("agencies")

    def with_activity(self):
        """Annotate the date of the latest published entry (ISO prefixes sort by date).

        A subquery per case, which the index filing_case_date answers by reading
        one row, rather than a GROUP BY over every entry.
        """
        filings = self.model.filings.field.model.objects  # Filing, without a circular import
        latest = filings.filter(case=models.OuterRef("pk"), is_published=True, date__isnull=False)
        latest = latest.order_by("-date").values("date")[:1]
        return self.annotate(latest_activity=models.Subquery(latest))


class Case(Publishable):
    class Kind(models.TextChoices):
        CIVIL = "civil", "Civil"
        CRIMINAL = "criminal", "Criminal"
        ADMINISTRATIVE = "administrative", "Administrative"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        STAYED = "stayed", "Stayed"
        SETTLED = "settled", "Settled"
        DISMISSED = "dismissed", "Dismissed"
        CLOSED = "closed", "Closed"

    class Fact(models.TextChoices):
        """Case-level facts a citation can report a number for."""

        CLAIMS_TOTAL = "claims_total", "Number of claims"
        CLAIMS_DISMISSED = "claims_dismissed", "Claims dismissed"
        CLAIMS_IN_FULL = "claims_in_full", "Claims proceeding in full"
        CLAIMS_IN_PART = "claims_in_part", "Claims proceeding in part"

    caption = models.CharField(max_length=300)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(
        max_length=20, choices=Kind.choices, blank=True, help_text="Blank when no source says."
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    court = models.ForeignKey(
        Agency,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_heard",
        limit_choices_to={"kind": Agency.Kind.COURT},
        help_text="The forum, where the sources name one.",
    )
    judge = models.ForeignKey(
        Party,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases_judged",
        limit_choices_to={"kind": Party.Kind.PERSON},
    )
    docket_number = models.CharField(
        max_length=50, blank=True, help_text="Only when a source gives it."
    )
    agencies = models.ManyToManyField(
        Agency,
        blank=True,
        related_name="cases_brought",
        help_text="The agencies that brought the case.",
    )
    filed = PartialDateField(
        null=True, blank=True, help_text="When the case began, at the precision the sources give."
    )
    closed = PartialDateField(null=True, blank=True, help_text="When it ended, if it has.")
    outcome = models.TextField(blank=True, help_text="How it ended, in our own words.")
    summary = models.TextField(blank=True, help_text="What the case is about, in our own words.")

    objects = CaseQuerySet.as_manager()
    history = track_history()

    class Meta:
        ordering = ["caption"]
        # Site search (public/search.py) reads this expression back: see PostgreSQLGinIndex.
        indexes = [
            PostgreSQLGinIndex(
                SearchVector("caption", weight="A", config="english")
                + SearchVector("summary", "outcome", weight="B", config="english"),
                name="case_search",
            ),
        ]

    def __str__(self):
        return self.caption

    def get_absolute_url(self):
        return reverse("case-detail", args=[self.slug])

    def clean(self):
        if self.filed and self.closed and self.closed.last_day < self.filed.first_day:
            message = f"A case cannot close ({self.closed}) before it was filed ({self.filed})."
            raise ValidationError({"closed": message})

    @property
    def has_ended(self):
        """Whether its status says it is over: settled, dismissed or closed."""
        return self.status in {self.Status.SETTLED, self.Status.DISMISSED, self.Status.CLOSED}

    def natural_key(self):
        return (self.slug,)

    natural_key.dependencies = ["cases.agency", "cases.party"]

    @cached_property
    def citation_list(self):
        """The citations of its case-level facts, in source order: from a prefetch of
        ``citations`` when there is one; a case page reads them with its other
        citations (filings.models.read_case_citations)."""
        return list(self.citations.all())

    @cached_property
    def claim_counts(self):
        """Claim counts as each source reports them: {source: {fact: number}}."""
        counts = {}
        for citation in self.citation_list:
            if citation.reported_number is not None:
                counts.setdefault(citation.source, {})[citation.fact] = citation.reported_number
        return counts

    @cached_property
    def claim_counts_disputed(self):
        """True when one source's counts don't add up, or two sources differ."""
        parts = [self.Fact.CLAIMS_DISMISSED, self.Fact.CLAIMS_IN_FULL, self.Fact.CLAIMS_IN_PART]
        for numbers in self.claim_counts.values():
            complete = self.Fact.CLAIMS_TOTAL in numbers and all(p in numbers for p in parts)
            if complete and sum(numbers[p] for p in parts) != numbers[self.Fact.CLAIMS_TOTAL]:
                return True
        return any(
            len({numbers[fact] for numbers in self.claim_counts.values() if fact in numbers}) > 1
            for fact in self.Fact
        )


class CasePartyManager(models.Manager):
    def get_by_natural_key(self, case_slug, party_slug, role):
        return self.get(case__slug=case_slug, party__slug=party_slug, role=role)


class CaseParty(Versioned):
    class Role(models.TextChoices):
        PLAINTIFF = "plaintiff", "Plaintiff"
        DEFENDANT = "defendant", "Defendant"
        RESPONDENT = "respondent", "Respondent"
        INTERVENOR = "intervenor", "Intervenor"
        AMICUS = "amicus", "Amicus curiae"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_parties")
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="case_roles")
    role = models.CharField(max_length=20, choices=Role.choices)
    title = models.CharField(
        max_length=100,
        blank=True,
        help_text="The party's title at the time, e.g. CEO or former CEO.",
    )
    joined = PartialDateField(
        null=True, blank=True, help_text="When the party entered the case, if known."
    )
    left = PartialDateField(
        null=True, blank=True, help_text="When the party left the case, if known."
    )

    objects = CasePartyManager()
    history = track_history()

    class Meta:
        ordering = ["role", "party__name"]
        verbose_name = "party in a case"
        verbose_name_plural = "parties in cases"
        constraints = [
            models.UniqueConstraint(
                fields=["case", "party", "role"], name="unique_party_role_per_case"
            ),
        ]

    def __str__(self):
        return f"{self.party} ({self.get_role_display()}) in {self.case}"

    def natural_key(self):
        return (
            related_for_key(self, self.role, "case").slug,
            related_for_key(self, self.role, "party").slug,
            self.role,
        )

    natural_key.dependencies = ["cases.case", "cases.party"]


class ClaimManager(models.Manager):
    def get_by_natural_key(self, case_slug, slug):
        return self.get(case__slug=case_slug, slug=slug)


class Claim(Versioned):
    class Disposition(models.TextChoices):
        PENDING = "pending", "Pending"
        PROCEEDING = "proceeding", "Allowed to proceed"
        PROCEEDING_IN_PART = "proceeding_in_part", "Allowed to proceed in part"
        DISMISSED = "dismissed", "Dismissed"
        DISMISSED_IN_PART = "dismissed_in_part", "Dismissed in part"
        WITHDRAWN = "withdrawn", "Withdrawn"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="claims")
    slug = models.SlugField(max_length=100)
    title = models.CharField(max_length=200, help_text="The claim or charge, in our own words.")
    disposition = models.CharField(
        max_length=20, choices=Disposition.choices, default=Disposition.PENDING
    )
    position = models.PositiveIntegerField(default=0, help_text="Order among the case's claims.")

    objects = ClaimManager()
    history = track_history()

    class Meta:
        ordering = ["case", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "slug"], name="unique_claim_slug_per_case"),
        ]

    def __str__(self):
        return self.title

    @cached_property
    def citation_list(self):
        """Its citations with their sources, in source order; a case page reads them with
        its other citations (filings.models.read_case_citations)."""
        return list(self.citations.select_related("source"))

    def natural_key(self):
        return (related_for_key(self, self.slug, "case").slug, self.slug)

    natural_key.dependencies = ["cases.case"]


class CaseLinkManager(models.Manager):
    def get_by_natural_key(self, from_slug, to_slug, kind):
        return self.get(from_case__slug=from_slug, to_case__slug=to_slug, kind=kind)


class CaseLink(Versioned):
    class Kind(models.TextChoices):
        PARALLEL_CRIMINAL = "parallel_criminal", "Parallel criminal matter"
        RELATED_ENFORCEMENT = "related_enforcement", "Related enforcement action"
        APPEAL = "appeal", "Appeal"

    # How the link reads from the other case's page, where from_case is listed.
    INVERSE_LABELS = {
        Kind.PARALLEL_CRIMINAL: "Parallel civil or regulatory matter",
        Kind.RELATED_ENFORCEMENT: "Related enforcement action",
        Kind.APPEAL: "Appealed from",
    }

    from_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_from")
    to_case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="links_to")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    note = models.CharField(
        max_length=300, blank=True, help_text="How the cases relate, in our own words."
    )

    objects = CaseLinkManager()
    history = track_history()

    class Meta:
        ordering = ["from_case", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["from_case", "to_case", "kind"], name="unique_case_link"
            ),
            models.CheckConstraint(
                condition=~models.Q(from_case=models.F("to_case")), name="case_link_not_to_itself"
            ),
        ]

    def __str__(self):
        return f"{self.from_case} → {self.to_case} ({self.get_kind_display()})"

    def get_inverse_kind_display(self):
        return self.INVERSE_LABELS[self.kind]

    def natural_key(self):
        return (
            related_for_key(self, self.kind, "from_case").slug,
            related_for_key(self, self.kind, "to_case").slug,
            self.kind,
        )

    natural_key.dependencies = ["cases.case"]
