"""generate_demo_data: a synthetic dataset beside the seed, with history, removable."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from filings.models import Citation, Filing


def generate(*args):
    call_command("generate_demo_data", *args, stdout=StringIO())


def test_demo_data_is_published_with_history_and_removed_without_touching_the_seed(seeded):
    seed = (Case.objects.count(), Filing.objects.count(), Citation.objects.count())
    generate("--cases", "3", "--filings", "30", "--batch-size", "7")

    demo = Filing.objects.filter(slug__startswith="demo-")
    assert demo.count() == 30 and demo.filter(is_published=True).count() == 30
    assert Filing.history.filter(slug__startswith="demo-").count() == 30
    assert Citation.objects.filter(filing__in=demo).count() == 30
    assert {f.date.precision for f in demo} == {"year", "month", "day"}
    assert Case.objects.published().filter(slug__startswith="demo-").count() == 3
    assert "Demo entry" in [f.title[:10] for f in Filing.objects.published()]

    with pytest.raises(CommandError, match="Demo data exists already"):
        generate("--cases", "1", "--filings", "1")
    generate("--delete")
    assert (Case.objects.count(), Filing.objects.count(), Citation.objects.count()) == seed
