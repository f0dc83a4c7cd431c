import os
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from tests.factories import grow_seed


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """Pages render afresh for every request.

    A test's changes are rolled back, never committed, so the page cache's
    revision would not change with them (core/caching.py); tests/core/test_caching.py
    turns the cache on and commits.
    """
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@pytest.fixture
def seeded(db, settings):
    """The whole article-derived dataset, with the seed articles' texts attached
    (from SEED_ARTICLES_DIR, when it is there) as `make run` attaches them."""
    call_command("loaddata", "seed", verbosity=0)
    if settings.SEED_ARTICLES_DIR.is_dir():
        call_command("attach_source_texts", settings.SEED_ARTICLES_DIR, verbosity=0)


# The data migrations that make the Editors group and grant it its permissions.
EDITORS_MIGRATIONS = [
    ("cases", "0003_editors_group", "create_editors"),
    ("workbench", "0003_editors_may_keep_source_texts", "grant_editors"),
]


def restore_editors_group():
    """Recreate the Editors group and its permissions with the data migrations' own code.

    After a transactional test, the database is flushed: every table is
    emptied, including the group the migrations made. (pytest-django runs
    transactional tests last, so plain database tests always see the
    migrations' group itself.)
    """
    if Group.objects.filter(name="Editors").exists():
        return
    loader = MigrationLoader(connection)
    for app, name, function in EDITORS_MIGRATIONS:
        migration = sys.modules[loader.get_migration(app, name).__module__]
        getattr(migration, function)(loader.project_state((app, name)).apps, None)


@pytest.fixture
def make_editor(db, django_user_model):
    """Creates staff accounts in the Editors group, as createeditor does."""
    restore_editors_group()

    def make(username="editor"):
        user = django_user_model.objects.create_user(username, password="x", is_staff=True)
        user.groups.add(Group.objects.get(name="Editors"))
        return user

    return make


@pytest.fixture
def editor_client(client, make_editor):
    """A browser session signed in as an editor (not a superuser)."""
    client.force_login(make_editor())
    return client


@pytest.fixture
def grow_the_seed():
    """How query_limit grows the seed: 30 cases around its busiest records.

    A test module whose pages grow otherwise overrides this fixture.
    """
    return lambda: grow_seed(30)


class QueryLimit:
    """``with query_limit(budget):`` allows a request the view's own queries and one
    more, the page cache's revision (core/caching.py). ``grown`` says whether the
    seed grew, so that the test can check the new data is on the page it measured."""

    def __init__(self, grown, assert_max_num_queries):
        self.grown = grown
        self.assert_max_num_queries = assert_max_num_queries

    def __call__(self, budget):
        return self.assert_max_num_queries(budget + 1)


@pytest.fixture(params=["seed", "seed_and_generated"])
def query_limit(request, seeded, grow_the_seed, django_assert_max_num_queries):
    """The query-count tests' setup: each runs on the seed, then on the seed grown,
    and a query count that grew with the data (an N+1) fails the second run."""
    grown = request.param == "seed_and_generated"
    if grown:
        grow_the_seed()
    return QueryLimit(grown, django_assert_max_num_queries)


@pytest.fixture
def seed_articles(settings):
    """The folder of the five seed articles (settings.SEED_ARTICLES_DIR): required
    under CI, else the test is skipped."""
    if not settings.SEED_ARTICLES_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but the seed articles are missing at {settings.SEED_ARTICLES_DIR}"
            )
        pytest.skip(f"seed articles not found at {settings.SEED_ARTICLES_DIR}")
    return settings.SEED_ARTICLES_DIR
