"""factory_boy factories for the tracker's models, and grow_seed, which adds cases like the seed's.

Everything readers see (cases, entries) is published unless a test says otherwise.
A citation cites a new entry unless it is given a claim or a case fact instead.
"""

import factory
from factory.django import DjangoModelFactory

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party
from filings.models import Citation, Filing, Source


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Generated Agency {n}")
    slug = factory.Sequence(lambda n: f"generated-agency-{n}")
    kind = Agency.Kind.REGULATOR


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    name = factory.Sequence(lambda n: f"Generated Party {n}")
    slug = factory.Sequence(lambda n: f"generated-party-{n}")
    kind = Party.Kind.PERSON


class AliasFactory(DjangoModelFactory):
    class Meta:
        model = Alias

    party = factory.SubFactory(PartyFactory)
    name = factory.Sequence(lambda n: f"GX{n}")


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    is_published = True
    caption = factory.Sequence(lambda n: f"SEC v. Generated Exchange {n}")
    slug = factory.Sequence(lambda n: f"generated-case-{n}")
    kind = Case.Kind.CIVIL
    status = Case.Status.ACTIVE

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            self.agencies.set(extracted)


class CasePartyFactory(DjangoModelFactory):
    class Meta:
        model = CaseParty

    case = factory.SubFactory(CaseFactory)
    party = factory.SubFactory(PartyFactory)
    role = CaseParty.Role.DEFENDANT


class ClaimFactory(DjangoModelFactory):
    class Meta:
        model = Claim

    case = factory.SubFactory(CaseFactory)
    slug = factory.Sequence(lambda n: f"claim-{n}")
    title = factory.Sequence(lambda n: f"Claim {n}")


class CaseLinkFactory(DjangoModelFactory):
    class Meta:
        model = CaseLink

    from_case = factory.SubFactory(CaseFactory)
    to_case = factory.SubFactory(CaseFactory)
    kind = CaseLink.Kind.RELATED_ENFORCEMENT


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    key = factory.Sequence(lambda n: f"generated-{n:03d}.txt")
    title = factory.Sequence(lambda n: f"Generated source {n}")


class FilingFactory(DjangoModelFactory):
    class Meta:
        model = Filing

    is_published = True
    case = factory.SubFactory(CaseFactory)
    slug = factory.Sequence(lambda n: f"entry-{n}")
    sequence = factory.Sequence(lambda n: 10 * (n + 1))
    kind = Filing.Kind.MOTION
    title = factory.Sequence(lambda n: f"Generated entry {n}")


class CitationFactory(DjangoModelFactory):
    """Cites one target: a new entry, unless given a claim or a case (with its fact)."""

    class Meta:
        model = Citation

    source = factory.SubFactory(SourceFactory)
    locator = 1
    key_phrase = factory.Sequence(lambda n: f"phrase {n}")
    claim = None
    case = None
    filing = factory.Maybe(
        factory.LazyAttribute(lambda o: o.claim is None and o.case is None),
        yes_declaration=factory.SubFactory(FilingFactory),
        no_declaration=None,
    )


def grow_seed(count=30):
    """Adds ``count`` published cases like the seed's, around its busiest records.

    Each involves Zhao, the judge, the SEC, the court and sources 000 and 003, and
    adds a party, a claim, an entry and a count to SEC v. Binance, so that the
    pages about them grow: a query count that grew with the data would show.
    Returns the new cases.
    """
    sec, doj, ddc = (Agency.objects.get(slug=slug) for slug in ("sec", "doj", "ddc"))
    zhao = Party.objects.get(slug="changpeng-zhao")
    judge = Party.objects.get(slug="amy-berman-jackson")
    binance = Case.objects.get(slug="sec-v-binance")
    source_000 = Source.objects.get(key="000_26f21f1ec1e397ac.txt")
    source_003 = Source.objects.get(key="003_4ad433f5cb8dccfd.txt")
    cases = []
    for i in range(count):
        source = SourceFactory(title=f"Generated source {i}")
        company = AliasFactory(
            name=f"GX{i}",
            party__name=f"Generated Exchange {i}",
            party__kind=Party.Kind.ORGANIZATION,
        ).party
        official = PartyFactory(
            name=f"Generated Official {i}", affiliation=sec, position="Director"
        )
        case = CaseFactory(
            caption=f"SEC v. Generated Exchange {i}",
            court=ddc,
            judge=judge,
            filed=f"{2020 + i % 5}-{1 + i % 12:02d}",
            agencies=[sec, doj],
        )
        CasePartyFactory(case=case, party=company, title="Exchange")
        CasePartyFactory(case=case, party=zhao, title="Founder")
        CasePartyFactory(case=case, party=official, role=CaseParty.Role.PLAINTIFF)
        CaseLinkFactory(from_case=case, to_case=binance)
        CaseLinkFactory(from_case=binance, to_case=case, kind=CaseLink.Kind.PARALLEL_CRIMINAL)
        for position in range(2):
            CitationFactory(source=source, claim=ClaimFactory(case=case, position=position))
        for source_, number in [(source_003, 13), (source, 12)]:
            CitationFactory(
                source=source_, case=case, fact=Case.Fact.CLAIMS_TOTAL, reported_number=number
            )
        previous = None
        for j, date in enumerate(["2023-06", "2024", None, "2024-05-29", "2025-06-01"]):
            filing = FilingFactory(
                case=case,
                title=f"Generated entry {i}.{j}",
                date=date,
                filed_by_party=company if j % 2 else zhao,
                filed_by_agency=sec if j % 2 == 0 else doj,
            )
            # One version disagrees, one places the entry after the one before.
            CitationFactory(
                source=source_000,
                filing=filing,
                reported_date=f"2022-0{j + 1}",
                reported_after=previous,
            )
            CitationFactory(source=source, filing=filing, reported_date=date)
            previous = filing
        # The measured case page grows too: a party, a claim, an entry, a count.
        CasePartyFactory(case=binance, party=company, role=CaseParty.Role.INTERVENOR)
        CitationFactory(source=source, claim=ClaimFactory(case=binance))
        CitationFactory(
            source=source, case=binance, fact=Case.Fact.CLAIMS_DISMISSED, reported_number=i
        )
        filing = FilingFactory(
            case=binance,
            slug=f"generated-{i}",
            sequence=100 + i,
            kind=Filing.Kind.ORDER,
            title=f"Generated entry in SEC v. Binance {i}",
            date=f"2025-0{1 + i % 9}",
            filed_by_party=company,
            filed_by_agency=ddc,
        )
        CitationFactory(
            source=source_000, filing=filing, reported_date="2024", reported_after=previous
        )
        CitationFactory(source=source, filing=filing)
        cases.append(case)
    return cases
