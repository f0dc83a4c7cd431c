"""Django's loaddata, made safe to run again over a record that editors keep.

Reloading changes nothing. Each object of the fixture is compared with its
stored row: every field but ``updated_at`` and ``version``, and its many-to-many
links. An equal object is not written, so its ``updated_at``, ``version`` and
history stay as they are, no signal fires and the page cache's revision
(core/caching.py) stays too. The command ends by counting what it added,
changed and left unchanged.

Editors' work is not overwritten. An object whose stored values differ from the
fixture's is written only when nothing changed it since a load: its latest
history entry is one this command made. An object that an editor (or anything
else) saved since, deleted, or renamed away from the fixture's natural key is a
conflict. The command lists every conflict (model, natural key, who last changed
it and when) and loads nothing. ``--overwrite`` loads over them; ``--keep-edited``
(for ``make run``) loads nothing either, but says so and succeeds.

Versions only go up. A changed or overwritten object gets the stored version
plus one (a re-created one, its last recorded version plus one) and
``updated_at`` now. A new object keeps the fixture's values, so a restore keeps
its versions and dates.

History: loaddata saves rows raw, and django-simple-history records nothing for
raw saves. So this command adds a history entry for each object it writes, whose
reason says it came from a load and names the fixture file.

Validation: Django checks each value's type as it loads but not the model's
rules (choices, validators, clean()). This command runs those on every object it
writes, without the uniqueness checks the database makes itself.

Errors: Django's own command fails on a malformed fixture with a traceback
whose last line can hide the problem (for broken JSON it ends in "Problem
installing fixture '<path>': " and the parser's message is only in the chained
cause). This command reports the whole chain of messages as a CommandError,
which manage.py prints without a traceback, exiting with status 1. Loading
happens in one transaction, so a failure or a refusal leaves the database as it was.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.db import router
from django.db.models import Q, UniqueConstraint
from django.utils import timezone

from core.models import now_to_the_millisecond
from core.progress import progress

# Bookkeeping that a load sets itself; a difference in these alone is not a change.
UNTRACKED = {"updated_at", "version"}
# How this command's history entries begin ("Loaded by loaddata" and "Changed by
# loaddata" alone are what it wrote before it named the fixture).
LOADED, CHANGED, OVERWRITTEN = (
    "Loaded by loaddata",
    "Changed by loaddata",
    "Overwritten by loaddata",
)


def describe(error):
    """The messages of an exception and its causes, outermost first, without repeats."""
    messages, current = [], error
    while current is not None:
        message = str(current).strip()
        if message and not any(message in seen for seen in messages):
            messages.append(message)
        suppressed = current.__suppress_context__
        current = current.__cause__ or (None if suppressed else current.__context__)
    return " ".join(messages) or type(error).__name__


def validate(instance):
    """Run the model's rules on an object to load, naming it as Django's loaddata does."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        label = f"{instance._meta.label}(pk={instance.pk})"
        raise ValueError(f"Could not load {label}: {problems}") from None


def history_of(model):
    """The model's django-simple-history manager, or None for an untracked model."""
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute) if attribute else None


def latest_entry(history, pk):
    return history.filter(id=pk).order_by("-history_date", "-history_id").first()


def made_by_a_load(entry):
    reason = entry.history_change_reason or ""
    return entry.history_user_id is None and reason.startswith((LOADED, CHANGED, OVERWRITTEN))


def differs(obj, stored, m2m_data):
    """Whether the fixture's object says something other than its stored row."""
    fields = [f.attname for f in obj._meta.concrete_fields if f.attname not in UNTRACKED]
    if any(getattr(obj, field) != getattr(stored, field) for field in fields):
        return True
    return any(
        {str(pk) for pk in pks}
        != {str(pk) for pk in getattr(stored, name).values_list("pk", flat=True)}
        for name, pks in m2m_data.items()
    )


def record_history(model, instances, reason, new):
    """Add a history entry for each written object, unless its latest entry already
    says the same (a restore loads the history it backed up)."""
    history = history_of(model)
    latest = {}
    for entry in history.filter(id__in=[obj.pk for obj in instances]).order_by(
        "history_date", "history_id"
    ):
        latest[entry.id] = entry
    fields = [f.attname for f in model._meta.concrete_fields if f.attname not in UNTRACKED]
    fresh = [
        obj
        for obj in instances
        if (entry := latest.get(obj.pk)) is None
        or entry.history_type == "-"
        or any(getattr(obj, field) != getattr(entry, field) for field in fields)
    ]
    history.bulk_history_create(fresh, update=not new, default_change_reason=reason)


def count_objects(path):
    """How many objects a JSON fixture holds, for the progress bar; None for other formats
    or a file that does not parse (loading it then says why)."""
    if path.suffix != ".json":
        return None
    try:
        with path.open("rb") as file:
            return len(json.load(file))
    except (OSError, ValueError, TypeError):
        return None


def unique_lookup(obj):
    """Matches rows (or history entries) sharing one of obj's unique field sets."""
    model = type(obj)
    sets = [(f.name,) for f in model._meta.concrete_fields if f.unique and not f.primary_key]
    sets += [c.fields for c in model._meta.constraints if isinstance(c, UniqueConstraint)]
    lookup = Q(pk__in=[])
    for names in sets:
        fields = [model._meta.get_field(name) for name in names]
        lookup |= Q(**{f.attname: getattr(obj, f.attname) for f in fields})
    return lookup


def former_holder(obj):
    """The latest history entry of the object that once had obj's natural key and has
    it no more (deleted, or renamed), or None."""
    history, key = history_of(type(obj)), obj.natural_key()
    for entry in history.filter(unique_lookup(obj)).order_by("-history_date", "-history_id"):
        try:
            held = entry.instance.natural_key() == key
        except (ValueError, AttributeError):
            held = False  # it names an object that is gone
        if held:
            return latest_entry(history, entry.id)
    return None


def who_and_when(entry):
    user = entry.history_user.get_username() if entry.history_user_id else "someone unrecorded"
    when = timezone.localtime(entry.history_date).strftime("%Y-%m-%d %H:%M %Z")
    return f"{user} on {when}"


class Kept(Exception):
    """A refusal under --keep-edited: raised inside the load's transaction so that it
    rolls back, then reported as a success."""


class Command(loaddata.Command):
    help = (
        "Load fixtures without undoing editors' work: equal objects are left alone, "
        "and objects edited since they were loaded are refused unless --overwrite."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        choice = parser.add_mutually_exclusive_group()
        choice.add_argument(
            "--overwrite",
            action="store_true",
            help="Load over objects that editors changed, deleted or renamed since they "
            "were loaded. Each gets a new version and a history entry naming the fixture.",
        )
        choice.add_argument(
            "--keep-edited",
            action="store_true",
            help="When editors changed objects the fixture would overwrite, load nothing, "
            "say so and exit successfully (make run uses it).",
        )

    def handle(self, *fixture_labels, **options):
        self.overwrite = options["overwrite"]
        self.keep_edited = options["keep_edited"]
        self.requested_verbosity = options["verbosity"]
        try:
            super().handle(*fixture_labels, **options)
        except Kept as kept:
            self.stdout.write(str(kept))
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(describe(error)) from error

    def loaddata(self, fixture_labels):
        """Load inside Django's transaction, then record history; refuse on conflicts."""
        self.conflicts, self.written, self.empty_tables = [], {}, {}
        self.counts = {"unchanged": 0, "added": 0, "changed": 0, "overwritten": 0}
        verbosity = self.verbosity
        if verbosity == 1:
            self.verbosity = 0  # Django's "Installed N object(s)" only: the counts below say more
        try:
            super().loaddata(fixture_labels)
        finally:
            self.verbosity = verbosity
        if self.conflicts and not self.overwrite:
            self.refuse()
        for (model, reason, new), instances in self.written.items():
            record_history(model, instances, reason, new)
        if self.verbosity >= 1:
            self.stdout.write(", ".join(f"{n} {what}" for what, n in self.counts.items()) + ".")

    def load_label(self, fixture_label):
        files = [Path(file) for file, _, _ in self.find_fixtures(fixture_label)]
        self.fixture_names = ", ".join(
            str(f.relative_to(settings.BASE_DIR)) if f.is_relative_to(settings.BASE_DIR) else str(f)
            for f in files
        )
        total = sum(count_objects(f) or 0 for f in files) or None
        with progress(
            self.stderr, total, "loaddata", unit="objects", verbosity=self.requested_verbosity
        ) as self.progress:
            super().load_label(fixture_label)

    def save_obj(self, obj):
        """Write the object if it is new, or changed and not edited since it was loaded."""
        self.progress.update(1)
        instance, model = obj.object, type(obj.object)
        history = history_of(model)
        if history is None or not self.loads(model):
            return super().save_obj(obj)
        stored = self.stored_row(model, instance.pk)
        if stored is not None:
            if not obj.deferred_fields and not differs(instance, stored, obj.m2m_data):
                self.counts["unchanged"] += 1
                return False
            entry = latest_entry(history, stored.pk)
            if entry is None or made_by_a_load(entry):
                return self.write(obj, CHANGED, "changed", version=stored.version + 1)
            version = max(stored.version, entry.version) + 1
            return self.conflict(obj, f"changed by {who_and_when(entry)}", stored.pk, version)
        if obj.deferred_fields:
            return self.write(obj, LOADED, "added")  # it names objects loaded later
        former = None if self.table_was_empty(model) else former_holder(instance)
        if former is None:
            return self.write(obj, LOADED, "added")
        if former.history_type == "-":
            what = f"deleted by {who_and_when(former)}"
        else:
            current = ", ".join(map(str, former.instance.natural_key()))
            what = f"renamed to ({current}) by {who_and_when(former)}"
        deleted = former.history_type == "-"
        return self.conflict(obj, what, former.id, former.version + 1, new=deleted)

    def loads(self, model):
        """Whether Django's loaddata saves objects of this model (not excluded, routed here)."""
        return (
            model._meta.app_config not in self.excluded_apps
            and model not in self.excluded_models
            and router.allow_migrate_model(self.using, model)
        )

    def stored_row(self, model, pk):
        if pk is None or self.table_was_empty(model):
            return None
        return model._base_manager.using(self.using).filter(pk=pk).first()

    def table_was_empty(self, model):
        """Whether the model had no rows and no history when this load first met it
        (a restore into a new database): then nothing it loads needs comparing."""
        if model not in self.empty_tables:
            self.empty_tables[model] = not (
                model._base_manager.using(self.using).exists() or history_of(model).exists()
            )
        return self.empty_tables[model]

    def conflict(self, obj, what, pk, version, new=False):
        """An object an editor changed since it was loaded: refuse it, or overwrite it."""
        instance = obj.object
        if not self.overwrite:
            key = ", ".join(str(part) for part in instance.natural_key() if part != "")
            self.conflicts.append(f"  {instance._meta.label} ({key}): {what}")
        # Written even when the load will be refused, since the refusal rolls it back:
        # until then, the objects that name it (a deleted entry's citations) load and
        # are checked too, so that every conflict is listed.
        instance.pk = pk
        return self.write(obj, OVERWRITTEN, "overwritten", version=version, new=new)

    def write(self, obj, reason, count, version=None, new=None):
        """Save the object as Django's loaddata does, with its version and history entry.

        Only a new object keeps the fixture's version and updated_at."""
        instance = obj.object
        if version is not None:
            instance.version = version
            instance.updated_at = now_to_the_millisecond()
        validate(instance)
        saved = super().save_obj(obj)
        self.counts[count] += 1
        new = reason == LOADED if new is None else new
        key = (type(instance), f"{reason} from {self.fixture_names}", new)
        self.written.setdefault(key, []).append(instance)
        return saved

    def refuse(self):
        conflicts = "\n".join(self.conflicts)
        message = (
            f"Editors changed {len(self.conflicts)} object(s) since they were loaded, "
            f"and this fixture would undo that:\n{conflicts}"
        )
        if self.keep_edited:
            raise Kept(f"Kept the existing record; nothing was loaded. {message}")
        raise CommandError(
            f"{message}\nNothing was loaded. To keep the editors' work, leave these objects "
            "out of the fixture, or update it from the database with dumpdata. To load over "
            "it anyway, run loaddata again with --overwrite: each object gets a new version, "
            "and its history keeps the editors' version."
        )
