"""Benchmarks: throughput and latency of the public pages against `make serve` on PostgreSQL.

    .venv/bin/python bench/run.py      (or: make bench)

For each database size (seed data, then 1,000,000 filings) it starts `make serve`,
checks every URL, warms up, measures each with wrk and stops the server. It prints
a markdown report, also written to var/bench-<timestamp>.md, with each figure's
req/s as a share of the framework's ceiling (/healthz/), PASS/FAIL against the
targets, and p99 at 1M filings against p99 at seed size. See docs/benchmarks.md.

Exit status: 0 when every target that could be measured passed, 1 when one failed,
2 when the run itself could not be done.
"""

import os
import subprocess
import time

from common import (
    ROOT,
    SEED_CASE,
    VAR,
    BenchError,
    Server,
    check_wrk,
    create_database,
    database_exists,
    database_url,
    env_number,
    filing_count,
    get,
    has_seed_case,
    log,
    manage,
    prepare_seed_database,
    psql,
    run_script,
    timestamp,
    wrk,
)

CASE_PAGE = f"/cases/{SEED_CASE}/"
CEILING = "ceiling"
# (name, path, wrk mode): see bench/wrk.lua for the modes.
MEASUREMENTS = [
    (CEILING, "/healthz/", "plain"),
    ("case page, cold", CASE_PAGE, "cold"),
    ("case page, cached", CASE_PAGE, "plain"),
    ("case page, 304", CASE_PAGE, "etag"),
    ("case list", "/cases/", "plain"),
    ("timeline", "/timeline/", "plain"),
    ("API filings", f"/api/filings/?case={SEED_CASE}", "plain"),
    ("API cases", "/api/cases/", "plain"),
    (CEILING, "/healthz/", "plain"),  # again: see measure()
]
# Each measurement once, in order, for the reports.
REPORTED = list({name: (name, path, mode) for name, path, mode in MEASUREMENTS}.values())
# Share of the ceiling's req/s each must reach, at every size.
RPS_TARGETS = {"case page, cold": 0.10, "case page, cached": 0.50, "case page, 304": 0.70}
P99_GROWTH_LIMIT = 2.0  # p99 at 1M filings against p99 at seed size

SEED_DB = os.environ.get("BENCH_SEED_DB", "casetracker_bench_seed")
BIG_DB = os.environ.get("BENCH_BIG_DB", "casetracker_big")
BIG_CASES = env_number("BENCH_BIG_CASES", 10_000)
BIG_FILINGS = env_number("BENCH_BIG_FILINGS", 1_000_000)
BUILD = os.environ.get("BENCH_BUILD", "") == "1"
SIZES = os.environ.get("BENCH_SIZES", "seed big").split()
DURATION = env_number("BENCH_DURATION", 15)
WARMUP = env_number("BENCH_WARMUP", 2)
CONNECTIONS = env_number("BENCH_CONNECTIONS", 16)
THREADS = env_number("BENCH_THREADS", 2)
TIMEOUT = env_number("BENCH_TIMEOUT", 2)  # wrk's own default

BUILD_COMMAND = (
    f"psql {database_url('postgres')} -c 'CREATE DATABASE \"{BIG_DB}\"'\n"
    f"export DJANGO_DEBUG=true DATABASE_URL={database_url(BIG_DB)}\n"
    ".venv/bin/python manage.py migrate && .venv/bin/python manage.py loaddata seed\n"
    f".venv/bin/python manage.py generate_demo_data --cases {BIG_CASES} --filings {BIG_FILINGS}"
)


def big_database_ready():
    """Whether the big database has its demo data; with BENCH_BUILD=1, build it first."""
    count = filing_count(BIG_DB) if database_exists(BIG_DB) else 0
    if count >= BIG_FILINGS:
        return True
    if not BUILD:
        log(f"{BIG_DB} has {count:,} filings, not {BIG_FILINGS:,}: skipping the 1M run.")
        log("(If it is being built right now, wait; the count shows once that commits.)")
        return False
    sessions = psql(f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{BIG_DB}'")
    if sessions != "0":
        raise BenchError(
            f"Not building {BIG_DB}: {sessions} other session(s) use it (is it being built?)."
        )
    log(f"building {BIG_DB} ({BIG_FILINGS:,} filings; this takes a while)")
    if not database_exists(BIG_DB):
        create_database(BIG_DB)
    manage(BIG_DB, "migrate", "--no-input", "--verbosity", "0")
    if not has_seed_case(BIG_DB):
        manage(BIG_DB, "loaddata", "seed")
    manage(BIG_DB, "generate_demo_data", "--delete")
    manage(BIG_DB, "generate_demo_data", "--cases", str(BIG_CASES), "--filings", str(BIG_FILINGS))
    return True


def preflight():
    """Check that every URL answers 200 and that the case page answers 304 to its ETag.

    Returns the case page's ETag.
    """
    for _, path, mode in MEASUREMENTS:
        probes = [path] + ([path + "?bench=preflight"] if mode == "cold" else [])
        for probe in probes:
            status, _, body = get(probe)
            if status != 200:
                raise BenchError(f"GET {probe} answered {status}, not 200: {body[:300]!r}")
    _, headers, _ = get(CASE_PAGE)
    etag = headers.get("etag")
    if not etag:
        raise BenchError(f"GET {CASE_PAGE} sent no ETag.")
    status, _, _ = get(CASE_PAGE, headers={"If-None-Match": etag})
    if status != 304:
        raise BenchError(f"GET {CASE_PAGE} with If-None-Match: {etag} answered {status}, not 304.")
    return etag


def measure(database):
    """Every measurement against `make serve` on one database: {name: result or reason}."""
    log_path = VAR / f"bench-serve-{database}.log"
    with Server(database, log_path):
        etag = preflight()
        options = {"connections": CONNECTIONS, "threads": THREADS, "timeout": TIMEOUT}
        results = {}
        nonce = str(time.time_ns())
        for name, path, mode in MEASUREMENTS:
            # Warmed up the same way just before, so that no measurement depends on the one
            # before it (the cold one, say, pushing the cached page out of the cache).
            lua = {"mode": mode, "etag": etag}
            if WARMUP:
                wrk(path, duration=WARMUP, nonce=f"{nonce}w", **lua, **options)
            log(f"{name}: {path} for {DURATION} s")
            result = wrk(path, duration=DURATION, nonce=nonce, **lua, **options)
            log(f"  {result.rps:,.0f} req/s, p50 {ms(result.p50_ms)}, p99 {ms(result.p99_ms)} ms")
            # The ceiling is measured first and again last; the better of the two
            # counts, so that a slow start does not flatter every ratio.
            if name in results and result.rps <= results[name].rps:
                continue
            results[name] = result
    return results


def ms(value):
    return f"{value:,.1f}"


def results_table(results):
    ceiling = results[CEILING]
    lines = [
        "| Measurement | URL | req/s | of ceiling | p50 ms | p99 ms "
        "| non-2xx/3xx | socket errors |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, path, mode in REPORTED:
        result = results[name]
        url = {"cold": f"{path}?bench=<n>", "etag": f"{path} (If-None-Match)"}.get(mode, path)
        if isinstance(result, str):
            lines.append(f"| {name} | `{url}` | {result} | | | | | |")
            continue
        share = result.rps / ceiling.rps if ceiling.rps else 0
        errors = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items() if v) or "0"
        lines.append(
            f"| {name} | `{url}` | {result.rps:,.0f} | {share:.0%} | {ms(result.p50_ms)} "
            f"| {ms(result.p99_ms)} | {result.bad_status} | {errors} |"
        )
    return lines


def clean(result):
    return result.bad_status == 0 and result.socket_error_count == 0


def rps_targets(results):
    """The req/s targets as table lines, and whether any failed."""
    ceiling = results[CEILING]
    lines = ["| Target | Measured | Result |", "| --- | ---: | --- |"]
    failed = False
    for name, target in RPS_TARGETS.items():
        result = results[name]
        label = f"{name} ≥ {target:.0%} of ceiling req/s"
        if isinstance(result, str):
            lines.append(f"| {label} | | SKIP: {result} |")
            continue
        share = result.rps / ceiling.rps if ceiling.rps else 0
        verdict = "PASS" if share >= target else "FAIL"
        if not clean(result) or not clean(ceiling):
            verdict = "FAIL (errors during the run)"
        failed |= verdict != "PASS"
        lines.append(f"| {label} | {share:.1%} | {verdict} |")
    return lines, failed


def p99_comparison(seed, big):
    lines = [
        f"| Measurement | p99 seed ms | p99 1M ms | 1M / seed | Target ≤ {P99_GROWTH_LIMIT:g}× |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    failed = False
    for name, _, _ in REPORTED:
        a, b = seed[name], big[name]
        if isinstance(a, str) or isinstance(b, str):
            lines.append(f"| {name} | | | | SKIP: {a if isinstance(a, str) else b} |")
            continue
        ratio = b.p99_ms / a.p99_ms if a.p99_ms else float("inf")
        if name == CEILING:
            verdict = "(reference; no target)"
        else:
            verdict = "PASS" if ratio <= P99_GROWTH_LIMIT else "FAIL"
            if not clean(a) or not clean(b):
                verdict = "FAIL (errors during the run)"
            failed |= verdict != "PASS"
        lines.append(f"| {name} | {ms(a.p99_ms)} | {ms(b.p99_ms)} | {ratio:.2f}× | {verdict} |")
    return lines, failed


def git_description():
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    return commit + (" with uncommitted changes" if git("status", "--porcelain").strip() else "")


def main():
    check_wrk()
    unknown = set(SIZES) - {"seed", "big"}
    if unknown:
        raise BenchError(f"BENCH_SIZES may list seed and big, not {' '.join(unknown)}.")
    VAR.mkdir(exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M:%S")
    report = [
        f"# Benchmarks, {started}",
        "",
        f"`make serve` (gunicorn, WORKERS={os.environ.get('WORKERS', '3')}) on PostgreSQL; "
        f"`wrk --latency -t{THREADS} -c{CONNECTIONS} -d{DURATION}s --timeout {TIMEOUT}s`, "
        f"each after a {WARMUP} s warm-up the same way; {os.cpu_count()} CPU cores; "
        f"commit {git_description()}.",
        "",
        '"of ceiling" is req/s as a share of `/healthz/`\'s, measured first and again last '
        '(the better run is shown). "non-2xx/3xx" and '
        '"socket errors" are wrk\'s "Non-2xx or 3xx responses" and "Socket errors".',
    ]
    runs = {}
    failed = False
    skipped = False
    for size in SIZES:
        if size == "seed":
            prepare_seed_database(SEED_DB)
            database, title = SEED_DB, "Seed size"
        else:
            if not big_database_ready():
                skipped = True
                report += [
                    "",
                    "## 1M filings",
                    "",
                    f"Skipped: `{BIG_DB}` lacks the demo data ({BIG_FILINGS:,} filings). "
                    "Build it with `BENCH_BUILD=1 make bench`, or by hand:",
                    "",
                    "```sh",
                    BUILD_COMMAND,
                    "```",
                ]
                continue
            database, title = BIG_DB, "1M filings"
        count = filing_count(database)
        runs[size] = measure(database)
        targets, size_failed = rps_targets(runs[size])
        failed |= size_failed
        report += ["", f"## {title} (`{database}`, {count:,} filings)", ""]
        report += results_table(runs[size]) + ["", "Targets:", ""] + targets
    if "seed" in runs and "big" in runs:
        lines, growth_failed = p99_comparison(runs["seed"], runs["big"])
        failed |= growth_failed
        report += ["", "## p99 at 1M filings against seed size", ""] + lines
    overall = "FAIL" if failed else "PASS"
    report += ["", f"Overall: {overall}{' (the 1M run was skipped)' if skipped else ''}."]
    text = "\n".join(report) + "\n"
    path = VAR / f"bench-{timestamp()}.md"
    path.write_text(text)
    print(text)
    log(f"report written to {path.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    run_script(main, "bench")
