"""The article-derived seed: idempotent loading, round trips and provenance."""

import datetime
import io
import json
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command

from cases.models import Case
from core.partial_dates import PartialDate
from filings.models import Citation, Filing, prefetch_citations

PRECISION_RANK = {"year": 0, "month": 1, "day": 2}


def row_counts():
    return {
        model._meta.label: model.objects.count()
        for app in ("cases", "filings")
        for model in apps.get_app_config(app).get_models()
    }


def dump():
    out = io.StringIO()
    call_command(
        "dumpdata", "cases", "filings", natural_foreign=True, natural_primary=True, stdout=out
    )
    return json.loads(out.getvalue())


def seeded_filings():
    return Filing.objects.select_related("case").prefetch_related(prefetch_citations())


def article_paragraphs(key):
    """The source's paragraphs: its non-blank lines, numbered from 1."""
    path = settings.SEED_ARTICLES_DIR / key
    return [line for line in path.read_text().splitlines() if line.strip()]


def test_loading_the_seed_twice_changes_no_row_counts(seeded):
    first = row_counts()
    call_command("loaddata", "seed", verbosity=0)
    assert row_counts() == first
    assert first["filings.Filing"] >= 13
    assert first["filings.Citation"] >= 40
    assert all(count > 0 for count in first.values())


@pytest.mark.django_db(transaction=True)
def test_dump_and_load_round_trip_gives_equal_content(tmp_path):
    call_command("loaddata", "seed", verbosity=0)
    before = dump()
    assert all("pk" not in obj for obj in before), "every model should have a natural key"
    call_command("flush", interactive=False, verbosity=0)
    assert sum(row_counts().values()) == 0
    path = tmp_path / "dump.json"
    path.write_text(json.dumps(before))
    call_command("loaddata", str(path), verbosity=0)
    assert dump() == before


def test_seed_covers_sec_v_binance(seeded):
    case = Case.objects.get(slug="sec-v-binance")
    defendants = set(
        case.case_parties.filter(role="defendant").values_list("party__name", flat=True)
    )
    assert defendants == {
        "Binance Holdings",
        "Changpeng Zhao",
        "BAM Trading Services",
        "BAM Management US Holdings Inc.",
    }
    assert case.court.name == "U.S. District Court for the District of Columbia"
    assert case.judge.name == "Amy Berman Jackson"
    kinds = set(case.filings.values_list("kind", flat=True))
    assert {"complaint", "statement", "order", "stay_request", "stipulation"} <= kinds
    assert case.filings.filter(kind="stay_request").count() == 2
    dismissal = case.filings.get(slug="dismissal")
    assert dismissal.date == PartialDate(2025, 5, 29)
    assert "with prejudice" in dismissal.title
    assert case.claims.filter(disposition="dismissed").count() == 2
    assert Case.objects.get(slug="doj-binance-criminal").filings.count() == 3
    assert {"sec-v-coinbase", "sec-v-kraken", "sec-v-consensys"} <= set(
        case.links_from.values_list("to_case__slug", flat=True)
    )


def test_every_seeded_filing_claim_and_case_fact_cites_a_paragraph(seeded):
    for filing in seeded_filings():
        assert filing.citation_list, f"{filing.case.slug}/{filing.slug} has no citation"
    for citation in Citation.objects.all():
        assert citation.locator >= 1
    cited_claims = set(Citation.objects.exclude(claim=None).values_list("claim", flat=True))
    assert cited_claims == set(
        apps.get_model("cases", "Claim").objects.values_list("pk", flat=True)
    )


def test_every_key_phrase_is_verbatim_in_its_paragraph_and_not_a_whole_sentence(
    seeded, seed_articles
):
    citations = Citation.objects.select_related("source")
    assert citations.exists()
    for citation in citations:
        paragraphs = article_paragraphs(citation.source.key)
        label = f"{citation.source.key} para. {citation.locator}: {citation.key_phrase!r}"
        assert citation.locator <= len(paragraphs), label
        paragraph = paragraphs[citation.locator - 1]
        assert citation.key_phrase in paragraph, label
        assert len(citation.key_phrase.split()) <= 12, label
        sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+", paragraph) if s.strip()]
        phrase = citation.key_phrase.rstrip(".!?").strip()
        assert all(phrase != s.rstrip(".!?").strip() for s in sentences), f"whole sentence: {label}"


def test_each_seed_source_key_is_an_article_file_name(seeded, seed_articles):
    keys = set(apps.get_model("filings", "Source").objects.values_list("key", flat=True))
    assert keys == {path.name for path in seed_articles.iterdir() if path.suffix == ".txt"}


def test_the_article_disagreements_are_computed_as_disputes(seeded):
    disputed = {f"{f.case.slug}/{f.slug}" for f in seeded_filings() if f.is_disputed}
    assert disputed == {
        # 000 dates the stays and the dismissal to 2024; 001 and 002 imply 2025.
        "sec-v-binance/stay-motion",
        "sec-v-binance/second-stay-request",
        "sec-v-binance/dismissal",
        # 003 says the SEC sued after the November 2023 plea; others say June 2023.
        "sec-v-binance/complaint",
    }
    case = Case.objects.prefetch_related("citations__source").get(slug="sec-v-binance")
    assert case.claim_counts_disputed  # 3 + 10 + 2 claims is not 13


def test_agreeing_precisions_are_not_flagged(seeded):
    filings = {f.slug: f for f in seeded_filings()}
    # Several sources give the plea as November 2023 and the sentence as April 2024.
    assert not filings["plea"].is_disputed
    assert not filings["zhao-sentenced"].is_disputed
    dismissal = filings["dismissal"]
    assert {c.reported_date for c in dismissal.citation_list if c.reported_date} == {
        PartialDate(2025, 5, 29),
        PartialDate(2024, 5, 29),
        PartialDate(2024, 5),
    }
    # A month-precision version agrees with the day it contains.
    Citation.objects.filter(filing=dismissal, reported_date__in=["2024-05", "2024-05-29"]).update(
        reported_date="2025-05"
    )
    assert not seeded_filings().get(pk=dismissal.pk).is_disputed


def test_no_adopted_date_is_more_precise_than_its_sources(seeded):
    for filing in seeded_filings():
        if not filing.date:
            continue
        reported = [c.reported_date for c in filing.citation_list if c.reported_date]
        assert reported, f"{filing.slug} has a date but no source dates it"
        finest = max(PRECISION_RANK[d.precision] for d in reported)
        assert PRECISION_RANK[filing.date.precision] <= finest, filing.slug
    for case in Case.objects.prefetch_related("filings"):
        filing_dates = {f.date for f in case.filings.all()}
        for value in (case.filed, case.closed):
            assert value is None or value in filing_dates, f"{case.slug}: {value}"


def test_saved_timestamps_keep_only_what_a_fixture_can_hold(seeded, monkeypatch):
    # Django's serializer keeps milliseconds; a timestamp with more would not round-trip.
    moment = datetime.datetime(2026, 1, 2, 3, 4, 5, 123, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    case = Case.objects.get(slug="sec-v-binance")
    case.save()
    assert case.updated_at == moment.replace(microsecond=0)
    (obj,) = serializers.deserialize("json", serializers.serialize("json", [case]))
    assert obj.object.updated_at == case.updated_at
