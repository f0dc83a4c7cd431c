"""Server errors are logged, with their tracebacks, to stderr; never shown in the page."""

import io
import logging

import pytest
from django.urls import include, path

from tests.helpers import start

MARKER = "logged-marker-5e2b"


def boom(request):
    raise RuntimeError(MARKER)


urlpatterns = [path("boom/", boom), path("", include("casetracker.urls"))]


@pytest.fixture
def written(settings):
    """What the logging configuration writes for Django's request errors, whatever its stream.

    Handlers the configuration made have names; pytest's own have none.
    """
    settings.DEBUG = False
    handlers, logger = [], logging.getLogger("django.request")
    while logger:
        handlers += [h for h in logger.handlers if isinstance(h, logging.StreamHandler) and h.name]
        logger = logger.parent if logger.propagate else None
    buffer = io.StringIO()
    streams = [handler.setStream(buffer) for handler in handlers]
    yield buffer
    for handler, stream in zip(handlers, streams, strict=True):
        handler.setStream(stream)


def test_a_server_error_is_logged_with_its_traceback_and_not_shown(client, db, settings, written):
    settings.ROOT_URLCONF = __name__
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Something went wrong" in body  # templates/500.html
    assert MARKER not in body and "Traceback" not in body
    log = written.getvalue()
    assert "Internal Server Error: /boom/" in log
    assert "Traceback (most recent call last)" in log
    assert f"RuntimeError: {MARKER}" in log


def test_the_production_server_writes_server_errors_to_stderr():
    """In a fresh process with debug off, as gunicorn runs the app."""
    code = f"""
import sys, types
from django.test import Client, override_settings
from django.urls import include, path
def boom(request): raise RuntimeError({MARKER!r})
urls = [path("boom/", boom), path("", include("casetracker.urls"))]
sys.modules["boom_urls"] = types.SimpleNamespace(urlpatterns=urls)
plain_static = {{"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.conf import settings
storages = {{**settings.STORAGES, "staticfiles": plain_static}}  # no collectstatic here
with override_settings(ROOT_URLCONF="boom_urls", STORAGES=storages):
    response = Client(raise_request_exception=False).get("/boom/")
print(response.status_code, {MARKER!r} in response.content.decode())
"""
    result = start(
        code,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        DJANGO_HTTPS="false",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.stdout.split() == ["500", "False"], result.stderr
    assert "Internal Server Error: /boom/" in result.stderr
    assert "Traceback (most recent call last)" in result.stderr
    assert f"RuntimeError: {MARKER}" in result.stderr


def test_the_log_level_comes_from_the_environment():
    code = "import logging; print(logging.getLogger('django.request').getEffectiveLevel())"
    assert start(code, DJANGO_DEBUG="true").stdout.strip() == str(logging.WARNING)
    info = start(code, DJANGO_DEBUG="true", DJANGO_LOG_LEVEL="info")
    assert info.stdout.strip() == str(logging.INFO), info.stderr


def test_a_bad_log_level_fails_with_a_message_naming_the_variable():
    result = start(DJANGO_DEBUG="true", DJANGO_LOG_LEVEL="loud")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_LOG_LEVEL" in result.stderr
