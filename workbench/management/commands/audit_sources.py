"""Which dates in the sources' texts are cited, marked not facts for the record, or neither."""

import json

from django.core.management.base import BaseCommand, CommandError

from workbench import coverage


class Command(BaseCommand):
    help = (
        "Lists the dates found in each source's text that no citation reports and no "
        "editor marked not a fact for the record, with totals."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='Print every date found as a JSON list of {"source", "paragraph", "text", '
            '"iso", "precision", "cited", "dismissed"} instead.',
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 1 while any date is neither cited nor marked.",
        )

    def handle(self, *args, **options):
        surveyed = coverage.survey()
        mentions = coverage.mentions(surveyed)
        if options["json"]:
            self.stdout.write(json.dumps([as_json(m) for m in mentions], indent=2))
        else:
            self.stdout.write("Dates in the sources' texts:")
            for source, paragraphs in surveyed:
                self.report(source, paragraphs)
            self.stdout.write(f"All sources: {counts(mentions)}")
        uncited = coverage.totals(mentions)["uncited"]
        if options["strict"] and uncited:
            raise CommandError(
                f"{uncited} date{'s' if uncited != 1 else ''} neither cited nor marked "
                "not a fact for the record."
            )

    def report(self, source, paragraphs):
        if paragraphs is None:
            self.stdout.write(f"{source.key}: no text attached")
            return
        mentions = coverage.mentions([(source, paragraphs)])
        self.stdout.write(f"{source.key}: {counts(mentions)}")
        for m in mentions:
            if not m.settled:
                self.stdout.write(
                    f"  paragraph {m.paragraph}: “{m.found.text}” ({m.found.iso}, "
                    f"{m.found.precision})"
                )


def counts(mentions):
    totals = coverage.totals(mentions)
    return (
        f"{totals['mentions']} found, {totals['cited']} cited, "
        f"{totals['dismissed']} marked not facts for the record, {totals['uncited']} uncited"
    )


def as_json(mention):
    return {
        "source": mention.source.key,
        "paragraph": mention.paragraph,
        "text": mention.found.text,
        "iso": mention.found.iso,
        "precision": str(mention.found.precision),
        "cited": mention.cited,
        "dismissed": mention.dismissed,
    }
