"""SQLite: two saves at once both succeed; the second waits for the first.

A save reads, then writes, in one transaction. In SQLite's default (deferred)
transactions two such saves both take a read lock; the first to write then
waits for the other to let go, and the other's write fails at once with
"database is locked" (waiting would deadlock). Transactions that begin
IMMEDIATE take the write lock at BEGIN, so the second save waits there, up to
the connection's timeout, instead.
"""

import threading

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

from tests.helpers import start

ON_SQLITE = settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"


def test_sqlite_transactions_begin_immediate_and_wait_for_the_lock():
    code = (
        "from django.conf import settings as s; o = s.DATABASES['default']['OPTIONS'];"
        "print(o['transaction_mode'], o['timeout'])"
    )
    result = start(code, DJANGO_DEBUG="true", DATABASE_URL="sqlite:////tmp/ct-settings.sqlite3")
    assert result.stdout.split() == ["IMMEDIATE", "20"], result.stderr


def test_postgres_gets_no_sqlite_options():
    code = "from django.conf import settings as s; print(s.DATABASES['default'].get('OPTIONS'))"
    result = start(code, DJANGO_DEBUG="true", DATABASE_URL="postgres://h/db")
    assert "transaction_mode" not in result.stdout and "timeout" not in result.stdout
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(
    not ON_SQLITE, reason="SQLite's locking only: PostgreSQL locks rows, not the database"
)
def test_two_saves_at_once_on_sqlite_both_succeed(tmp_path, monkeypatch, django_db_blocker):
    """Two threads, each with its own connection to one file, configured as the app's."""
    configured = ConnectionHandler(
        {"default": {**settings.DATABASES["default"], "NAME": str(tmp_path / "db.sqlite3")}}
    ).settings["default"]
    monkeypatch.setitem(connections.settings, "concurrent", configured)
    first_has_read = threading.Event()
    second_has_read = threading.Event()
    errors = []

    def save(title, before_write):
        try:
            with transaction.atomic(using="concurrent"), connections["concurrent"].cursor() as c:
                c.execute("SELECT count(*) FROM entry")
                before_write()
                c.execute("INSERT INTO entry VALUES (%s)", [title])
        except Exception as exc:
            errors.append(f"{title}: {exc}")
        finally:
            connections["concurrent"].close()  # this thread's own

    def first_waits():
        first_has_read.set()
        # In deferred transactions, the second has read by now too. In IMMEDIATE
        # ones it is waiting to begin, so this waits out its timeout and writes.
        second_has_read.wait(timeout=1)

    def second():
        first_has_read.wait()
        save("second", second_has_read.set)

    with django_db_blocker.unblock():
        try:
            with connections["concurrent"].cursor() as cursor:
                cursor.execute("CREATE TABLE entry (title TEXT)")
            thread = threading.Thread(target=second)
            thread.start()
            save("first", first_waits)
            thread.join()

            assert errors == []
            with connections["concurrent"].cursor() as cursor:
                cursor.execute("SELECT title FROM entry ORDER BY title")
                assert cursor.fetchall() == [("first",), ("second",)]
        finally:
            connections["concurrent"].close()
            del connections["concurrent"]
