"""Build a synthetic dataset for scale and load tests, kept apart from the real record.

Everything it makes has a slug or key starting with "demo-": one agency, one
party, one source, N cases and M entries spread over them, each entry with one
citation. All of it is published. `--delete` removes it again. Rows go in with
bulk inserts, in batches, together with their history rows
(django-simple-history's bulk_create_with_history), so that the history stays
complete. Progress through the entries goes to stderr (core/progress.py).

    manage.py generate_demo_data --cases 10000 --filings 1000000
    manage.py generate_demo_data --delete
"""

import datetime
import itertools
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from cases.models import Agency, Case, CaseParty, Party
from core.partial_dates import PartialDate
from core.progress import progress
from filings.models import Citation, Filing, Source
from history.models import Revision

PREFIX = "demo-"
KINDS = [kind for kind, _ in Filing.Kind.choices]
START = datetime.date(2010, 1, 1)


def demo_date(i):
    """A date spread over 2010-2025: most to the day, some to the month or the year."""
    day = START + datetime.timedelta(days=(i * 7919) % 5800)
    if i % 10 == 0:
        return PartialDate(day.year)
    if i % 5 == 0:
        return PartialDate(day.year, day.month)
    return PartialDate(day.year, day.month, day.day)


class Command(BaseCommand):
    help = "Add (or --delete) a synthetic dataset whose slugs start with 'demo-'."

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=100)
        parser.add_argument("--filings", type=int, default=1000)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--delete", action="store_true", help="Remove the demo data.")

    def handle(self, cases, filings, batch_size, delete, **options):
        if delete:
            self.delete()
            return
        if cases < 1 or filings < 0 or batch_size < 1:
            raise CommandError("--cases and --batch-size must be positive, --filings not negative.")
        if Case.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("Demo data exists already; remove it first with --delete.")
        started = time.monotonic()
        with transaction.atomic():
            agency = Agency.objects.create(
                name="Demo Regulator", slug=f"{PREFIX}regulator", kind=Agency.Kind.REGULATOR
            )
            party = Party.objects.create(
                name="Demo Exchange", slug=f"{PREFIX}exchange", kind=Party.Kind.ORGANIZATION
            )
            source = Source.objects.create(key=f"{PREFIX}source", title="Synthetic demo source")
            case_objects = self.create_cases(cases, batch_size, agency, party)
        self.stdout.write(f"{cases} demo cases in {time.monotonic() - started:.1f} s")
        with progress(
            self.stderr, filings, "generate_demo_data", "entries", options["verbosity"]
        ) as bar:
            self.create_filings(case_objects, filings, batch_size, source, bar)
        # Bulk inserts send no signals: tell the page cache (core/caching.py) itself.
        Revision.bump()
        self.stdout.write(f"{filings} demo entries in {time.monotonic() - started:.1f} s")

    def create_cases(self, count, batch_size, agency, party):
        cases = [
            Case(
                caption=f"Demo Regulator v. Demo Exchange {i}",
                slug=f"{PREFIX}case-{i}",
                kind=Case.Kind.CIVIL,
                status=Case.Status.ACTIVE,
                filed=demo_date(i),
                is_published=True,
            )
            for i in range(count)
        ]
        cases = bulk_create_with_history(cases, Case, batch_size=batch_size)
        Case.agencies.through.objects.bulk_create(
            [Case.agencies.through(case_id=c.pk, agency_id=agency.pk) for c in cases],
            batch_size=batch_size,
        )
        roles = [CaseParty(case=c, party=party, role=CaseParty.Role.DEFENDANT) for c in cases]
        bulk_create_with_history(roles, CaseParty, batch_size=batch_size)
        return cases

    def create_filings(self, cases, count, batch_size, source, bar):
        numbers = iter(range(count))
        while batch := list(itertools.islice(numbers, batch_size)):
            with transaction.atomic():
                filings = [
                    Filing(
                        case=cases[i % len(cases)],
                        slug=f"{PREFIX}entry-{i}",
                        sequence=10 * (i // len(cases) + 1),
                        kind=KINDS[i % len(KINDS)],
                        title=f"Demo entry {i}",
                        summary="A synthetic entry for scale tests.",
                        date=demo_date(i),
                        is_published=True,
                    )
                    for i in batch
                ]
                filings = bulk_create_with_history(filings, Filing, batch_size=batch_size)
                citations = [
                    Citation(
                        source=source,
                        locator=1,
                        key_phrase=f"demo {f.pk}",
                        filing=f,
                        reported_date=f.date,
                    )
                    for f in filings
                ]
                bulk_create_with_history(citations, Citation, batch_size=batch_size)
            bar.update(len(batch))

    def delete(self):
        with transaction.atomic():
            demo_cases = Case.objects.filter(slug__startswith=PREFIX)
            Citation.objects.filter(filing__case__in=demo_cases).delete()
            Filing.objects.filter(case__in=demo_cases).delete()
            deleted, _ = demo_cases.delete()
            Source.objects.filter(key__startswith=PREFIX).delete()
            Party.objects.filter(slug__startswith=PREFIX).delete()
            Agency.objects.filter(slug__startswith=PREFIX).delete()
        self.stdout.write(f"Removed the demo data ({deleted} rows with the cases).")
