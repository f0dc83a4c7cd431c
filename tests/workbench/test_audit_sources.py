"""manage.py audit_sources: the dates in the sources' texts, cited, marked or neither."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import CitationFactory, SourceFactory
from workbench.models import DismissedMention, SourceText

# Written for these tests: three dated statements, one of them without a year.
TEXT = """A broker is charged
Charges were brought in April 2020.
The broker pleaded on May 29 and was sentenced on August 14, 2021.
"""


@pytest.fixture
def sources(db):
    """A source with the text, one of its dates cited and one marked; one without text."""
    source = SourceFactory(key="broker.txt")
    SourceText.objects.create(source=source, text=TEXT)
    CitationFactory(source=source, locator=2, reported_date="2020-04")
    DismissedMention.objects.create(
        source=source, paragraph=3, text="August 14, 2021", reason="The sentence is not at issue."
    )
    SourceFactory(key="bare.txt")


def audit(*args):
    out = StringIO()
    call_command("audit_sources", *args, stdout=out)
    return out.getvalue()


def test_the_report_lists_each_sources_uncited_dates_and_the_totals(sources):
    assert audit().splitlines() == [
        "Dates in the sources' texts:",
        "bare.txt: no text attached",
        "broker.txt: 3 found, 1 cited, 1 marked not facts for the record, 1 uncited",
        "  paragraph 3: “May 29” (--05-29, day)",
        "All sources: 3 found, 1 cited, 1 marked not facts for the record, 1 uncited",
    ]


def test_json_lists_every_date_with_whether_it_is_cited_or_marked(sources):
    assert json.loads(audit("--json")) == [
        {
            "source": "broker.txt",
            "paragraph": 2,
            "text": "April 2020",
            "iso": "2020-04",
            "precision": "month",
            "cited": True,
            "dismissed": False,
        },
        {
            "source": "broker.txt",
            "paragraph": 3,
            "text": "May 29",
            "iso": "--05-29",
            "precision": "day",
            "cited": False,
            "dismissed": False,
        },
        {
            "source": "broker.txt",
            "paragraph": 3,
            "text": "August 14, 2021",
            "iso": "2021-08-14",
            "precision": "day",
            "cited": False,
            "dismissed": True,
        },
    ]


def test_strict_fails_while_a_date_is_neither_cited_nor_marked(sources):
    with pytest.raises(CommandError, match="^1 date neither cited nor marked") as error:
        audit("--strict")
    assert error.value.returncode == 1


def test_strict_passes_once_every_date_is_cited_or_marked(sources):
    CitationFactory(source__key="other.txt", reported_date="2021-05-29")  # another source's
    with pytest.raises(CommandError):
        audit("--strict")
    CitationFactory(source=SourceText.objects.get().source, locator=3, reported_date="2021-05-29")
    assert audit("--strict", "--json")
