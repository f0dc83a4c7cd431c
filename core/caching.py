"""Public pages, feeds and API answers: cached, and never stale.

Every page readers get is a function of the request and of the part of the
record it shows. That part is named by tokens (history.models.Revision, one row
per name), each changed after every committed change it covers:

- ``all``: every page depends on it. Bumped by a fixture load or restore (raw
  saves), by ``Revision.bump()``, and by a change to a model of the record that
  no declaration covers: when unsure, everything goes.
- ``global``: pages across cases (home, case list, timeline, search, the lists
  of parties and agencies, the site feed, cases.csv, and the API). Bumped by
  every change to the record.
- ``case:<slug>``, ``party:<slug>``, ``agency:<slug>``, ``source:<key>``: the
  pages, feeds and exports of one case, party, agency or source. Bumped by a
  change to anything that page shows.

Both halves of that contract are declared in one place, public/dependencies.py,
because only the public app may import the models (the layer rule): ``PAGES``
maps each URL name to the tokens its page reads, and ``touched()`` and
``pages_of()`` name the tokens a saved, deleted or re-linked object changes.
The public app hands them to ``dependencies.declare()`` when it starts. A URL
without a declaration depends on ``global``.

A request's tokens are read in one query, and a response is stored, and an ETag
issued, under (its tokens, URL, Accept header):

- a browser that asks again with that ETag gets a 304 while nothing changed;
- other readers get the stored response from Django's cache (locmem, or Redis
  when REDIS_URL is set, shared by every app server);
- a page's variants (another order, Accept header or query string) render their
  own pages, but may share parts that are the same for all of them, cached under
  the page's tokens without its URL (``request.record_state``, see variant_digest):
  the case page's header (public.views.case_header);
- the first request after a change finds a new token, misses, and renders. One
  request renders a missing page (it holds a short lock in the cache); others
  asking for it meanwhile wait for it, up to RENDER_WAIT_SECONDS, then render
  themselves. None can get an older page: the key names the new tokens.

Changes are noted as they happen and bumped once the transaction has committed
(``transaction.on_commit``), so a reader that sees a new token also sees the
new data. An update also notes the stored row as it was before (pre_save), so
that a renamed slug, or an entry moved to another case, bumps the old page too;
a delete is noted before it happens (pre_delete), while its relations are still
there. The models of other apps (workbench: private source texts) are not
shown to readers and bump nothing.

The admin is never cached, and neither is any request with a session cookie:
only editors sign in, and they always get a fresh page. Telling them apart by
the cookie lets the middleware sit above the session, auth and CSP middleware,
so that a stored page or a 304 skips their work.
"""

import hashlib
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, transaction
from django.http import HttpResponse, QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import quote_etag

from history.models import EVERYTHING, Revision

# Changes to models of these apps change what readers may see.
RECORD_APPS = {"cases", "filings"}
GLOBAL = "global"

# A renderer's lock outlives a slow render, not a crashed worker.
RENDER_LOCK_SECONDS = 10
# How long a request waits for another's render of the same page, and how often it looks.
RENDER_WAIT_SECONDS = 3
RENDER_POLL_SECONDS = 0.02


class Dependencies:
    """What each page reads and what each change touches, as the public app declares them.

    Until it does, every page depends on ``global`` and every change bumps ``all``.
    """

    def __init__(self):
        self.pages = {}
        self.touched = lambda instance: None
        self.pages_of = lambda marks: set()

    def declare(self, pages, touched, pages_of):
        """pages: {URL name: function(**URL kwargs) -> token names}.
        touched(instance): hashable marks of what a change of it touches, read from the
        object alone (no queries), or None for a model it does not know.
        pages_of(marks): the token names of those marks, read from the database."""
        self.pages, self.touched, self.pages_of = pages, touched, pages_of

    def page_names(self, request):
        """The tokens a request's page depends on, from its URL name and arguments."""
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return [EVERYTHING, GLOBAL]
        declared = self.pages.get(match.view_name)
        return [EVERYTHING, *(declared(**match.kwargs) if declared else [GLOBAL])]


dependencies = Dependencies()


class PendingChanges(threading.local):
    """The marks and names noted in this thread's transaction, bumped at its commit."""

    def __init__(self):
        self.marks = set()
        self.names = set()

    def note(self, marks=(), names=(), before=False):
        """Keep marks and names for the bump at the next commit. before: noted before
        the change is written, so that its bump waits for the change (which notes
        itself once written): outside a transaction, on_commit runs at once."""
        self.marks.update(marks)
        self.names.update(names)
        if not before:
            # Every change registers the bump, so that one whose transaction rolled back
            # (its marks still here) cannot stop the next from bumping: whatever is
            # noted goes at the next commit, and the callbacks after the first find nothing.
            transaction.on_commit(self.bump)

    def bump(self):
        if not self.marks and not self.names:
            return
        if EVERYTHING in self.names:
            Revision.bump([EVERYTHING])
        else:
            Revision.bump(self.names | {GLOBAL} | dependencies.pages_of(self.marks))
        # Only once bumped: after an error, the next commit bumps them.
        self.marks, self.names = set(), set()


pending = PendingChanges()


def is_record(sender):
    return sender._meta.app_label in RECORD_APPS


def note_change(instance, before=False):
    marks = dependencies.touched(instance)
    if marks is None:
        pending.note(names=[EVERYTHING], before=before)
    else:
        pending.note(marks=marks, before=before)


def record_saving(sender, instance, raw=False, **kwargs):
    """pre_save: an update also touches what its stored row showed (an old slug, case, party)."""
    if is_record(sender) and not raw and instance.pk is not None:
        stored = sender._base_manager.filter(pk=instance.pk).order_by().first()
        if stored is not None:
            note_change(stored, before=True)


def record_changed(sender, instance, raw=False, **kwargs):
    """post_save and pre_delete: note what the object touches; a raw save (a fixture
    load or a restore) touches everything."""
    if not is_record(sender):
        return
    if raw:
        pending.note(names=[EVERYTHING])
    else:
        note_change(instance)


def relation_changed(sender, instance, action, model, pk_set, **kwargs):
    """m2m_changed: each link added or removed is noted as a row of the through model,
    those cleared before they go, and bumped once they have gone."""
    if not is_record(sender):
        return
    if action == "post_clear":
        pending.note()
    if action not in ("pre_clear", "post_add", "post_remove"):
        return
    own, other = (
        next(f for f in sender._meta.fields if f.is_relation and f.related_model is related)
        for related in (type(instance), model)
    )
    if action == "pre_clear":
        rows = sender._base_manager.filter(**{own.name: instance})
    else:
        rows = (sender(**{own.attname: instance.pk, other.attname: pk}) for pk in pk_set)
    for row in rows:
        note_change(row, before=action == "pre_clear")


# Parameters that links from other sites add and no page reads. fbclid is new on
# every click: when a ruling is shared, each click would render and store the page
# afresh. They are dropped before the page is looked up, so every click shares one.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "msclkid", "igshid", "mc_cid", "mc_eid"}
TRACKING_PREFIXES = ("utm_",)


def drop_tracking_parameters(request):
    """Remove tracking parameters from the request, as if the link had none."""
    tracking = [
        key
        for key in request.GET
        if key in TRACKING_PARAMETERS or key.startswith(TRACKING_PREFIXES)
    ]
    if tracking:
        query = request.GET.copy()
        for key in tracking:
            del query[key]
        request.META["QUERY_STRING"] = query.urlencode()
        request.GET = QueryDict(request.META["QUERY_STRING"], encoding=request.encoding)


class PublicCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = f"/{settings.ADMIN_PATH}"
        # Not the record: the health check must not touch the database.
        self.uncached = {reverse("healthz")}

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or request.path.startswith(self.admin_prefix)
            or request.path in self.uncached
            or settings.SESSION_COOKIE_NAME in request.COOKIES
        ):
            return self.get_response(request)
        try:
            drop_tracking_parameters(request)
            digest = variant_digest(request)
        except (DatabaseError, InterfaceError, SuspiciousOperation):
            # A bad Host, too many parameters, or no database: the request meets
            # the same error below, where its answer gets the security headers.
            return self.get_response(request)
        if digest is None:
            return self.get_response(request)
        etag = quote_etag(digest)
        # ETag only: a Last-Modified time, to the second, could call a page
        # unchanged after a second change within the same second.
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return shared(not_modified, etag)

        # Bump the prefix when what is stored changes, so that no server reads
        # pages stored by an older version (Redis outlives a deploy).
        key = f"page2:{digest}"
        response = cache.get(key)
        if response is None:
            response = self.render_once(request, key, f"rendering:{digest}", etag)
        return response

    def render_once(self, request, key, lock, etag):
        """Render and store a missing page, unless another request is rendering it:
        then wait for that one's page, and render only if it does not come."""
        rendering = cache.add(lock, True, timeout=RENDER_LOCK_SECONDS)
        if not rendering:
            stored = wait_for(key, lock)
            if stored is not None:
                return stored
        try:
            response = self.get_response(request)
            if not cacheable(response):
                return response
            shared(response, etag)
            if request.method == "GET":
                # Content and headers only: a DRF response would also pickle its data,
                # and so be slower to serve from the cache (docs/benchmarks.md).
                cache.set(key, HttpResponse(response.content, headers=response.headers))
            return response
        finally:
            if rendering:
                cache.delete(lock)


def wait_for(key, lock):
    """The page another request is rendering, once stored; None if it stops rendering
    without storing one (an error, a HEAD) or takes longer than RENDER_WAIT_SECONDS."""
    deadline = time.monotonic() + RENDER_WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(RENDER_POLL_SECONDS)
        found = cache.get_many([key, lock])
        if key in found:
            return found[key]
        if lock not in found:
            return None
    return None


def variant_digest(request):
    """Name the answer to this request in the current state of what it shows, or None
    if the database has no tokens yet.

    That state, the page's tokens as text, is kept as ``request.record_state``: a view
    may cache a part of its page that is the same for every URL of it under that
    (public.views.case_header), since the part changes only when a token does.
    """
    names = dependencies.page_names(request)
    tokens = Revision.tokens(names)
    if tokens is None:
        return None
    state = "\n".join(f"{name}={tokens.get(name, '')}" for name in names)
    variant = "\n".join([state, request.build_absolute_uri(), request.headers.get("Accept", "")])
    request.record_state = state
    return hashlib.sha256(variant.encode()).hexdigest()[:32]


def shared(response, etag):
    """Mark a public answer, or its 304, as the same for every reader until the record changes."""
    response["ETag"] = etag
    # Browsers keep the page but ask each time whether it changed; an editor's
    # session cookie gets another answer.
    patch_cache_control(response, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def cacheable(response):
    """A complete, public 200: not streamed, not private, and setting no cookies."""
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )
