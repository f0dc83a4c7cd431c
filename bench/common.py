"""What bench/run.py and bench/load.py share: databases, `make serve`, and wrk.

Standard library only. Everything is configured by environment variables; see
docs/benchmarks.md.
"""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"
WRK_SCRIPT = ROOT / "bench" / "wrk.lua"
VAR = ROOT / "var"

HOST = "127.0.0.1"
PORT = 8000  # where `make serve` binds; not configurable there
BASE_URL = f"http://{HOST}:{PORT}"
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432").rstrip("/")
SEED_CASE = "sec-v-binance"
# The page cache the server uses, shared by its workers as in production; empty: each
# worker keeps its own in memory.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/1").strip()


class BenchError(Exception):
    """A problem that stops the run, with a message saying what to do."""


def env_number(name, default, kind=int):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return kind(raw)
    except ValueError:
        raise BenchError(f"{name} must be a number, got {raw!r}.") from None


def run_script(main, name):
    """Exit with main()'s status; for a BenchError, 2 after its message."""
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"{name}: {error}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)


def log(message):
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def timestamp():
    return time.strftime("%Y%m%d-%H%M%S")


# --- Databases ------------------------------------------------------------------------------


def database_url(name):
    return f"{PG_URL}/{name}"


def psql(sql, database="postgres"):
    """Run one SQL statement with psql and return its unaligned output."""
    if not shutil.which("psql"):
        raise BenchError("psql not found: apt-get install -y postgresql-client")
    result = subprocess.run(
        ["psql", database_url(database), "-v", "ON_ERROR_STOP=1", "-Atqc", sql],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise BenchError(
            f"psql failed on {database}: {result.stderr.strip()}\n"
            "Is PostgreSQL running? Start it with:\n"
            "  pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        )
    return result.stdout.strip()


def database_exists(name):
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'") == "1"


def create_database(name):
    psql(f'CREATE DATABASE "{name}"')


def drop_database(name):
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def table_exists(database, table):
    return psql(f"SELECT to_regclass('public.{table}') IS NOT NULL", database) == "t"


def has_seed_case(database):
    return table_exists(database, "cases_case") and (
        psql(f"SELECT count(*) FROM cases_case WHERE slug = '{SEED_CASE}'", database) == "1"
    )


def filing_count(database):
    if not table_exists(database, "filings_filing"):
        return 0
    return int(psql("SELECT count(*) FROM filings_filing", database))


def server_env(database):
    """The environment `make serve` needs, on plain HTTP, for one database."""
    env = dict(os.environ)
    env.update(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_HTTPS="false",
        DATABASE_URL=database_url(database),
        REDIS_URL=REDIS_URL,
    )
    if not REDIS_URL:
        del env["REDIS_URL"]
    return env


def manage(database, *args):
    """Run a manage.py command against a database, failing loudly."""
    log(f"manage.py {' '.join(args)}  (on {database})")
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=server_env(database), stdout=sys.stderr
    )
    if result.returncode != 0:
        raise BenchError(f"manage.py {' '.join(args)} failed on {database}.")


def prepare_seed_database(name, fresh=False):
    """Create (or with fresh=True, recreate) a database holding just the seed data."""
    if fresh:
        log(f"recreating database {name}")
        drop_database(name)
    if not database_exists(name):
        log(f"creating database {name}")
        create_database(name)
    manage(name, "migrate", "--no-input", "--verbosity", "0")
    if not has_seed_case(name):
        manage(name, "loaddata", "seed")


# --- The server -----------------------------------------------------------------------------


def port_in_use():
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, PORT)) == 0


def get(path, headers=None, timeout=30):
    """One GET to the server: (status, headers as a dict with lower-case names, body)."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body
    finally:
        connection.close()


class Server:
    """`make serve` on one database, in its own process group, stopped as a whole."""

    def __init__(self, database, log_path):
        self.database = database
        self.log_path = log_path
        self.process = None

    def __enter__(self):
        if port_in_use():
            raise BenchError(
                f"Something already listens on {HOST}:{PORT} (another `make serve`?). "
                "Stop it first: the benchmarks need that port."
            )
        if not PYTHON.exists():
            raise BenchError("No virtualenv: run `make install` first.")
        log(f"make serve on {self.database} (log: {self.log_path.relative_to(ROOT)})")
        self.log_file = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "serve"],
            cwd=ROOT,
            env=server_env(self.database),
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            self.wait_until_healthy()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info):
        self.stop()

    def wait_until_healthy(self, timeout=300):  # make serve may reinstall first
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"`make serve` exited early:\n{self.log_tail()}")
            try:
                status, _, body = get("/healthz/", timeout=5)
                if status == 200:
                    return
                raise BenchError(f"/healthz/ answered {status}: {body[:200]!r}")
            except OSError:
                time.sleep(0.5)
        raise BenchError(f"/healthz/ did not answer within {timeout} s:\n{self.log_tail()}")

    def log_tail(self, lines=30):
        self.log_file.flush()
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self):
        if self.process is None:
            return
        if self.process.poll() is None:
            for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
                try:
                    os.killpg(self.process.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    self.process.wait(grace)
                    break
                except subprocess.TimeoutExpired:
                    continue
        # gunicorn's workers may outlive make for a moment; wait for the port to free up.
        deadline = time.monotonic() + 30
        while port_in_use() and time.monotonic() < deadline:
            time.sleep(0.2)
        self.process = None
        self.log_file.close()


# --- wrk ------------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    socket_errors: dict  # connect, read, write, timeout
    bad_status: int  # wrk's "Non-2xx or 3xx responses"
    statuses: dict = field(default_factory=dict)  # mix mode only
    output: str = ""

    @property
    def rps(self):
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def socket_error_count(self):
        return sum(self.socket_errors.values())


def check_wrk():
    if not shutil.which("wrk"):
        raise BenchError("wrk not found: apt-get install -y wrk")


def wrk(path, *, duration, connections, threads, mode="plain", timeout=None, **lua_env):
    """Run wrk with bench/wrk.lua against one path and parse what its done() prints."""
    env = dict(os.environ, BENCH_MODE=mode, **{f"BENCH_{k.upper()}": v for k, v in lua_env.items()})
    command = ["wrk", "--latency", "-d", f"{duration}s", "-c", str(connections)]
    command += ["-t", str(threads), "-s", str(WRK_SCRIPT)]
    if timeout:
        command += ["--timeout", f"{timeout}s"]
    result = subprocess.run(
        [*command, BASE_URL + path], capture_output=True, text=True, env=env, timeout=duration + 120
    )
    output = result.stdout + result.stderr
    match = re.search(r"^@bench (.*)$", result.stdout, re.MULTILINE)
    if result.returncode != 0 or not match:
        raise BenchError(f"wrk failed on {path}:\n{output}")
    values = {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    statuses = {}
    match = re.search(r"^@status ?(.*)$", result.stdout, re.MULTILINE)
    if match:
        statuses = {int(k): int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    return WrkResult(
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        max_ms=values["max_us"] / 1000,
        socket_errors={k: values[k] for k in ("connect", "read", "write", "timeout")},
        bad_status=values["status"],
        statuses=statuses,
        output=output,
    )


def format_errors(result):
    """wrk's error counts, in its own words."""
    socket = ", ".join(f"{k} {v}" for k, v in result.socket_errors.items() if v) or "none"
    return f"Non-2xx or 3xx responses: {result.bad_status}; Socket errors: {socket}"
