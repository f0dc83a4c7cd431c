"""What every model of the record builds on: history, versions, published state,
and the helpers its natural keys share. Abstract only: no tables here."""

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords


def track_history():
    """Every change an editor can make is recorded, with who made it and when.

    The historical tables live in the history app, so that exporting the cases
    and filings apps exports the record, not its audit trail.
    """
    return HistoricalRecords(app="history")


def now_to_the_millisecond():
    """The current time as fixtures store it: Django's serializer keeps milliseconds only,
    so a dump and reload gives back exactly the same timestamp."""
    now = timezone.now()
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


class Versioned(models.Model):
    """An edit counter, so that no editor overwrites another's change unseen.

    ``version`` goes up with every save. The admin refuses a save made from a
    form opened at an older version (core/editing.py).
    """

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Counted from the stored row, not this instance: a revert saves an old
        # version's values, and its number must still go up. A restored object
        # (pk set, no stored row) continues from its own number.
        # Unordered: Meta.ordering would join and sort by another table for one row.
        stored = type(self).objects.filter(pk=self.pk).order_by().values_list("version", flat=True)
        self.version = max(stored.first() or 0, self.version) + 1 if self.pk else 1
        super().save(*args, **kwargs)


class Publishable(Versioned):
    """Published state, and when it last changed, for what readers see on its own page."""

    is_published = models.BooleanField(
        "published",
        default=False,
        help_text="Readers see only published entries. New ones start as drafts.",
    )
    updated_at = models.DateTimeField(
        default=now_to_the_millisecond,
        editable=False,
        help_text="When an editor last changed it.",
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.updated_at = now_to_the_millisecond()
        super().save(*args, **kwargs)


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


def related_for_key(instance, label, *fields):
    """The first related object set among fields, for building a natural key.

    loaddata leaves a foreign key empty when a fixture names an object that does
    not exist. Say so, rather than fail with an AttributeError about None.
    """
    for field in fields:
        related = getattr(instance, field, None)
        if related is not None:
            return related
    names = " or ".join(str(instance._meta.get_field(field).verbose_name) for field in fields)
    raise ValueError(
        f"{instance._meta.verbose_name.capitalize()} {label!r} names a {names} that does not exist."
    )
