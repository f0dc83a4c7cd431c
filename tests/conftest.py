import sys

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader


@pytest.fixture
def seeded(db):
    """The whole article-derived dataset."""
    call_command("loaddata", "seed", verbosity=0)


def restore_editors_group():
    """Recreate the Editors group with its data migration's own code.

    After a transactional test, the database is flushed: every table is
    emptied, including the group the migration made. (pytest-django runs
    transactional tests last, so plain database tests always see the
    migration's group itself.)
    """
    if Group.objects.filter(name="Editors").exists():
        return
    loader = MigrationLoader(connection)
    key = ("cases", "0003_editors_group")
    migration = sys.modules[loader.get_migration(*key).__module__]
    migration.create_editors(loader.project_state(key).apps, None)


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
