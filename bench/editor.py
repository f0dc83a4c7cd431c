"""An editor at work, for bench/run.py's editing-day scenario: saves one case's entries.

    DATABASE_URL=postgres://... .venv/bin/python bench/editor.py CASE_SLUG RATE

Through the Django ORM, as the admin does: every 1/RATE seconds it reads the
next published entry of the case in sequence order, changes its summary and
saves it with .save() in a transaction, so that each save commits, writes its
history row and sends the signals the page cache listens to. It runs until
SIGTERM or SIGINT, then prints one line for bench/run.py to parse,
"@saves count=<n> errors=<n> filings=<slug>:<version>,...", with each saved
entry's version after its last save. Progress and errors go to stderr.
"""

import os
import signal
import sys
import threading
import time
import traceback
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
django.setup()

from django.db import transaction  # noqa: E402

from filings.models import Filing  # noqa: E402


def main():
    slug, rate = sys.argv[1], float(sys.argv[2])
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    entries = list(
        Filing.objects.filter(case__slug=slug, is_published=True)
        .order_by("sequence", "pk")
        .values_list("pk", flat=True)
    )
    if not entries:
        sys.exit(f"editor: case {slug} has no published entries.")
    saves, errors, versions = 0, 0, {}
    tick = time.monotonic()
    while not stop.is_set():
        try:
            with transaction.atomic():
                filing = Filing.objects.select_for_update().get(pk=entries[saves % len(entries)])
                filing.summary = f"Edited by bench/editor.py, save {saves + 1}."
                filing.save()
            saves += 1
            versions[filing.slug] = filing.version
        except Exception:
            errors += 1
            traceback.print_exc()
        tick += 1 / rate
        stop.wait(max(0, tick - time.monotonic()))
    listed = ",".join(f"{s}:{v}" for s, v in versions.items())
    print(f"@saves count={saves} errors={errors} filings={listed}", flush=True)


if __name__ == "__main__":
    main()
