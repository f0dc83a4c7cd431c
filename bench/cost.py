"""What one request costs inside Django, without HTTP: a floor under bench/run.py's figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casetracker_bench_seed \
        .venv/bin/python bench/cost.py [--profile] [WORD ...]

Each request goes through Django's WSGI handler with the production settings
(DEBUG off, every middleware, the page cache in memory), in this one process,
on the database in DATABASE_URL. Cold requests add a new query string each time,
as bench/run.py's cold mode does, so each one renders (its unchanged entries
come from the cache of rendered entries, public.timeline.rendered_entries);
"empty cache" requests empty the cache first, so that nothing does. For each, the report
gives the best of three rounds: microseconds per request, of which waiting on
the database (SQL sent, run and read back), and how many times /healthz/ costs.

Given words, it measures only the requests whose label contains one of them
(and /healthz/, the floor): `bench/cost.py "case page, cold"`. With --profile
it runs each of those under cProfile instead and prints its calls per request
and the functions that take the most time, themselves and with what they call.
"""

import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
os.environ.update(
    DJANGO_DEBUG="false",
    DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "x" * 50,
    DJANGO_ALLOWED_HOSTS="127.0.0.1",
    DJANGO_HTTPS="false",
)
os.environ.pop("REDIS_URL", None)  # the page cache in this process's memory
django.setup()

from django.core.cache import cache  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

ROUNDS = 3
# (label, path, mode): "plain" asks for the same URL each time, "etag" with its
# ETag, "cold" with a new query string, "empty" as cold after emptying the cache
# (so that no rendered entry is found there either).
REQUESTS = [
    ("/healthz/ (no database)", "/healthz/", "plain"),
    ("case page, 304", "/cases/sec-v-binance/", "etag"),
    ("case page, cached", "/cases/sec-v-binance/", "plain"),
    ("agency list, cold (one query)", "/agencies/", "cold"),
    ("party list, cold", "/parties/", "cold"),
    ("case list, cold", "/cases/", "cold"),
    ("case page, cold", "/cases/sec-v-binance/", "cold"),
    ("case page, cold, empty cache", "/cases/sec-v-binance/", "empty"),
    ("timeline, cold", "/timeline/", "cold"),
    ("timeline, cold, empty cache", "/timeline/", "empty"),
]

handler = WSGIHandler()
database_seconds = 0.0


def timed_sql(execute, sql, params, many, context):
    global database_seconds
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        database_seconds += time.perf_counter() - started


def get(path, query="", etag=None):
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "HTTP_HOST": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
    }
    if etag:
        environ["HTTP_IF_NONE_MATCH"] = etag
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    response = handler(environ, start_response)
    b"".join(response)
    response.close()  # request_finished, as a server sends it
    return answer


def measure(path, mode, count):
    """Best of ROUNDS: (microseconds per request, of which waiting on the database)."""
    global database_seconds
    etag = get(path)["headers"].get("ETag") if mode == "etag" else None
    best = None
    for round_ in range(-1, ROUNDS):  # round -1 warms up
        database_seconds = 0.0
        started = time.perf_counter()
        for n in range(count):
            if mode == "empty":
                cache.clear()
            query = f"bench={round_}-{n}" if mode in ("cold", "empty") else ""
            status = get(path, query, etag)["status"]
        elapsed = time.perf_counter() - started
        if round_ >= 0 and (best is None or elapsed < best[0]):
            best = (elapsed, database_seconds)
    expected = "304 Not Modified" if mode == "etag" else "200 OK"
    if status != expected:
        sys.exit(f"GET {path} answered {status}, not {expected}.")
    return best[0] / count * 1e6, best[1] / count * 1e6


def profile(label, path, mode, count=200):
    """Run one request `count` times under cProfile and print where the time goes."""
    measure(path, mode, 20)  # warm up, outside the profile
    profiler = cProfile.Profile()
    profiler.enable()
    for n in range(count):
        if mode == "empty":
            cache.clear()
        get(path, f"profile={n}" if mode in ("cold", "empty") else "")
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"## {label}: {stats.total_calls / count:,.0f} function calls per request\n")
    for order in ("tottime", "cumulative"):
        stats.sort_stats(order).print_stats(30)


def main():
    args = sys.argv[1:]
    profiling = "--profile" in args
    words = [arg for arg in args if arg != "--profile"]
    chosen = [r for r in REQUESTS if not words or any(w in r[0] for w in words)]
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Database: {connection.vendor}, {connection.settings_dict['NAME']}\n")
    if profiling:
        for label, path, mode in chosen:
            profile(label, path, mode)
        return
    print("| Request | µs per request | of which database | × /healthz/ |")
    print("| --- | ---: | ---: | ---: |")
    floor = None
    with connection.execute_wrapper(timed_sql):
        for label, path, mode in [REQUESTS[0], *(r for r in chosen if r != REQUESTS[0])]:
            micros, database = measure(path, mode, 200 if mode in ("cold", "empty") else 2000)
            floor = floor or micros
            print(f"| {label} | {micros:,.0f} | {database:,.0f} | {micros / floor:.1f} |")


if __name__ == "__main__":
    main()
