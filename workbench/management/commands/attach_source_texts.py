"""Attach the files of a folder to the sources whose keys are their names.

    manage.py attach_source_texts ../shared/seeds

DIR/<source key> becomes that source's private text (workbench.SourceText), read
as UTF-8; an .html or .htm file becomes plain paragraphs. A text equal to the
stored one is not written, so running the command again changes nothing: no
version, no history entry. A new or changed text is saved with a history entry
whose reason names this command and the file's name. Files that name no source are
skipped, and a source with no file keeps its text. A file that is not UTF-8 is
reported and skipped; the others are attached, and the command then fails.

``--keep-edited`` (for ``make run``) keeps a text that anything but this command
saved last (an editor, in the admin), rather than replace it.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from filings.models import Source
from workbench.forms import text_of_file
from workbench.models import SourceText

ATTACHED, CHANGED = "Attached by attach_source_texts", "Changed by attach_source_texts"


def reason(action, path):
    """The history entry's reason: the action and the file, within the field's length."""
    field = SourceText.history.model._meta.get_field("history_change_reason")
    return f"{action} from {path.name}"[: field.max_length]


def edited(text):
    """Whether anything but this command saved the text last."""
    latest = text.history.first()
    if latest is None:  # moved into the database by a migration
        return True
    said = latest.history_change_reason or ""
    return latest.history_user_id is not None or not said.startswith((ATTACHED, CHANGED))


class Command(BaseCommand):
    help = "Attach each file DIR/<source key> to that source as its text, private to editors."

    def add_arguments(self, parser):
        parser.add_argument("dir", type=Path, help="The folder of texts, one file per source key.")
        parser.add_argument(
            "--keep-edited",
            action="store_true",
            help="Keep a text that was saved last by anything but this command.",
        )

    def handle(self, dir, **options):
        if not dir.is_dir():
            raise CommandError(f"{dir} is not a folder.")
        sources = {source.key: source for source in Source.objects.select_related("private_text")}
        counts = dict.fromkeys(["attached", "changed", "unchanged", "kept", "skipped"], 0)
        unreadable = []
        for path in sorted(p for p in dir.iterdir() if p.is_file()):
            source = sources.get(path.name)
            if source is None:
                self.report(f"Skipped {path.name}: no source has that key.", options)
                counts["skipped"] += 1
                continue
            try:
                text = text_of_file(path.name, path.read_bytes())
            except UnicodeDecodeError:
                self.stderr.write(f"Could not read {path.name}: it is not UTF-8 text; skipped.")
                unreadable.append(path.name)
                continue
            stored = getattr(source, "private_text", None)
            if stored is not None and stored.text == text:
                self.report(f"Unchanged {path.name}.", options)
                counts["unchanged"] += 1
                continue
            if stored is not None and options["keep_edited"] and edited(stored):
                self.report(
                    f"Kept {path.name}: its text was edited since it was attached.", options
                )
                counts["kept"] += 1
                continue
            if stored is None:
                stored = SourceText(source=source, text=text)
                stored._change_reason = reason(ATTACHED, path)
                stored.save()
                self.report(f"Attached {path.name} (new).", options)
                counts["attached"] += 1
            else:
                stored.text = text
                stored._change_reason = reason(CHANGED, path)
                stored.save()
                self.report(
                    f"Changed {path.name}: its text differed; now version {stored.version}.",
                    options,
                )
                counts["changed"] += 1
        summary = ", ".join(f"{count} {what}" for what, count in counts.items())
        if unreadable:
            raise CommandError(
                f"{summary}; {len(unreadable)} not read (not UTF-8): {', '.join(unreadable)}."
            )
        self.report(f"{summary}.", options)

    def report(self, line, options):
        if options["verbosity"] >= 1:
            self.stdout.write(line)
