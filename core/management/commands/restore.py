"""Load a file written by `backup` into an empty, migrated database.

Refuses when the database already holds cases, entries, sources, parties,
agencies or users: restoring on top of other data would mix the two.
Loading is all or nothing (see the loaddata command).
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Restore a backup written by `backup` into an empty, migrated database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (JSON).")

    def handle(self, path, **options):
        record = ["cases.Case", "filings.Filing", "filings.Source", "cases.Party", "cases.Agency"]
        models = [*map(apps.get_model, record), get_user_model()]
        if holding := [str(m._meta.verbose_name_plural) for m in models if m.objects.exists()]:
            raise CommandError(
                f"The database is not empty (it has {', '.join(holding)}). "
                "Restore into a new, migrated database."
            )
        call_command("loaddata", path, verbosity=options["verbosity"])
