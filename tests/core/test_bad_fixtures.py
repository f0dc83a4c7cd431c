"""A malformed fixture fails loudly, says what is wrong, and changes nothing.

Each bad fixture puts valid objects before the bad one. loaddata saves objects
one at a time as it deserializes them, so those earlier objects really are
written (the post_save check below proves it) and only the rollback of
loaddata's transaction removes them. (The exception is broken JSON, which
fails to parse before anything is saved.)

Unknown natural foreign keys fail in one of two ways (Django 5.2):
- a nullable foreign key or a many-to-many is deferred as a possible forward
  reference; the row is saved with NULL, and at the end loaddata looks the key
  up again and raises "<Model> matching query does not exist", naming the key;
- a foreign key that is part of the object's own natural key (Filing.case,
  CaseParty.party, Citation.source) is left empty, and the natural key method
  reports it: "Filing 'complaint' names a case that does not exist."

The project's loaddata (core/management/commands/loaddata.py) turns every
failure into one CommandError line carrying the messages of the whole chain.
"""

import io
import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing, contextmanager
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models.signals import post_save

from core.partial_dates import MAX_YEAR, MIN_YEAR

APPS = ("cases", "filings")

AGENCY = {
    "model": "cases.agency",
    "fields": {"slug": "sec", "name": "Securities and Exchange Commission", "kind": "regulator"},
}
CASE = {
    "model": "cases.case",
    "fields": {
        "slug": "sec-v-example",
        "caption": "SEC v. Example",
        "kind": "civil",
        "status": "active",
        "filed": "2023-06",
    },
}
CFTC = {
    "model": "cases.agency",
    "fields": {"slug": "cftc", "name": "Commodity Futures Trading Commission", "kind": "regulator"},
}
SOURCE = {"model": "filings.source", "fields": {"key": "example-article", "title": "An article"}}


@dataclass
class BadFixture:
    name: str
    valid: list  # objects before the bad one, loadable on their own
    bad: str  # the JSON text of the whole file
    problem: list  # what the error must say
    writes_first: bool = True  # whether the valid objects are saved before the failure


def fixture_text(*objects):
    return json.dumps(list(objects), indent=1)


def write(path, *objects):
    path.write_text(fixture_text(*objects))
    return path


BAD_FIXTURES = [
    BadFixture(
        "broken-json",
        valid=[AGENCY],
        bad=fixture_text(AGENCY)[:-1] + ',\n {"model": "cases.agency", "fields": {,}}\n]',
        problem=["Problem installing fixture", "Expecting property name", "line 11 column 39"],
        writes_first=False,
    ),
    BadFixture(
        "unknown-natural-foreign-key",
        valid=[AGENCY],
        bad=fixture_text(
            AGENCY,
            {
                "model": "cases.party",
                "fields": {
                    "slug": "jane-doe",
                    "name": "Jane Doe",
                    "kind": "person",
                    "affiliation": ["no-such-agency"],
                },
            },
        ),
        problem=["Agency matching query does not exist", "no-such-agency", "cases.party"],
    ),
    BadFixture(
        "unknown-natural-key-in-own-natural-key",
        valid=[AGENCY],
        bad=fixture_text(
            AGENCY,
            {
                "model": "filings.filing",
                "fields": {
                    "case": ["no-such-case"],
                    "slug": "complaint",
                    "sequence": 10,
                    "kind": "complaint",
                    "title": "Complaint",
                },
            },
        ),
        problem=["Filing 'complaint' names a case that does not exist"],
    ),
    BadFixture(
        "citation-of-unknown-filing",
        valid=[AGENCY, CASE, SOURCE],
        bad=fixture_text(
            AGENCY,
            CASE,
            SOURCE,
            {
                "model": "filings.citation",
                "fields": {
                    "source": ["example-article"],
                    "locator": 3,
                    "key_phrase": "sued",
                    "filing": ["sec-v-example", "no-such-filing"],
                },
            },
        ),
        problem=["Citation 'sued' names a case or filing or claim that does not exist"],
    ),
    BadFixture(
        "value-outside-the-choices",
        valid=[AGENCY],
        bad=fixture_text(AGENCY, {**CASE, "fields": {**CASE["fields"], "status": "bogus"}}),
        problem=["cases.Case", "status: Value 'bogus' is not a valid choice."],
    ),
    BadFixture(
        "case-closed-before-it-was-filed",
        valid=[AGENCY],
        bad=fixture_text(AGENCY, {**CASE, "fields": {**CASE["fields"], "closed": "2022"}}),
        problem=["closed: A case cannot close (2022) before it was filed (June 2023)."],
    ),
    BadFixture(
        "invalid-partial-date",
        valid=[AGENCY],
        bad=fixture_text(AGENCY, {**CASE, "fields": {**CASE["fields"], "filed": "2023-13"}}),
        problem=["2023-13", "month 13 is not between 1 and 12", "cases.case"],
    ),
    BadFixture(
        "year-after-the-range",
        valid=[AGENCY],
        bad=fixture_text(AGENCY, {**CASE, "fields": {**CASE["fields"], "filed": "9999"}}),
        problem=[
            f"Enter a year from {MIN_YEAR} to {MAX_YEAR}: 9999 is outside the years",
            "cases.case",
        ],
    ),
    BadFixture(
        "year-before-the-range",
        valid=[AGENCY, CASE],
        bad=fixture_text(
            AGENCY,
            CASE,
            {
                "model": "filings.filing",
                "fields": {
                    "case": ["sec-v-example"],
                    "slug": "complaint",
                    "sequence": 10,
                    "kind": "complaint",
                    "title": "Complaint",
                    "date": "0001-01-01",
                },
            },
        ),
        problem=[
            f"Enter a year from {MIN_YEAR} to {MAX_YEAR}: 0001-01-01 is outside the years",
            "filings.filing",
        ],
    ),
    BadFixture(
        "key-phrase-over-12-words",
        valid=[AGENCY, CASE, SOURCE],
        bad=fixture_text(
            AGENCY,
            CASE,
            SOURCE,
            {
                "model": "filings.citation",
                "fields": {
                    "source": ["example-article"],
                    "locator": 3,
                    "key_phrase": "one two three four five six seven eight nine ten eleven twelve "
                    "thirteen",
                    "case": ["sec-v-example"],
                    "fact": "claims_total",
                },
            },
        ),
        problem=["at most 12 words", "this one has 13", "filings.citation"],
    ),
]


def models():
    return [model for app in APPS for model in apps.get_app_config(app).get_models()]


def row_counts():
    return {model._meta.label: model.objects.count() for model in models()}


def dump():
    out = io.StringIO()
    call_command("dumpdata", *APPS, stdout=out)
    return json.loads(out.getvalue())


@contextmanager
def saved_models():
    labels = []

    def record(sender, **kwargs):
        labels.append(sender._meta.label_lower)

    post_save.connect(record, weak=False)
    try:
        yield labels
    finally:
        post_save.disconnect(record)


@pytest.mark.django_db
@pytest.mark.parametrize("fixture", BAD_FIXTURES, ids=lambda f: f.name)
def test_bad_fixture_fails_naming_the_problem_and_changes_nothing(fixture, tmp_path):
    call_command("loaddata", str(write(tmp_path / "cftc.json", CFTC)), verbosity=0)
    assert row_counts()["cases.Agency"] == 1  # not an empty database
    counts, contents = row_counts(), dump()
    path = tmp_path / f"{fixture.name}.json"
    path.write_text(fixture.bad)

    with saved_models() as saved, pytest.raises(CommandError) as raised:
        call_command("loaddata", str(path), verbosity=0)

    message = str(raised.value)
    for words in fixture.problem:
        assert words in message
    assert row_counts() == counts
    assert dump() == contents
    # The earlier objects were written and then rolled back, not skipped.
    if fixture.writes_first:
        assert {obj["model"] for obj in fixture.valid} <= set(saved)
    else:
        assert saved == []

    # And they are valid: without the bad object the file loads.
    call_command("loaddata", str(write(tmp_path / "good.json", *fixture.valid)), verbosity=0)
    assert row_counts() != counts


def sqlite_row_counts(path):
    """Row counts read straight from a SQLite file, outside Django's connection."""
    with closing(sqlite3.connect(path)) as db:
        count = 'SELECT COUNT(*) FROM "{}"'.format
        return {
            model._meta.label: db.execute(count(model._meta.db_table)).fetchone()[0]
            for model in models()
        }


def test_loaddata_command_exits_non_zero_naming_the_problem_and_changes_nothing(tmp_path):
    database = tmp_path / "db.sqlite3"
    # A fresh database, never the real var/db.sqlite3.
    env = {**os.environ, "DJANGO_DEBUG": "true", "DATABASE_URL": f"sqlite:///{database}"}

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    migrated = manage("migrate", "--verbosity=0")
    assert migrated.returncode == 0, migrated.stderr
    # Rows that none of the bad fixtures mention, so the database is not empty.
    loaded = manage("loaddata", str(write(tmp_path / "cftc.json", CFTC)))
    assert loaded.returncode == 0, loaded.stderr
    counts = sqlite_row_counts(database)
    assert counts["cases.Agency"] == 1

    for fixture in BAD_FIXTURES:
        path = tmp_path / f"{fixture.name}.json"
        path.write_text(fixture.bad)
        result = manage("loaddata", str(path))
        assert result.returncode != 0, fixture.name
        # One line of explanation, not a traceback, after the progress lines (on stderr).
        progress = [line for line in result.stderr.splitlines() if line.startswith("loaddata: ")]
        assert result.stderr.split("\n", len(progress))[-1].startswith("CommandError: "), (
            result.stderr
        )
        assert "Traceback" not in result.stderr
        for words in fixture.problem:
            assert words in result.stderr, (fixture.name, words, result.stderr)
        assert sqlite_row_counts(database) == counts, fixture.name
