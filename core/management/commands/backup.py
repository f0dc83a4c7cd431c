"""Write everything in the database to one JSON file, history included.

Primary keys are kept: the history tables refer to the objects they track by
id, and a restore must give them back the same ids. Foreign keys in the record
and in auth are written as natural keys, so the file does not depend on the ids
of content types and permissions, which migrate creates (they are left out).
History is written with plain ids: its foreign keys may point at objects that
have since been deleted, which have no natural key to write.

The rows are serialized as `dumpdata --natural-foreign --exclude LEFT_OUT` and
`dumpdata history` would (same models, same order, same JSON), but one by one,
so as to report progress (on stderr, see core/progress.py).

    manage.py backup var/backup.json
    manage.py restore var/backup.json      # into an empty, migrated database
"""

import json
from io import StringIO

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand

from core.progress import progress

LEFT_OUT = ["contenttypes", "auth.permission", "sessions", "history"]


def record_models():
    """The models `dumpdata --natural-foreign --exclude LEFT_OUT` writes, in its order."""
    app_list = [
        (config, None)
        for config in apps.get_app_configs()
        if config.models_module is not None and config.label not in LEFT_OUT
    ]
    return [
        model
        for model in serializers.sort_dependencies(app_list, allow_cycles=True)
        if model._meta.label_lower not in LEFT_OUT and not model._meta.proxy
    ]


def dump(models, natural_foreign, bar):
    """The rows of `models` as dumpdata writes them, as Python objects, counted on `bar`."""

    def rows():
        for model in models:
            for row in model._default_manager.order_by(model._meta.pk.name).iterator():
                bar.update(1)
                yield row

    out = StringIO()
    serializers.serialize("json", rows(), use_natural_foreign_keys=natural_foreign, stream=out)
    return json.loads(out.getvalue())


class Command(BaseCommand):
    help = "Write every row, history included, to a JSON file for `restore`."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup (JSON).")

    def handle(self, path, **options):
        # The page cache's revision stays out: a restored database starts its own.
        history = [
            model
            for model in apps.get_app_config("history").get_models()
            if model._meta.label_lower != "history.revision"
        ]
        record = record_models()
        total = sum(model._default_manager.count() for model in record + history)
        with progress(self.stderr, total, "backup", "objects", options["verbosity"]) as bar:
            objects = dump(record, True, bar) + dump(history, False, bar)
        with open(path, "w", encoding="utf-8") as file:
            json.dump(objects, file, indent=1, ensure_ascii=False)
        self.stdout.write(f"Backed up {len(objects)} objects to {path}.")
