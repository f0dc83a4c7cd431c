"""What readers must never see: drafts, what only editors see (sources' texts
among it), and the server's insides.

Each draft or editor-only value carries a marker word found nowhere else (for a
source's text: words of the article that the record does not quote), and every
public address (pages, feeds, downloads, the API) is checked for it.
"""

import os
import re
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError
from django.test import Client

from cases.models import Agency, Case, CaseLink, CaseParty, Claim, Party
from core.texts import paragraphs
from filings.models import Citation, Filing, Source
from tests.helpers import AGENCY_SLUGS, CASE_SLUGS, PARTY_SLUGS, SOURCE_KEYS
from workbench.models import SourceText

SOURCE = "000_26f21f1ec1e397ac.txt"
CASE_MARKER = "Qorvalith"  # only in the draft case and what belongs to it
ENTRY_MARKER = "Zembrastic"  # only in the draft entry of a published case
MARKERS = (CASE_MARKER, ENTRY_MARKER)
BOTH = MARKERS
CASE = (CASE_MARKER,)
ENTRY = (ENTRY_MARKER,)
NEITHER = ()  # the page changes once the drafts are published, but names neither
UNRELATED = None  # nothing on the page depends on cases or entries


def fetch(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    text = response.content.decode()
    if response["Content-Type"].startswith("text/calendar"):
        text = re.sub(r"\r\n[ \t]", "", text)  # unfold long lines, which may split a word
    # The browsable API's CSRF token is masked afresh on every request.
    return re.sub(r'("csrfToken": |name="csrfmiddlewaretoken" value=)"[^"]*"', r'\1"…"', text)


# Every public address, and which markers it shows once the drafts are published.
PUBLIC_URLS = [
    ("/", BOTH),
    ("/cases/", CASE),
    (f"/cases/?q={CASE_MARKER}", CASE),
    ("/cases/sec-v-binance/", BOTH),
    ("/timeline/", BOTH),
    ("/timeline/?party=binance-holdings", BOTH),
    ("/parties/", NEITHER),
    ("/parties/binance-holdings/", BOTH),
    ("/parties/amy-berman-jackson/", BOTH),
    ("/agencies/", NEITHER),
    ("/agencies/sec/", BOTH),
    ("/agencies/ddc/", BOTH),
    (f"/sources/{SOURCE}/", BOTH),
    (f"/search/?q={CASE_MARKER}", CASE),
    (f"/search/?q={ENTRY_MARKER}", ENTRY),
    ("/feed/", BOTH),
    ("/cases/sec-v-binance/feed/", ENTRY),
    ("/parties/binance-holdings/feed/", BOTH),
    ("/agencies/sec/feed/", BOTH),
    ("/agencies/ddc/feed/", BOTH),
    ("/cases.csv", CASE),
    ("/cases/sec-v-binance/calendar.ics", ENTRY),
    ("/cases/sec-v-binance/timeline.csv", ENTRY),
    ("/api/", UNRELATED),
    ("/api/cases/", CASE),
    ("/api/cases/?party=binance-holdings", CASE),
    (f"/api/cases/?q={CASE_MARKER}", CASE),
    ("/api/cases/?format=api", CASE),
    ("/api/cases/sec-v-binance/", NEITHER),  # its latest activity
    ("/api/filings/", BOTH),
    ("/api/filings/?case=sec-v-binance", ENTRY),
    ("/api/filings/?party=binance-holdings", BOTH),
    ("/api/filings/?format=api", BOTH),
    ("/api/filings/sec-v-binance/dismissal/", UNRELATED),
    ("/api/parties/", UNRELATED),
    ("/api/parties/binance-holdings/", UNRELATED),
    ("/api/agencies/", UNRELATED),
    ("/api/agencies/sec/", UNRELATED),
    ("/api/sources/", UNRELATED),
    (f"/api/sources/{SOURCE}/", UNRELATED),
    ("/api/schema/", UNRELATED),
]
URLS = [url for url, _shows in PUBLIC_URLS]
PER_CASE = ("", "?order=newest", "feed/", "calendar.ics", "timeline.csv")


def add_drafts():
    """A draft case with everything a case can have, and a draft entry in SEC v. Binance.

    They involve the seed's parties, agencies and source, so that the pages of
    those show them once published.
    """
    sec, ddc = Agency.objects.get(slug="sec"), Agency.objects.get(slug="ddc")
    company = Party.objects.get(slug="binance-holdings")
    zhao = Party.objects.get(slug="changpeng-zhao")
    source = Source.objects.get(key=SOURCE)
    binance = Case.objects.get(slug="sec-v-binance")

    case = Case.objects.create(
        caption=f"SEC v. {CASE_MARKER}",
        slug="draft-case",
        kind=Case.Kind.CIVIL,
        status=Case.Status.ACTIVE,
        court=ddc,
        judge=Party.objects.get(slug="amy-berman-jackson"),
        docket_number=f"1:25-cv-{CASE_MARKER}",
        filed="2025-06",
        summary=f"What {CASE_MARKER} is about.",
        outcome=f"How {CASE_MARKER} ended.",
    )
    assert not case.is_published
    case.agencies.set([sec])
    CaseParty.objects.create(
        case=case, party=company, role="defendant", title=f"{CASE_MARKER} defendant"
    )
    CaseParty.objects.create(case=case, party=zhao, role="defendant")
    CaseLink.objects.create(
        from_case=binance, to_case=case, kind="related_enforcement", note=f"{CASE_MARKER} link"
    )
    CaseLink.objects.create(
        from_case=case, to_case=binance, kind="parallel_criminal", note=f"{CASE_MARKER} back"
    )
    claim = Claim.objects.create(case=case, slug="fraud", title=f"{CASE_MARKER} fraud claim")
    Citation.objects.create(
        source=source, locator=1, key_phrase=f"{CASE_MARKER} claim", claim=claim
    )
    Citation.objects.create(
        source=source,
        locator=2,
        key_phrase=f"{CASE_MARKER} count",
        case=case,
        fact=Case.Fact.CLAIMS_TOTAL,
        reported_number=7,
    )
    # Published itself, but in a draft case: readers see it only with its case.
    in_draft_case = Filing.objects.create(
        is_published=True,
        case=case,
        slug="entry",
        sequence=10,
        kind=Filing.Kind.COMPLAINT,
        title=f"{CASE_MARKER} complaint filed",
        summary=f"The {CASE_MARKER} complaint.",
        date="2025-06-20",
        filed_by_party=company,
        filed_by_agency=sec,
    )
    Citation.objects.create(
        source=source, locator=3, key_phrase=f"{CASE_MARKER} entry", filing=in_draft_case
    )

    draft = Filing.objects.create(
        case=binance,
        slug="draft-entry",
        sequence=1000,
        kind=Filing.Kind.ORDER,
        title=f"{ENTRY_MARKER} hearing set",
        summary=f"The {ENTRY_MARKER} hearing.",
        date="2025-06-15",
        date_note=f"{ENTRY_MARKER} date note",
        filed_by_party=company,
        filed_by_agency=sec,
        docket_entry=999,
        document_url=f"https://example.com/{ENTRY_MARKER}.pdf",
    )
    assert not draft.is_published
    Citation.objects.create(
        source=source,
        locator=4,
        key_phrase=f"{ENTRY_MARKER} phrase",
        filing=draft,
        reported_date="2025-06",
        note=f"{ENTRY_MARKER} citation note",
    )


def publish_drafts():
    Case.objects.filter(slug="draft-case").update(is_published=True)
    Filing.objects.filter(slug="draft-entry").update(is_published=True)


@pytest.fixture
def drafts(seeded):
    add_drafts()


# Drafts


@pytest.mark.parametrize("url", URLS)
def test_drafts_change_nothing_on_a_public_page(client, seeded, url):
    before = fetch(client, url)
    add_drafts()
    after = fetch(client, url)
    # A search or filter page repeats the words asked for, and nothing more.
    leaked = [marker for marker in MARKERS if after.count(marker) > before.count(marker)]
    assert leaked == []
    assert after == before  # no count, date or link moves either


@pytest.mark.parametrize(
    "url, shows", [(url, shows) for url, shows in PUBLIC_URLS if shows is not UNRELATED]
)
def test_the_same_pages_show_them_once_published(client, seeded, url, shows):
    """The check above is not vacuous: each page does show the drafts' content once public."""
    before = fetch(client, url)
    add_drafts()
    publish_drafts()
    after = fetch(client, url)
    assert after != before
    shown = [marker for marker in MARKERS if after.count(marker) > before.count(marker)]
    assert shown == list(shows)


@pytest.mark.parametrize(
    "address, status",
    [
        ("/cases/{case}/", 404),
        ("/cases/{case}/?order=newest", 404),
        ("/cases/{case}/feed/", 404),
        ("/cases/{case}/calendar.ics", 404),
        ("/cases/{case}/timeline.csv", 404),
        ("/preview/cases/{case}/", 302),  # to the admin's login
        ("/api/cases/{case}/", 404),
        ("/api/filings/{case}/{entry}/", 404),
        ("/api/filings/?case={case}", 400),
        ("/api/filings/sec-v-binance/{draft}/", 404),
    ],
)
def test_a_drafts_own_address_answers_as_if_it_did_not_exist(client, drafts, address, status):
    draft = client.get(address.format(case="draft-case", entry="entry", draft="draft-entry"))
    nothing = client.get(address.format(case="no-such-case", entry="no-such", draft="no-such"))
    assert draft.status_code == nothing.status_code == status
    assert draft.content == nothing.content
    assert not any(marker.encode() in draft.content for marker in MARKERS)


# What only editors see


def public_leaks(text):
    """The public addresses whose answer contains text, for a reader who is not signed in."""
    reader = Client()
    return [url for url in URLS if text in fetch(reader, url)]


EDITOR = "ed-quillfeather"


@pytest.fixture
def editor(make_editor):
    user = make_editor(EDITOR)
    user.first_name, user.last_name, user.email = "Ottoline", "Quillfeather", "oq@example.org"
    user.save()
    return user


def test_editors_names_stay_in_the_history(seeded, editor, client):
    client.force_login(editor)
    dismissal = Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")
    binance = Case.objects.get(slug="sec-v-binance")
    for changelist, pk in [
        ("/admin/filings/filing/", dismissal.pk),
        ("/admin/cases/case/", binance.pk),
    ]:
        for action in ("unpublish", "publish"):
            client.post(changelist, {"action": action, "_selected_action": [pk]})
    for obj in [
        Party.objects.get(slug="binance-holdings"),
        Agency.objects.get(slug="sec"),
        Source.objects.get(key=SOURCE),
        dismissal.citations.first(),
    ]:
        obj._history_user = editor
        obj._change_reason = "Checked by Quillfeather"
        obj.save()
    assert dismissal.history.filter(history_user=editor).count() == 2
    assert binance.history.filter(history_user=editor).count() == 2
    assert Party.history.filter(history_change_reason="Checked by Quillfeather").exists()

    for name in [EDITOR, "Quillfeather", "oq@example.org"]:
        assert public_leaks(name) == [], name
    history = Client().get(f"/admin/filings/filing/{dismissal.pk}/history/")
    assert history.status_code == 302 and "/login/" in history["Location"]
    assert b"Quillfeather" not in history.content


def test_a_superseded_title_stays_in_the_history(seeded):
    dismissal = Filing.objects.get(case__slug="sec-v-binance", slug="dismissal")
    title = dismissal.title
    dismissal.title = "Glimmerwort: first wording"
    dismissal.save()
    dismissal.title = title
    dismissal.save()
    assert dismissal.history.filter(title="Glimmerwort: first wording").exists()
    assert public_leaks("Glimmerwort") == []


def test_a_deleted_entry_stays_in_the_history(seeded):
    entry = Filing.objects.create(
        is_published=True,
        case=Case.objects.get(slug="sec-v-binance"),
        slug="deleted",
        sequence=1000,
        kind=Filing.Kind.ORDER,
        title="Glimmerwort order",
        date="2025-06-01",
    )
    entry.delete()
    assert Filing.history.filter(title="Glimmerwort order", history_type="-").exists()
    assert public_leaks("Glimmerwort") == []


# A source's text, private to editors

SEED_RECORD = (settings.BASE_DIR / "fixtures" / "seed.json").read_text(encoding="utf-8")
# Every public address that says anything about a case, party, agency or source.
EVERY_PUBLIC_URL = sorted(
    {
        *URLS,
        *(f"/cases/{slug}/{page}" for slug in CASE_SLUGS for page in PER_CASE),
        *(f"/parties/{slug}/{page}" for slug in PARTY_SLUGS for page in ("", "feed/")),
        *(f"/agencies/{slug}/{page}" for slug in AGENCY_SLUGS for page in ("", "feed/")),
        *(f"/sources/{key}/" for key in SOURCE_KEYS),
        *(f"/api/sources/{key}/" for key in SOURCE_KEYS),
        *(f"/api/cases/{slug}/" for slug in CASE_SLUGS),
        "/api/filings/?page_size=100",
        "/api/sources/?page_size=100",
    }
)


def private_fragment(text):
    """Six words in a row from the text, letters only, that the record itself does not
    have (no key phrase, title or summary of the seed quotes them): words only the
    text holds, read from the article at run time."""
    for paragraph in reversed(paragraphs(text)):
        words = paragraph.split()
        for at in range(len(words) - 5):
            fragment = " ".join(words[at : at + 6])
            if re.fullmatch(r"[A-Za-z ]+", fragment) and fragment not in SEED_RECORD:
                return fragment
    raise AssertionError("no fragment found only in the text")


@pytest.fixture
def fragments(seeded):
    """For each seed source, words of its attached text that nothing else has."""
    if not settings.SEED_ARTICLES_DIR.is_dir():
        if os.environ.get("CI"):
            pytest.fail(
                f"CI is set but the seed articles are missing at {settings.SEED_ARTICLES_DIR}"
            )
        pytest.skip(f"seed articles not found at {settings.SEED_ARTICLES_DIR}")
    texts = SourceText.objects.select_related("source")
    assert sorted(text.source.key for text in texts) == sorted(SOURCE_KEYS)
    return {text.source.key: private_fragment(text.text) for text in texts}


def test_a_sources_text_is_in_no_public_response(fragments, client, make_editor):
    leaks = []
    for url in EVERY_PUBLIC_URL:
        answer = fetch(client, url)
        leaks += [(url, key) for key, fragment in fragments.items() if fragment in answer]
    assert leaks == []
    # The check is not vacuous: the editor's page of the source shows its text.
    client.force_login(make_editor())
    source = Source.objects.get(key=SOURCE)
    assert fragments[SOURCE] in fetch(client, f"/admin/filings/source/{source.pk}/change/")


def test_a_search_for_a_sources_text_finds_nothing(fragments, client):
    for fragment in fragments.values():
        word = max(fragment.split(), key=len)
        for url in [f"/search/?q={word}", f"/api/cases/?q={word}", f"/cases/?q={word}"]:
            assert fragment not in fetch(client, url), url


def test_a_sources_text_is_not_in_the_public_export(fragments):
    out = StringIO()
    call_command("dumpdata", "cases", "filings", stdout=out)
    call_command(
        "dumpdata", "cases", "filings", natural_foreign=True, natural_primary=True, stdout=out
    )
    export = out.getvalue()
    assert "workbench" not in export and "private_text" not in export
    assert [key for key, fragment in fragments.items() if fragment in export] == []


@pytest.mark.django_db(transaction=True)
def test_a_sources_text_is_in_the_backup_and_a_restore_brings_it_back(fragments, tmp_path):
    texts = dict(SourceText.objects.values_list("source__key", "text"))
    backup = tmp_path / "backup.json"
    call_command("backup", str(backup), verbosity=0)
    written = backup.read_text(encoding="utf-8")
    assert all(fragment in written for fragment in fragments.values())

    call_command("flush", interactive=False, verbosity=0)
    assert not SourceText.objects.exists()
    call_command("restore", str(backup), verbosity=0)
    assert dict(SourceText.objects.values_list("source__key", "text")) == texts
    assert Source.objects.get(key=SOURCE).paragraphs() == paragraphs(texts[SOURCE])
    assert SourceText.history.count() == len(texts)  # their history came back too


# The server's insides: errors with DEBUG off

SECRET = "secret-marker-7c1f"
INSIDES = [
    "Traceback",
    'File "',
    SECRET,
    "SELECT",
    "/work/",
    str(settings.BASE_DIR),
    "site-packages",
    "SECRET_KEY",
    settings.SECRET_KEY,
    "DATABASES",
    "Request Method",
    "Django Version",
]


def fail(*args, **kwargs):
    raise RuntimeError(SECRET)


def fail_in_the_database(*args, **kwargs):
    raise DatabaseError(
        f'relation "{SECRET}" does not exist\nLINE 1: SELECT "cases_case"."caption" FROM "{SECRET}"'
    )


def insides(body):
    return [text for text in INSIDES if text in body]


PAGE_FAILURES = [
    ("/", "public.views.order_entries"),
    ("/cases/sec-v-binance/", "public.views.order_entries"),
    ("/parties/changpeng-zhao/", "public.views.entries_page"),
    ("/timeline/", "public.views.entries_page"),
    (f"/sources/{SOURCE}/", "public.views.get_object_or_404"),
    ("/search/?q=binance", "public.search.clean_query"),
    ("/feed/", "public.feeds.order_entries"),
    ("/cases/sec-v-binance/calendar.ics", "public.exports.order_entries"),
    ("/cases.csv", "public.exports.source_keys"),
]
API_FAILURES = [
    ("/api/cases/", "api.serializers.CaseSerializer.get_filings_url"),
    ("/api/filings/sec-v-binance/dismissal/", "api.serializers.FilingSerializer.get_api_url"),
    ("/api/sources/", "api.serializers.SourceSerializer.to_representation"),
]


@pytest.fixture
def failing(client, settings, monkeypatch, seeded):
    """A reader's client; failing(url, target, error) answers as the server would."""
    settings.DEBUG = False
    client.raise_request_exception = False

    def get(url, target, error):
        monkeypatch.setattr(target, error)
        return client.get(url)

    return get


@pytest.mark.parametrize("error", [fail, fail_in_the_database], ids=["error", "database"])
@pytest.mark.parametrize("url, target", PAGE_FAILURES)
def test_a_failing_page_is_a_plain_500(failing, url, target, error):
    response = failing(url, target, error)
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body  # templates/500.html
    assert insides(body) == []


@pytest.mark.parametrize("error", [fail, fail_in_the_database], ids=["error", "database"])
@pytest.mark.parametrize("url, target", API_FAILURES)
def test_a_failing_api_request_is_a_plain_500(failing, url, target, error):
    response = failing(url, target, error)
    assert response.status_code == 500
    assert insides(response.content.decode()) == []


def test_with_debug_on_the_same_failure_would_show_its_insides(failing, settings):
    """The strings looked for above are the ones Django's debug page shows."""
    settings.DEBUG = True
    body = failing("/", "public.views.order_entries", fail).content.decode()
    assert {"Traceback", SECRET, str(settings.BASE_DIR), "Request Method"} <= set(insides(body))


NOT_FOUND = [
    "/no/such/page/",
    "/cases/no-such-case/",
    "/parties/no-such-party/feed/",
    "/sources/no-such-source/",
    "/api/no-such-thing/",
    "/api/cases/no-such-case/",
]
URLCONF = ["Using the URLconf", "casetracker.urls", "api/schema", "Raised by"]


@pytest.mark.parametrize("url", NOT_FOUND)
def test_a_404_lists_no_addresses(client, settings, seeded, url):
    settings.DEBUG = False
    response = client.get(url)
    assert response.status_code == 404
    body = response.content.decode()
    assert [text for text in URLCONF if text in body] == []
    assert settings.ADMIN_PATH not in body
    if not url.startswith("/api/"):
        assert "There is nothing at this address" in body  # templates/404.html


def test_with_debug_on_a_404_would_list_the_addresses(client, settings, seeded):
    settings.DEBUG = True
    body = client.get("/no/such/page/").content.decode()
    assert "Using the URLconf" in body and settings.ADMIN_PATH in body


def test_an_unknown_host_gets_a_plain_400_without_settings_advice(client, settings, seeded):
    settings.DEBUG = False
    response = client.get("/", headers={"host": "unknown.example"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bad request" in body  # templates/400.html
    assert "ALLOWED_HOSTS" not in body and "unknown.example" not in body
