"""Django's loaddata, with a one-line error that says what is wrong.

Django's own command fails on a malformed fixture with a traceback whose last
line can hide the problem: for broken JSON it ends in "Problem installing
fixture '<path>': " and the parser's message is only in the chained cause.
This command reports the whole chain of messages as a CommandError, which
manage.py prints without a traceback and exits with status 1. Loading still
happens in one transaction, so a failure leaves the database as it was.
"""

from django.core.management import CommandError
from django.core.management.commands import loaddata


def describe(error):
    """The messages of an exception and its causes, outermost first, without repeats."""
    messages, current = [], error
    while current is not None:
        message = str(current).strip()
        if message and not any(message in seen for seen in messages):
            messages.append(message)
        current = current.__cause__ or current.__context__
    return " ".join(messages) or type(error).__name__


class Command(loaddata.Command):
    def handle(self, *fixture_labels, **options):
        try:
            super().handle(*fixture_labels, **options)
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(describe(error)) from error
