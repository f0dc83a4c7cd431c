import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """The whole article-derived dataset."""
    call_command("loaddata", "seed", verbosity=0)


@pytest.fixture
def make_editor(db, django_user_model):
    """Creates staff accounts in the Editors group, as createeditor does."""

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
