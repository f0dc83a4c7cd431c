"""Progress of long commands: a tqdm bar on a terminal, plain lines in logs, nothing at -v0."""

import json
from io import StringIO

from django.core.management import call_command

from core.progress import progress


class Terminal(StringIO):
    def isatty(self):
        return True


def counted(stream, total, updates, verbosity=1):
    with progress(stream, total, "demo", "entries", verbosity) as bar:
        for n in updates:
            bar.update(n)
    return stream.getvalue()


def test_plain_lines_come_at_each_tenth_passed_and_end_at_the_total():
    assert counted(StringIO(), 100, [30, 30, 5, 25, 10]).splitlines() == [
        "demo: 30/100 entries (30%)",
        "demo: 60/100 entries (60%)",
        "demo: 90/100 entries (90%)",
        "demo: 100/100 entries (100%)",
    ]


def test_plain_lines_end_with_the_count_where_it_stopped():
    assert counted(StringIO(), 100, [5]).splitlines() == ["demo: 5/100 entries (5%)"]


def test_a_terminal_gets_a_tqdm_bar_redrawn_in_place():
    output = counted(Terminal(), 30, [6] * 5)
    assert "demo: 100%|" in output and "| 30/30 [" in output and "entries/s]" in output
    assert output.startswith("\r") and output.count("\n") == 1
    assert "(100%)" not in output


def test_verbosity_0_prints_nothing():
    assert counted(StringIO(), 30, [30], verbosity=0) == ""
    assert counted(Terminal(), 30, [30], verbosity=0) == ""


def generate(verbosity=1, stderr=None):
    stderr, stdout = stderr or StringIO(), StringIO()
    call_command(
        *["generate_demo_data", "--cases", "3", "--filings", "30", "--batch-size", "7"],
        verbosity=verbosity,
        stdout=stdout,
        stderr=stderr,
    )
    return stdout.getvalue(), stderr.getvalue()


def test_generate_demo_data_reports_each_batch_of_entries_when_not_on_a_terminal(db):
    stdout, stderr = generate()
    assert stderr.splitlines() == [
        "generate_demo_data: 7/30 entries (23%)",
        "generate_demo_data: 14/30 entries (46%)",
        "generate_demo_data: 21/30 entries (70%)",
        "generate_demo_data: 28/30 entries (93%)",
        "generate_demo_data: 30/30 entries (100%)",
    ]
    assert "generate_demo_data:" not in stdout and "30 demo entries" in stdout


def test_generate_demo_data_shows_a_bar_on_a_terminal(db):
    _, stderr = generate(stderr=Terminal())
    # Straight to the terminal, past the OutputWrapper, which would end each redraw with a newline.
    assert "generate_demo_data: 100%|" in stderr and "| 30/30 [" in stderr
    assert stderr.count("\n") == 1


def test_generate_demo_data_is_silent_at_verbosity_0(db):
    assert generate(verbosity=0)[1] == ""


def test_backup_reports_the_objects_it_writes(seeded, tmp_path):
    stderr = StringIO()
    call_command("backup", str(tmp_path / "backup.json"), stdout=StringIO(), stderr=stderr)
    total = len(json.loads((tmp_path / "backup.json").read_text()))
    lines = stderr.getvalue().splitlines()
    assert len(lines) == 10 and lines[-1] == f"backup: {total}/{total} objects (100%)"
    assert lines[0].startswith("backup: ") and lines[0].endswith(f"/{total} objects (10%)")
