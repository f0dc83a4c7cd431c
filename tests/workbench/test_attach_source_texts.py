"""manage.py attach_source_texts DIR: each file DIR/<source key> becomes that
source's private text; what it did is reported a line each, and a second run
writes nothing."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import SourceFactory
from workbench.models import SourceText

# Written for these tests, in our own words.
FIRST = "Exchange sued\nThe agency filed its complaint in June 2023.\n"
SECOND = "Case dropped\nThe court dismissed the case in May 2025.\n"


def attach(folder, *options):
    """Runs the command; returns its output and error lines."""
    out, err = StringIO(), StringIO()
    call_command("attach_source_texts", folder, *options, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue().splitlines()


@pytest.fixture
def folder(tmp_path, db):
    """Two sources with a file each, a third with none, and a file for no source."""
    for key in ("first.txt", "second.html", "without-file"):
        SourceFactory(key=key)
    (tmp_path / "first.txt").write_text(FIRST, encoding="utf-8")
    (tmp_path / "second.html").write_text(
        "<h1>Case dropped</h1><p>The court dismissed the case in May 2025.</p>", encoding="utf-8"
    )
    (tmp_path / "notes.txt").write_text("Not a source.", encoding="utf-8")
    return tmp_path


def text_of(key):
    return SourceText.objects.get(source__key=key)


def test_each_file_is_attached_to_the_source_of_its_name(folder):
    out, err = attach(folder)
    assert out == [
        "Attached first.txt (new).",
        "Skipped notes.txt: no source has that key.",
        "Attached second.html (new).",
        "2 attached, 0 changed, 0 unchanged, 0 kept, 1 skipped.",
    ]
    assert err == []
    assert text_of("first.txt").text == FIRST
    assert text_of("second.html").paragraphs() == SECOND.splitlines()  # HTML made plain
    assert not SourceText.objects.filter(source__key="without-file").exists()
    [entry] = text_of("first.txt").history.all()
    assert entry.history_change_reason == "Attached by attach_source_texts from first.txt"


def test_a_second_run_writes_nothing(folder):
    attach(folder)
    versions = list(SourceText.objects.values_list("version", flat=True))
    out, _ = attach(folder)
    assert out[-1] == "0 attached, 0 changed, 2 unchanged, 0 kept, 1 skipped."
    assert "Unchanged first.txt." in out
    assert list(SourceText.objects.values_list("version", flat=True)) == versions
    assert SourceText.history.count() == 2


def test_a_changed_file_gives_a_new_version_with_a_history_entry_naming_the_command(folder):
    attach(folder)
    (folder / "first.txt").write_text(FIRST + "It asked for a fine.\n", encoding="utf-8")
    out, _ = attach(folder)
    assert "Changed first.txt: its text differed; now version 2." in out
    assert out[-1] == "0 attached, 1 changed, 1 unchanged, 0 kept, 1 skipped."
    text = text_of("first.txt")
    assert text.paragraphs()[-1] == "It asked for a fine."
    latest, first = text.history.all()
    assert latest.history_change_reason == "Changed by attach_source_texts from first.txt"
    assert first.text == FIRST  # the text it replaced stays in history


def test_keep_edited_keeps_a_text_an_editor_changed(folder, make_editor):
    attach(folder)
    edited = text_of("first.txt")
    edited.text = FIRST + "A paragraph the editor added."
    edited._history_user = make_editor()
    edited.save()
    (folder / "second.html").write_text("<p>A newer version of the file.</p>", encoding="utf-8")
    out, _ = attach(folder, "--keep-edited")
    assert "Kept first.txt: its text was edited since it was attached." in out
    assert "Changed second.html: its text differed; now version 2." in out
    assert text_of("first.txt").text.endswith("A paragraph the editor added.")


def test_a_file_that_is_not_utf8_is_reported_skipped_and_fails_the_run(folder):
    (folder / "first.txt").write_bytes("Amende infligée".encode("latin-1"))
    with pytest.raises(CommandError) as failed:
        attach(folder)
    assert str(failed.value) == (
        "1 attached, 0 changed, 0 unchanged, 0 kept, 1 skipped; 1 not read (not UTF-8): first.txt."
    )
    assert not SourceText.objects.filter(source__key="first.txt").exists()
    assert text_of("second.html")  # the other file is attached all the same


def test_the_error_line_names_the_unreadable_file(folder):
    (folder / "first.txt").write_bytes(b"\xff\xfe")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("attach_source_texts", folder, stdout=StringIO(), stderr=err)
    assert err.getvalue() == "Could not read first.txt: it is not UTF-8 text; skipped.\n"


def test_a_missing_folder_is_a_command_error(tmp_path, db):
    with pytest.raises(CommandError, match="is not a folder"):
        attach(tmp_path / "missing")


def test_verbosity_0_prints_nothing(folder):
    out, err = attach(folder, "--verbosity", "0")
    assert (out, err) == ([], [])
    assert SourceText.objects.count() == 2


def test_a_source_key_of_the_longest_length_is_attached_with_its_history_entry(tmp_path, db):
    key = "k" * 96 + ".txt"
    SourceFactory(key=key)
    (tmp_path / key).write_text(FIRST, encoding="utf-8")
    attach(tmp_path)
    [entry] = text_of(key).history.all()
    assert entry.history_change_reason.startswith("Attached by attach_source_texts from kkk")
