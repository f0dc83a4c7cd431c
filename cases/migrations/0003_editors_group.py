"""The Editors group: editors keep the record current but cannot delete cases,
parties, agencies or sources, and cannot manage users."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

# (app, model): the actions editors may take on it.
PERMISSIONS = {
    ("cases", "agency"): ("add", "change", "view"),
    ("cases", "party"): ("add", "change", "view"),
    ("cases", "alias"): ("add", "change", "delete", "view"),
    ("cases", "case"): ("add", "change", "view"),
    ("cases", "caseparty"): ("add", "change", "delete", "view"),
    ("cases", "claim"): ("add", "change", "delete", "view"),
    ("cases", "caselink"): ("add", "change", "delete", "view"),
    ("filings", "source"): ("add", "change", "view"),
    ("filings", "filing"): ("add", "change", "delete", "view"),
    ("filings", "citation"): ("add", "change", "delete", "view"),
}


def create_editors(apps, schema_editor):
    # Permissions are normally created after all migrations have run; make
    # sure they exist now, on a fresh database too.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    for (app, model), actions in PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        permissions = Permission.objects.filter(
            content_type__app_label=app, codename__in=codenames
        )
        assert permissions.count() == len(codenames), (app, model)
        editors.permissions.add(*permissions)


def remove_editors(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cases", "0002_drafts_and_versions"),
        ("filings", "0002_drafts_versions_source_texts"),
    ]

    operations = [migrations.RunPython(create_editors, remove_editors)]
