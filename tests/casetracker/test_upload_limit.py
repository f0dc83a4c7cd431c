"""Uploads are capped at DJANGO_MAX_UPLOAD_MB; a bigger file is a clear error on its field."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from casetracker.uploads import SizeLimitUploadHandler
from filings.models import Source
from tests.helpers import admin_form_data, start

MB = 1024 * 1024
ADD_SOURCE = f"/{django_settings.ADMIN_PATH}filings/source/add/"
UPLOAD = "private_text-0-upload"  # the source's text, on its admin page


@pytest.fixture
def limit(settings):
    settings.MAX_UPLOAD_MB = 1
    return 1


def post_source(client, url, content, name="text.txt"):
    """The source's page posted back with a text file to upload."""
    data = admin_form_data(client.get(url), key="big-source", kind="article")
    data["title"] = "A source with its text"
    data[UPLOAD] = SimpleUploadedFile(name, content, content_type="text/plain")
    return client.post(url, data)


def test_a_file_over_the_limit_is_a_clear_error_and_the_input_stays(editor_client, limit):
    response = post_source(editor_client, ADD_SOURCE, b"x" * (limit * MB + 1))
    assert response.status_code == 200
    text_form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert text_form.errors == {"upload": [f"The file is larger than the {limit} MB limit."]}
    page = response.content.decode()
    assert f"The file is larger than the {limit} MB limit." in page
    assert 'value="A source with its text"' in page  # the rest of the input is kept
    assert not Source.objects.filter(key="big-source").exists()


def test_a_file_within_the_limit_is_saved(editor_client, limit):
    response = post_source(editor_client, ADD_SOURCE, b"x" * (limit * MB))
    assert response.status_code == 302
    source = Source.objects.get(key="big-source")
    assert source.private_text.text == "x" * (limit * MB)


def test_an_over_limit_file_on_a_change_page_keeps_the_text_there(editor_client, limit):
    assert post_source(editor_client, ADD_SOURCE, b"first text\n").status_code == 302
    source = Source.objects.get(key="big-source")
    change = f"/{django_settings.ADMIN_PATH}filings/source/{source.pk}/change/"
    response = post_source(editor_client, change, b"y" * (limit * MB + 1), name="other.txt")
    assert response.status_code == 200
    assert "upload" in response.context["inline_admin_formsets"][0].formset.forms[0].errors
    source.private_text.refresh_from_db()
    assert source.private_text.text == "first text\n"
    assert source.private_text.version == 1


def test_the_handler_passes_on_no_more_than_the_limit(settings):
    """The handlers after it, which keep the file in memory or on disk, get at most the cap."""
    settings.MAX_UPLOAD_MB = 1
    handler = SizeLimitUploadHandler()
    handler.new_file(UPLOAD, "big.txt", "text/plain", None)
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
