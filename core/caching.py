"""Public pages, feeds and API answers: cached, and never stale.

Every page readers get is a function of the request and of the record. The
record's state is named by ``Revision.token``, which changes after every
committed save or delete of a case, an entry or anything they show. So a
response can be stored, and an ETag issued, under (token, URL, Accept header):

- a browser that asks again with that ETag gets a 304 while nothing changed;
- other readers get the stored response from Django's cache (locmem, or Redis
  when REDIS_URL is set, shared by every app server);
- the first request after a change finds a new token, misses, and renders.

The token changes once the change has committed (``transaction.on_commit``), so
a reader that sees the new token also sees the new data. The admin is never
cached, and neither is any request with a session cookie: only editors sign in,
and they always get a fresh page. Telling them apart by the cookie lets the
middleware sit above the session, auth and CSP middleware, so that a stored page
or a 304 skips their work.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import DatabaseError, InterfaceError, transaction
from django.http import HttpResponse, QueryDict
from django.urls import reverse
from django.utils.cache import (
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
)
from django.utils.http import quote_etag

from history.models import Revision

# Changes to models of these apps change what readers may see.
RECORD_APPS = {"cases", "filings"}


def record_changed(sender, **kwargs):
    """A post_save, post_delete or m2m_changed receiver: bump the revision after commit."""
    # m2m_changed comes before and after each change; one bump, after.
    after = kwargs.get("action", "post_").startswith("post_")
    if sender._meta.app_label in RECORD_APPS and after:
        transaction.on_commit(Revision.bump)


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
            response = self.get_response(request)
            if not cacheable(response):
                return response
            shared(response, etag)
            if request.method == "GET":
                # Content and headers only: a DRF response would also pickle its data,
                # and so be slower to serve from the cache (docs/benchmarks.md).
                cache.set(key, HttpResponse(response.content, headers=response.headers))
        return response


def variant_digest(request):
    """Name the answer to this request in the record's current state, or None if
    the database has no revision yet."""
    token = Revision.current_token()
    if token is None:
        return None
    variant = "\n".join([token, request.build_absolute_uri(), request.headers.get("Accept", "")])
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
