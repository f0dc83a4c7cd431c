"""A source's text on its admin page, as an editor of the Editors group keeps it:
pasted or uploaded (.txt, or .html made plain), versioned, in history, and read
from the database only."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from core.texts import html_to_text
from filings.models import Citation, Source
from tests.factories import FilingFactory, SourceFactory
from tests.helpers import SOURCE_KEYS, admin_form_data, change_url, get, parse
from workbench.models import SourceText

ADD_SOURCE = "/admin/filings/source/add/"
TEXT = "private_text-0-text"
UPLOAD = "private_text-0-upload"

# Written for these tests, in our own words.
PASTED = "Exchange fined over token sales\nThe regulator settled with the exchange in June 2023."
PAGE = (
    "<html><head><title>Not text</title><style>p {}</style></head><body>"
    "<h1>Court ends the token case</h1><p>The judge closed the case in <b>May 2025</b>.</p>"
    "<script>ignored()</script><p>Both sides paid their own costs.</p></body></html>"
)


def new_source_data(client, **changes):
    data = admin_form_data(client.get(ADD_SOURCE), key="token-case.txt", kind="article")
    data.update(title="A token case, in our words", **changes)
    return data


def text_form(response):
    return response.context["inline_admin_formsets"][0].formset.forms[0]


@pytest.fixture
def source(db):
    """A source with a text, saved by a script."""
    source = SourceFactory(key="token-case.txt")
    SourceText.objects.create(source=source, text=PASTED)
    return source


def test_an_editor_creates_a_source_with_its_pasted_text(editor_client):
    response = editor_client.post(ADD_SOURCE, new_source_data(editor_client, **{TEXT: PASTED}))
    assert response.status_code == 302
    source = Source.objects.get(key="token-case.txt")
    assert source.paragraphs() == PASTED.splitlines()
    entry = source.private_text.history.get()
    assert entry.history_type == "+"
    assert entry.history_user.username == "editor"


def test_an_uploaded_html_page_replaces_the_text_with_its_plain_paragraphs(editor_client, source):
    data = admin_form_data(editor_client.get(change_url(source)))
    data[UPLOAD] = SimpleUploadedFile("article.html", PAGE.encode(), content_type="text/html")
    assert editor_client.post(change_url(source), data).status_code == 302
    text = SourceText.objects.get(source=source)
    assert text.paragraphs() == [
        "Court ends the token case",
        "The judge closed the case in May 2025.",
        "Both sides paid their own costs.",
    ]
    assert text.text == html_to_text(PAGE)
    assert text.version == 2
    # The text it replaced stays in history, with who replaced it.
    latest, first = text.history.all()
    assert (first.text, latest.text) == (PASTED, text.text)
    assert latest.history_user.username == "editor"


def test_a_text_edited_in_the_admin_gets_a_new_version_and_history_entry(editor_client, source):
    data = admin_form_data(editor_client.get(change_url(source)))
    data[TEXT] = PASTED + "\nA third paragraph, added by the editor."
    assert editor_client.post(change_url(source), data).status_code == 302
    text = SourceText.objects.get(source=source)
    assert text.version == 2
    assert len(text.paragraphs()) == 3
    assert [entry.version for entry in text.history.all()] == [2, 1]


@pytest.mark.parametrize(
    "name, content, error",
    [
        ("article.txt", "Café fined".encode("latin-1"), "“article.txt” is not UTF-8 text."),
        ("article.pdf", b"%PDF-1.7", "“article.pdf” is not a .txt or .html file."),
        ("article.html", b"<p> </p>", "“article.html” has no text to read."),
    ],
)
def test_a_file_that_cannot_be_read_is_an_error_on_its_field_and_the_input_stays(
    editor_client, name, content, error
):
    typed = "A first paragraph the editor typed before uploading."
    data = new_source_data(editor_client, **{TEXT: typed})
    data[UPLOAD] = SimpleUploadedFile(name, content)
    response = editor_client.post(ADD_SOURCE, data)
    assert response.status_code == 200
    [message] = text_form(response).errors["upload"]
    assert message.startswith(error)
    page = response.content.decode()
    assert error in page
    assert "A token case, in our words" in page and typed in page
    assert not Source.objects.filter(key="token-case.txt").exists()


def test_a_source_saved_without_a_text_gets_no_empty_text(editor_client):
    assert editor_client.post(ADD_SOURCE, new_source_data(editor_client)).status_code == 302
    source = Source.objects.get(key="token-case.txt")
    assert not SourceText.objects.exists()
    assert source.paragraphs() is None
    # Saving it again, with a changed title and the text left empty, still adds none.
    data = admin_form_data(editor_client.get(change_url(source)), title="Renamed")
    assert editor_client.post(change_url(source), data).status_code == 302
    assert not SourceText.objects.exists()


def test_emptying_a_text_is_an_error_on_it(editor_client, source):
    data = admin_form_data(editor_client.get(change_url(source)), **{TEXT: "  "})
    response = editor_client.post(change_url(source), data)
    assert response.status_code == 200
    assert text_form(response).errors["text"] == ["Paste the source's text here, or upload a file."]
    assert SourceText.objects.get(source=source).text == PASTED


def test_a_text_changed_since_the_page_was_opened_is_not_saved_over(editor_client, source):
    data = admin_form_data(editor_client.get(change_url(source)))
    text = SourceText.objects.get(source=source)
    text.text = PASTED + "\nAdded by another editor meanwhile."
    text.save()
    data[TEXT] = PASTED + "\nAdded by this editor."
    response = editor_client.post(change_url(source), data)
    assert response.status_code == 200
    assert text_form(response).non_field_errors()
    assert SourceText.objects.get(source=source).text.endswith("another editor meanwhile.")


# Defect 2: the page once linked to the uploaded file, which the server did not serve.


def test_a_sources_change_page_shows_its_text_and_links_only_to_pages_that_exist(
    editor_client, seeded
):
    source = Source.objects.get(key=SOURCE_KEYS[0])
    page = parse(get(editor_client, change_url(source)))
    assert page.find("textarea", name=TEXT).text.strip() == source.private_text.text.strip()
    links = {a.attrs["href"] for a in page.find_all("a") if a.attrs.get("href")}
    assert not [link for link in links if "/media/" in link or "source-texts/" in link]
    for link in sorted(links):
        if link.startswith("/"):
            status = editor_client.get(link).status_code
            assert status != 404 and status < 500, (link, status)


# Two app servers: the check reads the text from the database, attached by another process.


def test_the_key_phrase_check_reads_the_text_from_the_database_only(db, settings, tmp_path):
    """As on a second app server: the text was attached from files this server
    does not have (its MEDIA_ROOT and SEED_ARTICLES_DIR are empty, the attached
    folder is gone), and the check still holds the key phrase to its paragraph."""
    texts = tmp_path / "attached-elsewhere"
    texts.mkdir()
    (texts / "token-case.txt").write_text(PASTED, encoding="utf-8")
    filing = FilingFactory()
    SourceFactory(key="token-case.txt")
    call_command("attach_source_texts", texts, verbosity=0)
    (texts / "token-case.txt").unlink()
    texts.rmdir()
    settings.MEDIA_ROOT = settings.SEED_ARTICLES_DIR = tmp_path / "empty"
    source = Source.objects.get(key="token-case.txt")  # read afresh from the database

    def check(locator, key_phrase):
        Citation(source=source, locator=locator, key_phrase=key_phrase, filing=filing).full_clean()

    check(2, "settled with the exchange")
    with pytest.raises(ValidationError) as refused:
        check(1, "settled with the exchange")  # paragraph 2's words, at paragraph 1
    assert list(refused.value.message_dict) == ["key_phrase"]
    with pytest.raises(ValidationError) as refused:
        check(3, "settled with the exchange")
    assert list(refused.value.message_dict) == ["locator"]


# Texts once uploaded as files move into the database (workbench migration 0002).

BEFORE = ("workbench", "0001_source_texts_in_the_database")
MOVED = ("workbench", "0002_text_files_into_the_database")


@pytest.mark.django_db(transaction=True)
def test_uploaded_text_files_move_into_the_database_and_a_missing_one_is_reported(
    settings, tmp_path, capsys
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "source-texts").mkdir()
    (tmp_path / "source-texts" / "plain.txt").write_text(PASTED, encoding="utf-8")
    (tmp_path / "source-texts" / "page.html").write_text(PAGE, encoding="utf-8")
    executor = MigrationExecutor(connection)
    try:
        executor.migrate([BEFORE])
        old = executor.loader.project_state([BEFORE]).apps.get_model("filings", "Source")
        for key, file in [
            ("plain.txt", "source-texts/plain.txt"),
            ("page", "source-texts/page.html"),
            ("elsewhere.txt", "source-texts/elsewhere.txt"),  # on another server's disk
            ("no-file", ""),
        ]:
            old.objects.create(key=key, title=f"Source {key}", text_file=file)

        executor.loader.build_graph()
        executor.migrate([MOVED])
        new = executor.loader.project_state([MOVED]).apps.get_model("workbench", "SourceText")
        texts = dict(new.objects.values_list("source__key", "text"))
        assert texts == {"plain.txt": PASTED, "page": html_to_text(PAGE)}
        assert (
            "elsewhere.txt: its text file source-texts/elsewhere.txt is not on this server"
            in capsys.readouterr().out
        )
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
