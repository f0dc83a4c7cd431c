"""Write everything in the database to one JSON file, history included.

Primary keys are kept: the history tables refer to the objects they track by
id, and a restore must give them back the same ids. Foreign keys in the record
and in auth are written as natural keys, so the file does not depend on the ids
of content types and permissions, which migrate creates (they are left out).
History is written with plain ids: its foreign keys may point at objects that
have since been deleted, which have no natural key to write.

    manage.py backup var/backup.json
    manage.py restore var/backup.json      # into an empty, migrated database
"""

import json
from io import StringIO

from django.core.management import call_command
from django.core.management.base import BaseCommand

LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "history"]


def dump(*labels, **options):
    out = StringIO()
    call_command("dumpdata", *labels, stdout=out, verbosity=0, **options)
    return json.loads(out.getvalue())


class Command(BaseCommand):
    help = "Write every row, history included, to a JSON file for `restore`."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup (JSON).")

    def handle(self, path, **options):
        # The page cache's revision stays out: a restored database starts its own.
        history = dump("history", exclude=["history.revision"])
        objects = dump(natural_foreign=True, exclude=LEFT_OUT) + history
        with open(path, "w", encoding="utf-8") as file:
            json.dump(objects, file, indent=1, ensure_ascii=False)
        self.stdout.write(f"Backed up {len(objects)} objects to {path}.")
