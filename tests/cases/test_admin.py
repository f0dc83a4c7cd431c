"""The editors' admin: changelists at a fixed query cost, inlines, and form validation."""

import pytest
from django.contrib.auth.models import Group, Permission

from cases.models import Agency, Alias, Case, CaseLink, CaseParty, Claim, Party
from filings.admin import publish_with_entries
from filings.models import Citation, Filing, Source
from tests.factories import CaseFactory, FilingFactory
from tests.helpers import admin_form_data, change_url, parse


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
    key_phrase = parse(page).find("textarea", name="citations-0-key_phrase")
    assert key_phrase.text.strip() == "sued"
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
        {
            "key": "sec-release",
            "kind": "article",
            "title": "SEC release",
            "url": "www.sec.gov/x",
            # The private text's inline, left empty.
            "private_text-TOTAL_FORMS": "0",
            "private_text-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Source.objects.get(key="sec-release").url == "https://www.sec.gov/x"


# A case that has ended, publishing with its entries, adding an entry (issue 14)


def save_case(client, case, follow=True, **changes):
    """Saves the case's change form as the browser would post it, with some changes."""
    page = client.get(change_url(case))
    return client.post(change_url(case), admin_form_data(page, **changes), follow=follow)


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize("status", ["settled", "dismissed", "closed"])
def test_a_case_that_ended_without_a_closed_date_is_saved_with_a_warning(editor_client, status):
    case = CaseFactory(caption="SEC v. Ripple")
    response = save_case(editor_client, case, status=status)
    assert Case.objects.get(pk=case.pk).status == status
    label = Case.Status(status).label.lower()
    assert (
        f"“SEC v. Ripple” is {label} but has no closed date. Readers will see that it ended, "
        "with no date; add the date when a source gives it."
    ) in messages_of(response)


@pytest.mark.parametrize(("status", "closed"), [("active", ""), ("stayed", ""), ("closed", "2025")])
def test_a_case_still_open_or_with_its_closed_date_has_no_warning(editor_client, status, closed):
    response = save_case(editor_client, CaseFactory(), status=status, closed=closed)
    assert not [m for m in messages_of(response) if "no closed date" in m]


def test_the_case_page_links_to_adding_an_entry_with_the_case_filled_in(editor_client):
    case = CaseFactory()
    html = editor_client.get(change_url(case)).content.decode()
    (link,) = [a for a in parse(html).find_all("a") if a.text == "Add an entry to this case"]
    url = link.attrs["href"]
    assert url == f"/admin/filings/filing/add/?case={case.pk}"
    form = editor_client.get(url).context["adminform"].form
    assert form["case"].value() == str(case.pk)


def draft_case_with_entries():
    """A draft case with one published entry and two drafts."""
    case = CaseFactory(is_published=False)
    FilingFactory(case=case)
    drafts = [FilingFactory(case=case, is_published=False) for _ in range(2)]
    return case, drafts


def test_the_publish_entries_box_is_offered_only_when_the_case_has_drafts(editor_client):
    case, drafts = draft_case_with_entries()
    form = editor_client.get(change_url(case)).context["adminform"].form
    assert form.fields["publish_entries"].label == "Also publish its 2 draft entries"
    for draft in drafts:
        draft.is_published = True
        draft.save()
    html = editor_client.get(change_url(case)).content.decode()
    assert 'name="publish_entries"' not in html


def test_publishing_a_case_on_its_page_says_how_many_entries_stay_drafts(editor_client):
    case, _ = draft_case_with_entries()
    response = save_case(editor_client, case, is_published="on")
    assert Case.objects.get(pk=case.pk).is_published
    (message,) = [m for m in messages_of(response) if "stay hidden" in m]
    link = f"/admin/filings/filing/?case__id__in={case.pk}&amp;is_published__exact=0"
    assert message.startswith(f'2 entries of this case stay hidden as drafts: <a href="{link}">')
    listed = editor_client.get(link.replace("&amp;", "&")).context["cl"].result_count
    assert listed == 2


def test_the_publish_entries_box_publishes_the_drafts_with_history(editor_client):
    case, drafts = draft_case_with_entries()
    response = save_case(editor_client, case, is_published="on", publish_entries="on")
    assert not case.filings.filter(is_published=False).exists()
    assert "2 entries of this case published." in messages_of(response)
    assert not [m for m in messages_of(response) if "stay hidden" in m]
    for draft in drafts:
        record = draft.history.first()
        assert record.history_change_reason == "Published"
        assert record.history_user.username == "editor"


def test_the_publish_action_says_how_many_entries_stay_drafts(editor_client):
    case, _ = draft_case_with_entries()
    other, _ = draft_case_with_entries()
    response = editor_client.post(
        "/admin/cases/case/",
        {"action": "publish", "_selected_action": [case.pk, other.pk]},
        follow=True,
    )
    assert "2 cases published." in messages_of(response)
    (message,) = [m for m in messages_of(response) if "stay hidden" in m]
    assert message.startswith("4 entries of these cases stay hidden as drafts")
    assert Filing.objects.filter(is_published=False).count() == 4


def test_the_publish_with_entries_action_publishes_cases_and_drafts_with_history(editor_client):
    case, drafts = draft_case_with_entries()
    response = editor_client.post(
        "/admin/cases/case/",
        {"action": "publish_all", "_selected_action": [case.pk]},
        follow=True,
    )
    assert "1 case and 2 entries published." in messages_of(response)
    case.refresh_from_db()
    assert case.is_published and not case.filings.filter(is_published=False).exists()
    for obj in (case, *drafts):
        assert obj.history.first().history_user.username == "editor"


def test_publish_with_entries_publishes_only_what_was_a_draft(make_editor):
    editor = make_editor()
    case, drafts = draft_case_with_entries()
    untouched = CaseFactory(is_published=False)
    FilingFactory(case=untouched, is_published=False)
    assert publish_with_entries(Case.objects.filter(pk=case.pk), editor) == (1, 2)
    assert publish_with_entries(Case.objects.filter(pk=case.pk), editor) == (0, 0)
    assert not Case.objects.get(pk=untouched.pk).is_published
    assert untouched.filings.get().is_published is False


def sign_in_as_editor_without(client, django_user_model, *codenames):
    """A staff user with the Editors group's permissions less ``codenames``."""
    user = django_user_model.objects.create_user("limited", password="x", is_staff=True)
    editors = Group.objects.get(name="Editors")
    user.user_permissions.set(editors.permissions.exclude(codename__in=codenames))
    client.force_login(user)
    return client


def actions_offered(client, changelist):
    form = client.get(changelist).context["action_form"]  # None when it offers none
    return dict(form.fields["action"].choices) if form else {}


def view_only(client, django_user_model):
    user = django_user_model.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__startswith="view_"))
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("changelist", "action"),
    [
        ("/admin/cases/case/", "publish"),
        ("/admin/cases/case/", "unpublish"),
        ("/admin/cases/case/", "publish_all"),
        ("/admin/filings/filing/", "publish"),
        ("/admin/filings/filing/", "unpublish"),
    ],
)
def test_a_view_only_user_can_neither_publish_nor_unpublish(
    client, django_user_model, make_editor, changelist, action
):
    case, drafts = draft_case_with_entries()
    published = CaseFactory(is_published=True)
    client = view_only(client, django_user_model)
    assert action not in actions_offered(client, changelist)
    pks = [case.pk, published.pk] if "cases" in changelist else [d.pk for d in drafts]
    client.post(changelist, {"action": action, "_selected_action": pks})
    assert not Case.objects.get(pk=case.pk).is_published
    assert Case.objects.get(pk=published.pk).is_published
    assert Filing.objects.filter(is_published=False).count() == 2


def test_publishing_with_entries_needs_permission_to_change_entries(
    client, django_user_model, make_editor
):
    case, _ = draft_case_with_entries()
    client = sign_in_as_editor_without(client, django_user_model, "change_filing")
    actions = actions_offered(client, "/admin/cases/case/")
    assert "publish" in actions and "publish_all" not in actions
    client.post("/admin/cases/case/", {"action": "publish_all", "_selected_action": [case.pk]})
    assert not Case.objects.get(pk=case.pk).is_published
    # The case's own page leaves the box out, and a posted box publishes no entry.
    assert 'name="publish_entries"' not in client.get(change_url(case)).content.decode()
    page = client.get(change_url(case))
    data = {**admin_form_data(page, is_published="on"), "publish_entries": "on"}
    client.post(change_url(case), data)
    assert Case.objects.get(pk=case.pk).is_published
    assert case.filings.filter(is_published=False).count() == 2
