"""The record's history.

The historical models live here too but are defined by django-simple-history,
from ``track_history()`` in cases/models.py: dumpdata skips apps without a
models module, and backups must include history.
"""

import uuid

from django.db import DatabaseError, InterfaceError, connection, models

# The token every public page depends on: bumped when anything may have changed.
EVERYTHING = "all"
# Names bumped per statement, under SQLite's limit on parameters.
BUMP_CHUNK = 500


class Revision(models.Model):
    """A named token for the page cache: a new value after every committed change it names.

    Public pages are cached, and answer conditional GETs, under the tokens of what
    they show (core/caching.py says which): ``all`` for everything, ``global`` for
    pages across cases, ``case:<slug>``, ``party:<slug>``, ``agency:<slug>`` and
    ``source:<key>``. A row exists once its name was first bumped; a page reads a
    missing one as empty. Backups leave the table out: a restored database starts
    tokens of its own.
    """

    name = models.CharField(
        max_length=120, unique=True, help_text="What the token names, e.g. case:sec-v-binance."
    )
    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return f"{self.name}: {self.token}"

    @classmethod
    def current_token(cls):
        """The token of everything, as text, or None in a database that has none yet."""
        tokens = cls.tokens([EVERYTHING])
        return tokens and tokens[EVERYTHING]

    @classmethod
    def tokens(cls, names):
        """The tokens of names, as text, in one query: {name: token} for those that
        exist, or None in a database with no ``all`` token yet (pages go uncached).

        Every public request asks, first, so this is one plain query, which costs
        less than the ORM's (docs/benchmarks.md has the figures).
        It is also the check that a reused connection still works (CONN_HEALTH_CHECKS),
        which would otherwise cost a round trip of its own: if it fails on a
        connection that is no longer usable, the connection is replaced and asked again.
        """
        unchecked = (
            connection.connection is not None
            and connection.health_check_enabled
            and not connection.health_check_done
        )
        if unchecked:
            connection.health_check_done = True
        try:
            return cls._read_tokens(names)
        except (DatabaseError, InterfaceError):
            if not unchecked or connection.in_atomic_block or connection.is_usable():
                raise
            connection.close()
            return cls._read_tokens(names)

    @classmethod
    def _read_tokens(cls, names):
        placeholders = ", ".join(["%s"] * len(names))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT name, token FROM {cls._meta.db_table} WHERE name IN ({placeholders})",
                list(names),
            )
            tokens = {name: str(token) for name, token in cursor.fetchall()}
        return tokens if EVERYTHING in tokens else None

    @classmethod
    def bump(cls, names=(EVERYTHING,)):
        """Give names one new token, creating the rows they lack, and the ``all`` row
        if it is missing (after a flush), so that pages are cached again."""
        token = uuid.uuid4()
        names = set(names)
        wanted = sorted(names | {EVERYTHING})
        for start in range(0, len(wanted), BUMP_CHUNK):
            chunk = wanted[start : start + BUMP_CHUNK]
            rows = cls.objects.filter(name__in=chunk)
            rows.filter(name__in=names).update(token=token)
            existing = set(rows.values_list("name", flat=True))
            missing = [cls(name=name, token=token) for name in chunk if name not in existing]
            # A concurrent bump may create the same row: its token is new too.
            cls.objects.bulk_create(missing, ignore_conflicts=True)
