"""Django's loaddata, with one-line errors and a history entry for what it loads.

Errors: Django's own command fails on a malformed fixture with a traceback
whose last line can hide the problem (for broken JSON it ends in "Problem
installing fixture '<path>': " and the parser's message is only in the chained
cause). This command reports the whole chain of messages as a CommandError,
which manage.py prints without a traceback, exiting with status 1. Loading
still happens in one transaction, so a failure leaves the database as it was.

Validation: Django checks each value's type as it loads but not the model's
rules (choices, validators, clean()). This command runs those on every
loaded object, without the uniqueness checks the database makes itself.

History: loaddata saves rows raw, and django-simple-history records nothing
for raw saves. So that an editor's first change has a "before", this command
adds an entry for each loaded object that has no history yet, or whose
content differs from its latest entry. Loading the same data twice adds none.
"""

from django.core.exceptions import ValidationError
from django.core.management import CommandError
from django.core.management.commands import loaddata
from django.db.models.signals import post_save

# Bookkeeping that a load resets; a difference in these alone is not a change.
UNTRACKED = {"updated_at", "version"}


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
    """Run the model's rules on a loaded object; loaddata reports which object failed."""
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()
        )
        raise ValueError(problems) from None


def record_history(loaded):
    """Add history entries for loaded objects: {model: {pk: instance}}."""
    for model, instances in loaded.items():
        history = getattr(model, model._meta.simple_history_manager_attribute)
        latest = {}
        for record in history.filter(id__in=instances).order_by("history_date", "history_id"):
            latest[record.id] = record
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in UNTRACKED]
        added, changed = [], []
        for pk, obj in instances.items():
            record = latest.get(pk)
            if record is None or record.history_type == "-":
                added.append(obj)
            elif any(getattr(obj, field) != getattr(record, field) for field in fields):
                changed.append(obj)
        history.bulk_history_create(added, default_change_reason="Loaded by loaddata")
        history.bulk_history_create(
            changed, update=True, default_change_reason="Changed by loaddata"
        )


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            super().handle(*fixture_labels, **options)
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(describe(error)) from error

    def loaddata(self, fixture_labels):
        """Load inside Django's transaction, validating each object, then record history."""
        loaded = {}

        def collect(sender, instance, raw=False, **kwargs):
            if raw and hasattr(sender._meta, "simple_history_manager_attribute"):
                validate(instance)
                loaded.setdefault(sender, {})[instance.pk] = instance

        post_save.connect(collect, weak=False)
        try:
            super().loaddata(fixture_labels)
        finally:
            post_save.disconnect(collect)
        record_history(loaded)
