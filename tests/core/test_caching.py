"""Public pages are cached and answer conditional GETs, and are never stale.

The staleness tests commit for real (transactional tests): the page cache's
revision changes only once a change has committed, as in production.
"""

import uuid

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test import override_settings

from cases.models import Case
from filings.models import Filing
from history.models import Revision
from tests.helpers import BINANCE, admin_form_data

PUBLIC = [
    "/",
    "/cases/",
    BINANCE,
    "/timeline/",
    "/parties/changpeng-zhao/",
    "/agencies/sec/",
    "/feed/",
    "/cases/sec-v-binance/calendar.ics",
    "/cases.csv",
    "/api/filings/?case=sec-v-binance",
]


def use_the_page_cache(settings):
    """The default cache, which conftest's no_page_cache turns off elsewhere: in memory,
    or Redis when REDIS_URL is set (use a database of Redis of your own: it is cleared)."""
    backend = (
        "core.cache_backends.RedisCache"
        if settings.REDIS_URL
        else "django.core.cache.backends.locmem.LocMemCache"
    )
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": settings.REDIS_URL,
        }
    }
    cache.clear()


@pytest.fixture(autouse=True)
def page_cache(settings):
    use_the_page_cache(settings)


@pytest.fixture
def committed_seed(transactional_db, make_editor):
    call_command("loaddata", "seed", verbosity=0)


def editor(client_class, make_editor):
    client = client_class()
    client.force_login(make_editor())
    return client


def test_a_page_answers_a_conditional_get_with_304_until_the_record_changes(client, seeded):
    first = client.get(BINANCE)
    etag = first["ETag"]
    assert first.status_code == 200 and etag.startswith('"')
    again = client.get(BINANCE, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    with transaction.atomic():
        Revision.bump()  # as after any committed change
    changed = client.get(BINANCE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


@pytest.mark.parametrize("url", PUBLIC)
def test_every_public_page_feed_and_export_is_cached_and_has_an_etag(client, seeded, url):
    first = client.get(url)
    assert first.status_code == 200
    assert "no-cache" in first["Cache-Control"]  # browsers ask again each time
    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    # A second reader gets the stored response without the page's queries.
    Filing.objects.update(title="Changed without telling the cache")
    assert client.get(url).content == first.content


def test_a_cached_page_costs_one_query(client, seeded, django_assert_num_queries):
    client.get(BINANCE)
    with django_assert_num_queries(1):  # the revision
        assert "SEC v. Binance" in client.get(BINANCE).content.decode()


def test_the_api_keeps_json_and_its_browsable_page_apart(client, seeded):
    url = "/api/filings/?case=sec-v-binance"
    as_json = client.get(url, HTTP_ACCEPT="application/json")
    as_html = client.get(url, HTTP_ACCEPT="text/html")
    assert as_json["Content-Type"] == "application/json"
    assert as_html["Content-Type"].startswith("text/html")
    assert (
        client.get(
            url, HTTP_ACCEPT="application/json", HTTP_IF_NONE_MATCH=as_json["ETag"]
        ).status_code
        == 304
    )
    # The browsable page sets a CSRF cookie, so it is one reader's: never stored.
    assert "csrftoken" in as_html.cookies
    assert not as_html.has_header("ETag")
    again = client.get(url, HTTP_ACCEPT="text/html", HTTP_IF_NONE_MATCH=as_json["ETag"])
    assert again.status_code == 200 and again["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    "url, status",
    [("/cases/no-such-case/", 404), ("/cases/?page=x", 400), ("/timeline/?order=sideways", 400)],
)
def test_errors_are_neither_cached_nor_given_an_etag(client, seeded, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert not response.has_header("ETag")
    assert not cache.get(f"page:{response.get('ETag', '')}")


def test_a_304_needs_the_pages_own_etag(client, seeded):
    etag = client.get(BINANCE)["ETag"]
    assert client.get("/cases/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/cases/no-such-case/", HTTP_IF_NONE_MATCH=etag).status_code == 404
    # Times say nothing: a page is unchanged only if its ETag says so.
    future = "Fri, 01 Jan 2100 00:00:00 GMT"
    assert client.get(BINANCE, HTTP_IF_MODIFIED_SINCE=future).status_code == 200


def test_editors_and_the_admin_are_never_served_from_the_cache(editor_client, seeded):
    stored = type(editor_client)().get(BINANCE)  # a reader's
    # The page cache's tokens do not see an update(); the page around its entries
    # (whose own cache keys on versions) is rendered from fresh queries.
    Case.objects.update(caption="Changed without telling the cache")
    fresh = editor_client.get(BINANCE, HTTP_IF_NONE_MATCH=stored["ETag"])
    assert fresh.status_code == 200
    assert "Changed without telling the cache" in fresh.content.decode()
    assert not fresh.has_header("ETag")
    login = type(editor_client)().get("/admin/login/")
    assert login.status_code == 200
    assert not login.has_header("ETag")


def test_any_session_cookie_gets_a_fresh_page(client, seeded):
    stored = client.get(BINANCE)
    Case.objects.update(caption="Changed without telling the cache")
    client.cookies["sessionid"] = "expired-or-unknown"  # the cache can't tell: it passes
    fresh = client.get(BINANCE, HTTP_IF_NONE_MATCH=stored["ETag"])
    assert fresh.status_code == 200
    assert "Changed without telling the cache" in fresh.content.decode()


def test_a_stored_page_keeps_the_headers_of_its_first_answer(client, seeded):
    first = client.get(BINANCE)
    Filing.objects.update(title="Changed without telling the cache")
    stored = client.get(BINANCE)
    assert stored.content == first.content  # from the cache
    headers = ["Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Vary"]
    for header in headers:
        assert stored[header] == first[header], header
    assert "Cookie" in stored["Vary"]  # an editor's cookie gets another answer


def test_a_304_carries_the_caching_headers_of_its_page(client, seeded):
    page = client.get(BINANCE)
    not_modified = client.get(BINANCE, HTTP_IF_NONE_MATCH=page["ETag"])
    assert not_modified.status_code == 304
    for header in ["ETag", "Cache-Control"]:
        assert not_modified[header] == page[header], header
    assert "Cookie" in not_modified["Vary"]


def test_a_head_request_is_answered_from_the_stored_page(client, seeded, django_assert_num_queries):
    etag = client.get(BINANCE)["ETag"]
    with django_assert_num_queries(1):  # the revision, not the page's queries
        head = client.head(BINANCE)
    assert head.status_code == 200
    assert head["ETag"] == etag


def test_errors_met_before_the_page_still_get_the_security_headers(client, seeded):
    bad_host = client.get(BINANCE, HTTP_HOST="not-ours.example")
    too_many = client.get(BINANCE + "?" + "&".join(f"f{n}=1" for n in range(1100)))
    for response in [bad_host, too_many]:
        assert response.status_code == 400
        assert "Content-Security-Policy" in response
    assert too_many["X-Frame-Options"] == "DENY"  # (a bad Host is refused above it)


def test_a_page_is_served_uncached_when_the_revision_cannot_be_read(client, seeded, monkeypatch):
    def unreadable(names):
        raise DatabaseError("the revision table is locked")

    monkeypatch.setattr(Revision, "tokens", unreadable)
    response = client.get(BINANCE)
    assert response.status_code == 200
    assert "SEC v. Binance" in response.content.decode()
    assert not response.has_header("ETag")


# Staleness: edit or publish, then fetch, and the change is there.


def test_an_admin_edit_is_on_the_next_request(client, committed_seed, make_editor):
    assert "Court sets a hearing" not in client.get(BINANCE).content.decode()
    etag = client.get(BINANCE)["ETag"]
    complaint = Filing.objects.get(case__slug="sec-v-binance", slug="complaint")
    admin = editor(type(client), make_editor)
    url = f"/admin/filings/filing/{complaint.pk}/change/"
    data = admin_form_data(admin.get(url), title="Court sets a hearing")
    assert admin.post(url, data).status_code == 302

    assert "Court sets a hearing" in client.get(BINANCE).content.decode()
    revalidated = client.get(BINANCE, HTTP_IF_NONE_MATCH=etag)
    assert revalidated.status_code == 200
    assert "Court sets a hearing" in revalidated.content.decode()
    api = client.get("/api/filings/sec-v-binance/complaint/", HTTP_ACCEPT="application/json")
    assert api.json()["title"] == "Court sets a hearing"


def test_publishing_and_unpublishing_are_on_the_next_request(client, committed_seed, make_editor):
    kraken = Case.objects.get(slug="sec-v-kraken")
    for url in ["/cases/", "/feed/", "/api/cases/"]:
        client.get(url)
    admin = editor(type(client), make_editor)
    changelist = "/admin/cases/case/"
    admin.post(changelist, {"action": "unpublish", "_selected_action": [kraken.pk]})
    assert client.get("/cases/sec-v-kraken/").status_code == 404
    assert "sec-v-kraken" not in client.get("/cases/").content.decode()
    assert "sec-v-kraken" not in client.get("/api/cases/").content.decode()

    admin.post(changelist, {"action": "publish", "_selected_action": [kraken.pk]})
    assert client.get("/cases/sec-v-kraken/").status_code == 200
    assert "sec-v-kraken" in client.get("/cases/").content.decode()


def test_a_save_or_delete_outside_the_admin_is_on_the_next_request(client, committed_seed):
    """Scripts and management commands change the record through the ORM too."""
    filing = Filing.objects.get(case__slug="sec-v-binance", slug="complaint")
    client.get(BINANCE)
    filing.title = "Renamed by a script"
    filing.save()
    assert "Renamed by a script" in client.get(BINANCE).content.decode()

    sec_cases = "/api/cases/?agency=sec"
    assert "sec-v-binance" in client.get(sec_cases).content.decode()
    case = Case.objects.get(slug="sec-v-binance")
    case.agencies.remove(case.agencies.get(slug="sec"))  # a many-to-many change
    assert "sec-v-binance" not in client.get(sec_cases).content.decode()

    client.get("/api/filings/sec-v-binance/complaint/")
    filing.citations.all().delete()
    filing.delete()
    assert client.get("/api/filings/sec-v-binance/complaint/").status_code == 404


def test_a_change_rolled_back_leaves_the_cache_as_it_was(client, committed_seed):
    before = client.get(BINANCE)
    with pytest.raises(RuntimeError), transaction.atomic():
        Filing.objects.get(case__slug="sec-v-binance", slug="complaint").save()
        raise RuntimeError("rolled back")
    assert client.get(BINANCE, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304


def test_the_revision_is_recreated_after_a_flush(client, committed_seed):
    """A database emptied by flush has no revision: pages go uncached until a change."""
    Revision.objects.all().delete()
    assert not client.get(BINANCE).has_header("ETag")
    Filing.objects.get(case__slug="sec-v-binance", slug="complaint").save()
    assert client.get(BINANCE).has_header("ETag")


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "core.cache_backends.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/15",
        }
    }
)
def test_pages_are_shared_through_redis(client, seeded):
    """With REDIS_URL set, app servers share cached pages (Redis runs on these machines)."""
    cache.clear()
    first = client.get(BINANCE)
    Filing.objects.update(title="Changed without telling the cache")
    assert client.get(BINANCE).content == first.content
    assert any(key.startswith(b":1:page2:") for key in cache._cache.get_client().keys("*"))
    cache.clear()


@pytest.fixture
def reused_connection(committed_seed, monkeypatch):
    """The connection as a production request finds it: open, its health check due.

    Counts the health checks (``is_usable``) made on it.
    """
    wrapper = connections["default"]  # monkeypatch can't restore through the proxy
    wrapper.ensure_connection()
    monkeypatch.setattr(wrapper, "health_check_enabled", True)
    monkeypatch.setattr(wrapper, "health_check_done", False)
    checks = []
    usable = wrapper.is_usable
    monkeypatch.setattr(wrapper, "is_usable", lambda: checks.append(1) or usable())
    return checks


def test_the_revision_lookup_is_the_connections_health_check(reused_connection):
    assert uuid.UUID(Revision.current_token()) == Revision.objects.get(name="all").token
    assert reused_connection == []  # no round trip of its own: the lookup was the check
    Case.objects.count()
    assert reused_connection == []  # and the page's queries need none either


def test_without_the_revision_lookup_the_first_query_checks_the_connection(reused_connection):
    Case.objects.count()  # the control: what every public request used to pay first
    assert reused_connection == [1]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no connection to lose")
def test_a_public_page_answers_after_its_reused_connection_died(reused_connection, client):
    connection.connection.close()  # as after a database restart
    response = client.get(BINANCE)
    assert response.status_code == 200
    assert "SEC v. Binance" in response.content.decode()
    assert reused_connection == [1]  # asked once the lookup failed, then replaced


def test_links_shared_with_tracking_parameters_share_the_page(client, seeded):
    plain = client.get(BINANCE)
    Filing.objects.update(title="Changed without telling the cache")
    queries = ["?utm_source=news&utm_medium=social", "?fbclid=IwAR0abc", "?gclid=x&utm_id=%ff%fe"]
    for query in queries:
        shared = client.get(BINANCE + query)
        assert shared.content == plain.content  # the stored page, not one per click
        assert shared["ETag"] == plain["ETag"]


def test_tracking_parameters_are_dropped_and_the_others_kept(client, seeded):
    newest = client.get(BINANCE + "?order=newest&utm_campaign=ruling")
    assert newest["ETag"] == client.get(BINANCE + "?order=newest")["ETag"]
    assert '<strong aria-current="true">newest first</strong>' in newest.content.decode()
    # Links the page builds from its query carry no tracking parameters either.
    page = client.get("/cases/?status=closed&utm_source=news")
    assert "status=closed" in page.content.decode()
    assert "utm_source" not in page.content.decode()
