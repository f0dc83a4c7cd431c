"""Create a staff account in the Editors group.

    manage.py createeditor alice                  # asks for the password twice
    DJANGO_EDITOR_PASSWORD=... manage.py createeditor alice --no-input

The password must pass the site's password validators.
"""

import os
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

PASSWORD_VARIABLE = "DJANGO_EDITOR_PASSWORD"
EDITORS = "Editors"  # created by cases/migrations/0003_editors_group.py


class Command(BaseCommand):
    help = "Create a staff account in the Editors group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help=f"Do not prompt; take the password from {PASSWORD_VARIABLE}.",
        )

    def handle(self, username, email, interactive, **options):
        user = get_user_model()(username=username, email=email, is_staff=True)
        try:
            user.full_clean(exclude=["password"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        try:
            editors = Group.objects.get(name=EDITORS)
        except Group.DoesNotExist:
            raise CommandError(f"The {EDITORS} group is missing; run migrate first.") from None

        password = os.environ.get(PASSWORD_VARIABLE) or self.ask_password(interactive)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None

        with transaction.atomic():
            user.set_password(password)
            user.save()
            user.groups.add(editors)
        self.stdout.write(f"Created editor {username!r}.")

    def ask_password(self, interactive):
        if not interactive:
            raise CommandError(f"Set {PASSWORD_VARIABLE} to give the password without a prompt.")
        password = getpass("Password: ")
        if password != getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return password
