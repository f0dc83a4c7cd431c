"""The Editors group (cases 0003) may add and change sources' texts, and mark date
mentions "not a fact for the record" or take the mark back; it may not delete a
source's text, as it may not delete the source."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"

# (model): the actions editors may take on it.
PERMISSIONS = {
    "sourcetext": ("add", "change", "view"),
    "dismissedmention": ("add", "change", "delete", "view"),
}


def grant_editors(apps, schema_editor):
    # Permissions are normally created after all migrations have run.
    app_config = apps.get_app_config("workbench")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Permission = apps.get_model("auth", "Permission")
    editors, _ = apps.get_model("auth", "Group").objects.get_or_create(name=EDITORS)
    for model, actions in PERMISSIONS.items():
        codenames = [f"{action}_{model}" for action in actions]
        permissions = Permission.objects.filter(
            content_type__app_label="workbench", codename__in=codenames
        )
        assert permissions.count() == len(codenames), model
        editors.permissions.add(*permissions)


def revoke_editors(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for editors in apps.get_model("auth", "Group").objects.filter(name=EDITORS):
        editors.permissions.remove(*Permission.objects.filter(content_type__app_label="workbench"))


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_editors_group"),
        ("workbench", "0002_text_files_into_the_database"),
    ]

    operations = [migrations.RunPython(grant_editors, revoke_editors)]
