"""Load test: public pages under load while filings are being saved, then check nothing was lost.

    .venv/bin/python bench/load.py      (or: make load)

Recreates a throwaway database (BENCH_LOAD_DB, default casetracker_load) with the
seed data, starts `make serve` on it and, for BENCH_LOAD_DURATION seconds (60):

- wrk with BENCH_LOAD_CONNECTIONS connections (64) cycles over a mix of public pages;
- a writer thread, through the Django ORM, creates published filings on a published
  case and edits new and seeded ones with .save(), each in a transaction as the
  admin does, recording every save's (case slug, filing slug, version).

Then it checks: wrk saw no socket errors and no non-2xx/3xx responses; the writer
raised no exception; every saved filing is in the database at its last recorded
version, with one history row per save ('+' for the create, '~' per edit). Prints
PASS or FAIL for each, writes the summary to var/load-<timestamp>.md and every save
to var/load-<timestamp>-saves.json, and exits 1 on any failure (2 when the test
itself could not run).
"""

import collections
import json
import os
import random
import sys
import threading
import time
import traceback

from common import (
    ROOT,
    SEED_CASE,
    VAR,
    BenchError,
    Server,
    check_wrk,
    env_number,
    get,
    log,
    prepare_seed_database,
    run_script,
    server_env,
    timestamp,
    wrk,
)

DATABASE = os.environ.get("BENCH_LOAD_DB", "casetracker_load")
DURATION = env_number("BENCH_LOAD_DURATION", 60)
CONNECTIONS = env_number("BENCH_LOAD_CONNECTIONS", 64)
THREADS = env_number("BENCH_THREADS", 2)
TIMEOUT = env_number("BENCH_LOAD_TIMEOUT", 10)  # seconds; see docs/benchmarks.md
WRITES_PER_SECOND = env_number("BENCH_LOAD_WRITES_PER_SECOND", 10.0, float)
PATHS = [
    "/",
    "/cases/",
    f"/cases/{SEED_CASE}/",
    "/timeline/",
    f"/api/filings/?case={SEED_CASE}",
    "/feed/",
    f"/cases/{SEED_CASE}/calendar.ics",
    "/search/?q=binance",
]

# One save by the writer; type is the history row it should make: '+' created, '~' changed.
Save = collections.namedtuple("Save", "case filing version type")


class Writer(threading.Thread):
    """Saves filings on the seed case through the ORM for a while, recording every save."""

    def __init__(self, duration, rate):
        super().__init__(name="writer")
        self.duration = duration
        self.interval = 1 / rate if rate else 0
        self.saves = []  # Save
        self.errors = []
        self.baseline = {}  # filing slug: (pk, '+' rows, '~' rows) before the run
        self.stop = threading.Event()

    def setup(self):
        from cases.models import Case
        from filings.models import Filing

        self.case = Case.objects.get(slug=SEED_CASE)
        if not self.case.is_published:
            raise BenchError(f"Case {SEED_CASE} is not published.")
        for filing in Filing.objects.filter(case=self.case):
            self.baseline[filing.slug] = (filing.pk, *history_counts(filing.pk))
        self.editable = list(self.baseline)

    def run(self):
        from django.db import connection

        end = time.monotonic() + self.duration
        tick = time.monotonic()
        number = 0
        try:
            while time.monotonic() < end and not self.stop.is_set():
                number += 1
                try:
                    self.save_one(number)
                except Exception:
                    self.errors.append(traceback.format_exc())
                tick += self.interval
                self.stop.wait(max(0, tick - time.monotonic()))
        finally:
            connection.close()

    def save_one(self, number):
        from django.db import transaction

        from filings.models import Filing

        with transaction.atomic():
            if number % 3 == 1:  # a third new filings, the rest edits
                filing = Filing(
                    case=self.case,
                    slug=f"load-{number}",
                    sequence=100_000 + number * 10,
                    kind=Filing.Kind.OTHER,
                    title=f"Load-test entry {number} on Binance",
                    summary="Written by bench/load.py while the site was under load.",
                    is_published=True,
                )
                history_type = "+"
            else:
                slug = random.choice(self.editable)
                filing = Filing.objects.get(case=self.case, slug=slug)
                filing.summary = f"Edited by bench/load.py, save {number}."
                history_type = "~"
            filing.save()
        self.saves.append(Save(SEED_CASE, filing.slug, filing.version, history_type))
        if history_type == "+":
            self.editable.append(filing.slug)


def history_counts(pk):
    from filings.models import Filing

    rows = Filing.history.filter(id=pk)
    return rows.filter(history_type="+").count(), rows.filter(history_type="~").count()


def verify(writer):
    """How many filings were saved, and which are wrong: {slug: [problem]}."""
    from filings.models import Filing

    expected = {}  # slug: [last version, creates, edits]
    for save in writer.saves:
        entry = expected.setdefault(save.filing, [0, 0, 0])
        entry[0] = save.version
        entry[1 if save.type == "+" else 2] += 1
    problems = collections.defaultdict(list)
    for slug, (version, creates, edits) in expected.items():
        filing = Filing.objects.filter(case__slug=SEED_CASE, slug=slug).first()
        if filing is None:
            problems[slug].append("missing from the database")
            continue
        if filing.version != version:
            problems[slug].append(f"version {filing.version}, recorded {version}")
        _, plus_before, tilde_before = writer.baseline.get(slug, (None, 0, 0))
        plus, tilde = history_counts(filing.pk)
        if (plus - plus_before, tilde - tilde_before) != (creates, edits):
            problems[slug].append(
                f"{plus - plus_before} '+' and {tilde - tilde_before} '~' history rows "
                f"for {creates} creates and {edits} edits"
            )
        latest = Filing.history.filter(id=filing.pk).order_by("-history_date").first()
        if latest is None or latest.version != version:
            problems[slug].append(f"latest history row is not version {version}")
    return len(expected), problems


def main():
    check_wrk()
    VAR.mkdir(exist_ok=True)
    prepare_seed_database(DATABASE, fresh=True)
    # The writer uses the ORM in this process, on the same database as the server.
    os.environ.update(server_env(DATABASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    writer = Writer(DURATION, WRITES_PER_SECOND)
    writer.setup()
    with Server(DATABASE, VAR / f"load-serve-{DATABASE}.log"):
        for path in PATHS:
            status, _, body = get(path)
            if status != 200:
                raise BenchError(f"GET {path} answered {status}, not 200: {body[:300]!r}")
        log(
            f"{CONNECTIONS} connections for {DURATION} s over {len(PATHS)} URLs, "
            f"while saving about {WRITES_PER_SECOND:g} filings a second"
        )
        writer.start()
        try:
            result = wrk(
                "/",
                mode="mix",
                paths=" ".join(PATHS),
                duration=DURATION,
                connections=CONNECTIONS,
                threads=THREADS,
                timeout=TIMEOUT,
            )
        except BaseException:
            writer.stop.set()
            raise
        finally:
            writer.join()
    saved, problems = verify(writer)
    kinds = collections.Counter(save.type for save in writer.saves)

    checks = [
        ("wrk: no non-2xx/3xx responses", result.bad_status == 0, result.bad_status),
        ("wrk: no socket errors", result.socket_error_count == 0, result.socket_errors),
        ("writer: no exceptions", not writer.errors, len(writer.errors)),
        ("writer: saved something", bool(writer.saves), len(writer.saves)),
        ("every saved filing in the database at its version, with its history", not problems,
         f"{saved - len(problems)}/{saved} filings right"),
    ]  # fmt: skip
    statuses = " ".join(f"{code}: {count}" for code, count in sorted(result.statuses.items()))
    lines = [
        f"# Load test, {time.strftime('%Y-%m-%d %H:%M:%S')}",
        "",
        f"`make serve` on `{DATABASE}`; `wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}s "
        f"--timeout {TIMEOUT}s` cycling over: {', '.join(f'`{p}`' for p in PATHS)}.",
        "",
        f"- wrk: {result.requests:,} requests, {result.rps:,.0f} req/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, max {result.max_ms:.1f} ms; "
        f"statuses {statuses or 'none'}",
        f"- writer: {len(writer.saves)} saves ({kinds['+']} creates, {kinds['~']} edits) "
        f"on {saved} filings, {len(writer.errors)} exceptions",
        "",
        "| Check | Result | Detail |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {name} | {'PASS' if ok else 'FAIL'} | {detail} |" for name, ok, detail in checks]
    failed = not all(ok for _, ok, _ in checks)
    lines += ["", f"Overall: {'FAIL' if failed else 'PASS'}"]
    for slug, messages in list(problems.items())[:20]:
        lines.append(f"- {SEED_CASE}/{slug}: {'; '.join(messages)}")
    for error in writer.errors[:3]:
        lines += ["", "```", error.rstrip(), "```"]
    text = "\n".join(lines) + "\n"
    stamp = timestamp()
    (VAR / f"load-{stamp}.md").write_text(text)
    saves = [save._asdict() for save in writer.saves]
    (VAR / f"load-{stamp}-saves.json").write_text(json.dumps(saves, indent=1) + "\n")
    print(text)
    log(f"summary in var/load-{stamp}.md, every save in var/load-{stamp}-saves.json")
    return 1 if failed else 0


if __name__ == "__main__":
    run_script(main, "load")
