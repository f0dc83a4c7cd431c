"""A citation's locator counts paragraphs from 1: the form check and the
database's check constraint both refuse 0."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from filings.models import Citation
from tests.factories import CitationFactory


def test_a_citation_of_paragraph_0_is_refused_with_a_message_on_its_locator(db):
    citation = CitationFactory(locator=1)
    citation.locator = 0
    with pytest.raises(ValidationError) as refused:
        citation.full_clean()
    assert refused.value.message_dict["locator"] == [
        "Ensure this value is greater than or equal to 1."
    ]


def test_the_database_refuses_paragraph_0(db):
    citation = CitationFactory(locator=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Citation.objects.filter(pk=citation.pk).update(locator=0)
    assert Citation.objects.get(pk=citation.pk).locator == 1
