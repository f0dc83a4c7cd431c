"""Uploads are capped at DJANGO_MAX_UPLOAD_MB; a bigger file is a clear error on its field."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from casetracker.uploads import SizeLimitUploadHandler
from filings.models import Source
from tests.helpers import start

MB = 1024 * 1024
ADD_SOURCE = f"/{django_settings.ADMIN_PATH}filings/source/add/"


@pytest.fixture
def limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1
    return 1


def add_source(client, content, name="text.txt"):
    return client.post(
        ADD_SOURCE,
        {
            "key": "big-source",
            "kind": "article",
            "title": "A source with its text",
            "text_file": SimpleUploadedFile(name, content, content_type="text/plain"),
        },
    )


def test_a_file_over_the_limit_is_a_clear_error_and_the_input_stays(editor_client, limit):
    response = add_source(editor_client, b"x" * (limit * MB + 1))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"text_file": [f"The file is larger than the {limit} MB limit."]}
    page = response.content.decode()
    assert f"The file is larger than the {limit} MB limit." in page
    assert 'value="A source with its text"' in page  # the rest of the input is kept
    assert not Source.objects.filter(key="big-source").exists()
    assert not any(django_settings.MEDIA_ROOT.rglob("*.txt"))


def test_a_file_within_the_limit_is_saved(editor_client, limit):
    response = add_source(editor_client, b"x" * (limit * MB))
    assert response.status_code == 302
    source = Source.objects.get(key="big-source")
    assert source.text_file.size == limit * MB


def test_an_over_limit_file_on_a_change_page_keeps_the_file_there(editor_client, limit):
    assert add_source(editor_client, b"first text\n").status_code == 302
    source = Source.objects.get(key="big-source")
    response = editor_client.post(
        f"/{django_settings.ADMIN_PATH}filings/source/{source.pk}/change/",
        {
            "key": "big-source",
            "kind": "article",
            "title": "A source with its text",
            "seen_version": source.version,
            "text_file": SimpleUploadedFile("other.txt", b"y" * (limit * MB + 1)),
        },
    )
    assert response.status_code == 200
    assert "text_file" in response.context["adminform"].form.errors
    source.refresh_from_db()
    assert source.text_file.read() == b"first text\n"


def test_the_handler_passes_on_no_more_than_the_limit(settings):
    """The handlers after it, which keep the file in memory or on disk, get at most the cap."""
    settings.MAX_UPLOAD_MB = 1
    handler = SizeLimitUploadHandler()
    handler.new_file("text_file", "big.txt", "text/plain", None)
    passed = 0
    for start_at in range(0, 3 * MB, 64 * 1024):
        chunk = handler.receive_data_chunk(b"x" * 64 * 1024, start_at)
        passed += len(chunk or b"")
    assert passed <= MB
    assert handler.file_complete(3 * MB) is not None  # the stand-in that reports the error


@pytest.mark.parametrize("value", ["0", "ten", "-1"])
def test_a_bad_upload_limit_fails_with_a_message_naming_the_variable(value):
    result = start(DJANGO_DEBUG="true", DJANGO_MAX_UPLOAD_MB=value)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_MAX_UPLOAD_MB" in result.stderr
