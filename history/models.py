"""The record's history.

The historical models live here too but are defined by django-simple-history,
from ``track_history()`` in cases/models.py: dumpdata skips apps without a
models module, and backups must include history.
"""

import uuid

from django.db import DatabaseError, InterfaceError, connection, models


class Revision(models.Model):
    """The record's latest change: a new token after every committed change.

    Public pages are cached, and answer conditional GETs, under this token
    (core/caching.py), so the first request after a change sees it. There is
    one row. Backups leave it out: a restored database starts a token of its own.
    """

    token = models.UUIDField(default=uuid.uuid4)

    def __str__(self):
        return str(self.token)

    @classmethod
    def current_token(cls):
        """The latest token, as text, or None in a database that has none yet.

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
            return cls._read_token()
        except (DatabaseError, InterfaceError):
            if not unchecked or connection.in_atomic_block or connection.is_usable():
                raise
            connection.close()
            return cls._read_token()

    @classmethod
    def _read_token(cls):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT token FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return str(row[0]) if row else None

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(token=uuid.uuid4()):
            cls.objects.get_or_create(pk=1)
