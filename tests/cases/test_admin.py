"""The editors' admin: changelists at a fixed query cost, inlines, and form validation."""

import pytest

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party
from filings.models import Citation, Filing, Source


def build(n):
    """n rows of every model, with every foreign key a changelist shows filled in."""
    previous = Case.objects.order_by("pk").last()
    start = Case.objects.count()
    for i in range(start, start + n):
        parent = Agency.objects.create(
            name=f"Regulator {i}", slug=f"regulator-{i}", kind="regulator"
        )
        court = Agency.objects.create(
            name=f"Court {i}", slug=f"court-{i}", kind="court", parent=parent
        )
        judge = Party.objects.create(
            name=f"Judge {i}", slug=f"judge-{i}", kind="person", affiliation=court
        )
        Alias.objects.create(party=judge, name=f"J{i}")
        source = Source.objects.create(key=f"source-{i}", title=f"Source {i}", published="2024")
        case = Case.objects.create(
            caption=f"Case {i}",
            slug=f"case-{i}",
            kind="civil",
            status="active",
            court=court,
            judge=judge,
            filed="2023-06",
        )
        case.agencies.add(parent)
        CaseParty.objects.create(case=case, party=judge, role="defendant")
        claim = Claim.objects.create(case=case, slug="fraud", title=f"Fraud {i}")
        complaint = Filing.objects.create(
            case=case,
            slug="complaint",
            sequence=10,
            kind="complaint",
            title="Complaint",
            date="2023-06-05",
            filed_by_party=judge,
            filed_by_agency=parent,
        )
        Citation.objects.create(
            source=source,
            locator=1,
            key_phrase="sued",
            filing=complaint,
            reported_date="2023-07",
            reported_after=complaint,
        )
        Citation.objects.create(source=source, locator=2, key_phrase="fraud", claim=claim)
        Citation.objects.create(
            source=source,
            locator=3,
            key_phrase="two claims",
            case=case,
            fact="claims_total",
            reported_number=2,
        )
        if previous:
            CaseLink.objects.create(from_case=case, to_case=previous, kind="appeal")
        previous = case


# Session, user, two counts and the rows; then one query per related list_filter,
# the distinct publishers, and the filings' citations.
CHANGELISTS = {
    "cases/agency": 5,
    "cases/party": 5,
    "cases/alias": 5,
    "cases/case": 7,
    "cases/caseparty": 5,
    "cases/claim": 5,
    "cases/caselink": 5,
    "filings/source": 6,
    "filings/filing": 8,
    "filings/citation": 5,
}


@pytest.mark.parametrize(("model", "queries"), CHANGELISTS.items())
def test_changelist_query_count_does_not_grow_with_rows(
    admin_client, django_assert_max_num_queries, model, queries
):
    url = f"/admin/{model}/"
    for rows in (3, 12):
        build(rows)
        with django_assert_max_num_queries(queries):
            response = admin_client.get(url)
        assert response.status_code == 200


@pytest.mark.parametrize("model", CHANGELISTS)
def test_add_page_renders(admin_client, model):
    assert admin_client.get(f"/admin/{model}/add/").status_code == 200


def test_changelists_show_their_rows(admin_client):
    build(2)
    filings = admin_client.get("/admin/filings/filing/").content.decode()
    assert "Complaint" in filings and "Case 1" in filings
    assert 'alt="True"' in filings  # the citation's 2023-07 contradicts 2023-06-05
    citations = admin_client.get("/admin/filings/citation/").content.decode()
    assert "Case 1: June 5, 2023: Complaint" in citations
    assert "Case 1: Fraud 1" in citations
    assert "Case 1: Number of claims" in citations


def test_case_change_page_shows_inlines_with_iso_dates(admin_client):
    build(1)
    case = Case.objects.latest("pk")
    page = admin_client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert 'id="filings-group"' in page
    # Entries are listed read-only here; each is edited on its own page.
    assert "June 5, 2023" in page and 'name="filings-0-date"' not in page
    assert 'name="filed" value="2023-06"' in page
    assert 'id="case_parties-group"' in page and 'id="claims-group"' in page
    assert 'id="links_from-group"' in page


def test_filing_change_page_shows_citation_inline(admin_client):
    build(1)
    filing = Filing.objects.latest("pk")
    page = admin_client.get(f"/admin/filings/filing/{filing.pk}/change/").content.decode()
    assert 'id="citations-group"' in page
    assert 'name="citations-0-key_phrase" value="sued"' in page
    assert 'name="citations-0-reported_date" value="2023-07"' in page


def test_invalid_partial_date_is_a_field_error(admin_client):
    build(1)
    case = Case.objects.latest("pk")
    response = admin_client.post(
        "/admin/filings/filing/add/",
        {
            "case": case.pk,
            "slug": "order",
            "sequence": 20,
            "kind": "order",
            "title": "Order",
            "date": "2023-13",
            "citations-TOTAL_FORMS": 0,
            "citations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["date"]
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in errors["date"][0]
    assert 'value="2023-13"' in response.content.decode()
    assert not Filing.objects.filter(slug="order").exists()


def test_long_key_phrase_is_a_field_error(admin_client):
    build(1)
    response = admin_client.post(
        "/admin/filings/citation/add/",
        {
            "source": Source.objects.latest("pk").pk,
            "locator": 4,
            "key_phrase": " ".join(["word"] * 13),
            "filing": Filing.objects.latest("pk").pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["key_phrase"]
    assert "at most 12 words; this one has 13" in errors["key_phrase"][0]
    assert Citation.objects.count() == 3


def test_party_autocomplete(admin_client):
    build(2)
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "app_label": "filings",
            "model_name": "filing",
            "field_name": "filed_by_party",
            "term": "judge",
        },
    )
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert len(names) == 2 and all(name.startswith("Judge ") for name in names)


def test_source_url_without_scheme_is_saved_as_https(admin_client):
    response = admin_client.post(
        "/admin/filings/source/add/",
        {"key": "sec-release", "kind": "article", "title": "SEC release", "url": "www.sec.gov/x"},
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get(key="sec-release").url == "https://www.sec.gov/x"
