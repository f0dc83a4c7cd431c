import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party
from core.partial_dates import PartialDate
from filings.models import Citation, Filing, Source


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages render afresh for every request.

    A test's changes are rolled back, never committed, so the page cache's
    revision would not change with them (core/caching.py); tests/core/test_caching.py
    turns the cache on and commits.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def seeded(db):
    """The whole article-derived dataset."""
    call_command("loaddata", "seed", verbosity=0)


def restore_editors_group():
    """Recreate the Editors group with its data migration's own code.

    After a transactional test, the database is flushed: every table is
    emptied, including the group the migration made. (pytest-django runs
    transactional tests last, so plain database tests always see the
    migration's group itself.)
    """
    if Group.objects.filter(name="Editors").exists():
        return
    loader = MigrationLoader(connection)
    key = ("cases", "0003_editors_group")
    migration = sys.modules[loader.get_migration(*key).__module__]
    migration.create_editors(loader.project_state(key).apps, None)


@pytest.fixture
def make_editor(db, django_user_model):
    """Creates staff accounts in the Editors group, as createeditor does."""
    restore_editors_group()

    def make(username="editor"):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        return user

    return make


@pytest.fixture
def editor_client(client, make_editor):
    """A browser session signed in as an editor (not a superuser)."""
    client.force_login(make_editor())
    return client


def generate_cases(count=30):
    """More cases like the seed's, each with parties, claims, links, entries and citations.

    They involve the seed's busiest records (Zhao, the judge, the SEC, the
    court, sources 000 and 003) so that the pages measured below grow too.
    """
    sec, doj, ddc = (Agency.objects.get(slug=slug) for slug in ("sec", "doj", "ddc"))
    zhao = Party.objects.get(slug="changpeng-zhao")
    judge = Party.objects.get(slug="amy-berman-jackson")
    binance = Case.objects.get(slug="sec-v-binance")
    source_000 = Source.objects.get(key="000_26f21f1ec1e397ac.txt")
    source_003 = Source.objects.get(key="003_4ad433f5cb8dccfd.txt")
    dates = ["2023-06", "2024", None, "2024-05-29", "2025-06-01"]
    for i in range(count):
        source = Source.objects.create(key=f"generated-{i:03d}.txt", title=f"Generated source {i}")
        company = Party.objects.create(
            name=f"Generated Exchange {i}", slug=f"generated-exchange-{i}", kind="organization"
        )
        Alias.objects.create(party=company, name=f"GX{i}")
        official = Party.objects.create(
            name=f"Generated Official {i}",
            slug=f"generated-official-{i}",
            kind="person",
            affiliation=sec,
            position="Director",
        )
        case = Case.objects.create(
            is_published=True,
            caption=f"SEC v. Generated Exchange {i}",
            slug=f"generated-case-{i}",
            kind="civil",
            status="active",
            court=ddc,
            judge=judge,
            filed=PartialDate(2020 + i % 5, 1 + i % 12),
        )
        case.agencies.set([sec, doj])
        CaseParty.objects.create(case=case, party=company, role="defendant", title="Exchange")
        CaseParty.objects.create(case=case, party=zhao, role="defendant", title="Founder")
        CaseParty.objects.create(case=case, party=official, role="plaintiff")
        CaseLink.objects.create(from_case=case, to_case=binance, kind="related_enforcement")
        CaseLink.objects.create(from_case=binance, to_case=case, kind="parallel_criminal")
        for position, slug in enumerate(["first", "second"]):
            claim = Claim.objects.create(
                case=case, slug=slug, title=f"Claim {slug}", position=position
            )
            Citation.objects.create(source=source, locator=1, key_phrase=slug, claim=claim)
        for source_, number in [(source_003, 13), (source, 12)]:
            Citation.objects.create(
                source=source_,
                locator=9,
                key_phrase="claims",
                case=case,
                fact=Case.Fact.CLAIMS_TOTAL,
                reported_number=number,
            )
        previous = None
        for j, date in enumerate(dates):
            filing = Filing.objects.create(
                is_published=True,
                case=case,
                slug=f"entry-{j}",
                sequence=10 * (j + 1),
                kind=Filing.Kind.MOTION,
                title=f"Generated entry {i}.{j}",
                date=date,
                filed_by_party=company if j % 2 else zhao,
                filed_by_agency=sec if j % 2 == 0 else doj,
            )
            # One version disagrees, one places the entry after the one before.
            Citation.objects.create(
                source=source_000,
                locator=j + 1,
                key_phrase=f"phrase {j}",
                filing=filing,
                reported_date=f"2022-0{j + 1}",
                reported_after=previous,
            )
            Citation.objects.create(
                source=source,
                locator=j + 1,
                key_phrase=f"phrase {j}",
                filing=filing,
                reported_date=date,
            )
            previous = filing
        # The measured case page grows too: a party, a claim, an entry, a count.
        CaseParty.objects.create(case=binance, party=company, role="intervenor")
        claim = Claim.objects.create(case=binance, slug=f"generated-{i}", title=f"Claim {i}")
        Citation.objects.create(source=source, locator=20, key_phrase="claim", claim=claim)
        Citation.objects.create(
            source=source,
            locator=21,
            key_phrase="claims",
            case=binance,
            fact=Case.Fact.CLAIMS_DISMISSED,
            reported_number=i,
        )
        filing = Filing.objects.create(
            is_published=True,
            case=binance,
            slug=f"generated-{i}",
            sequence=100 + i,
            kind=Filing.Kind.ORDER,
            title=f"Generated entry in SEC v. Binance {i}",
            date=f"2025-0{1 + i % 9}",
            filed_by_party=company,
            filed_by_agency=ddc,
        )
        Citation.objects.create(
            source=source_000,
            locator=30,
            key_phrase=f"binance {i}",
            filing=filing,
            reported_date="2024",
            reported_after=previous,
        )
        Citation.objects.create(source=source, locator=22, key_phrase="entry", filing=filing)


@pytest.fixture(params=["seed", "seed_and_generated"])
def dataset(request, seeded):
    if request.param == "seed_and_generated":
        generate_cases(30)
    return request.param
