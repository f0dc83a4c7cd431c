import pytest
from django.core.management import call_command


@pytest.fixture
def seeded(db):
    """The whole article-derived dataset."""
    call_command("loaddata", "seed", verbosity=0)
