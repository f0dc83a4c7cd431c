"""Concurrent requests for a missing page: one renders it, the others wait for its result.

The middleware runs on its own, around a slowed view that counts its renders, in
threads sharing the cache (locmem, or Redis with REDIS_URL). The tokens are fixed,
so that no thread needs the database.
"""

import threading
import time

import pytest
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotFound
from django.test import RequestFactory

from core import caching
from history.models import Revision
from tests.core.test_caching import use_the_page_cache

READERS = 5
URL = "/cases/sec-v-binance/"
# Every token's value: a test changes it to stand for a change to the record.
tokens = {"now": "first"}


@pytest.fixture(autouse=True)
def page_cache(settings, monkeypatch):
    use_the_page_cache(settings)
    monkeypatch.setattr(Revision, "tokens", lambda names: dict.fromkeys(names, tokens["now"]))


class SlowView:
    """A view that takes a while, and counts how often it ran."""

    def __init__(self, content="the page", response_class=HttpResponse, seconds=0.5):
        self.content, self.response_class, self.seconds = content, response_class, seconds
        self.renders = 0
        self.lock = threading.Lock()

    def __call__(self, request):
        with self.lock:
            self.renders += 1
        time.sleep(self.seconds)
        return self.response_class(self.content)


def concurrently(view, count=READERS):
    """count requests for URL at once, through the page cache; their responses."""
    middleware = caching.PublicCacheMiddleware(view)
    start = threading.Barrier(count)
    responses = [None] * count

    def read(n):
        request = RequestFactory().get(URL)
        start.wait()
        responses[n] = middleware(request)

    threads = [threading.Thread(target=read, args=[n]) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_concurrent_requests_for_a_missing_page_render_it_once():
    view = SlowView()
    responses = concurrently(view)
    assert view.renders == 1
    assert [r.status_code for r in responses] == [200] * READERS
    assert {r.content for r in responses} == {b"the page"}
    assert len({r["ETag"] for r in responses}) == 1


def test_after_a_change_the_waiting_requests_get_the_new_page_never_the_old(monkeypatch):
    concurrently(SlowView("the old page", seconds=0))
    monkeypatch.setitem(tokens, "now", "second")
    view = SlowView("the new page")
    responses = concurrently(view)
    assert view.renders == 1
    assert {r.content for r in responses} == {b"the new page"}


def test_a_page_that_is_not_stored_sends_the_waiting_requests_to_render_it_themselves():
    view = SlowView("no such case", response_class=HttpResponseNotFound)
    responses = concurrently(view)
    assert {r.status_code for r in responses} == {404}
    assert view.renders == READERS  # errors are never stored, so nobody had one to share


def test_a_request_renders_itself_when_the_render_it_waits_for_never_comes(monkeypatch):
    monkeypatch.setattr(caching, "RENDER_WAIT_SECONDS", 0.1)
    # A renderer that took the lock and died: the lock would outlive the wait.
    middleware = caching.PublicCacheMiddleware(view := SlowView(seconds=0))
    request = RequestFactory().get(URL)
    digest = caching.variant_digest(request)
    assert cache.add(f"rendering:{digest}", True)
    response = middleware(request)
    assert response.status_code == 200
    assert view.renders == 1
    assert cache.get(f"page2:{digest}").content == b"the page"
