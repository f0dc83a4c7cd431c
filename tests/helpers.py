"""Helpers shared by several test modules: the seed's names, reading public pages,
posting admin forms, and starting the settings in a fresh interpreter."""

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.db.models.fields.files import FieldFile

from filings.models import Filing

SEED = json.loads((Path(settings.BASE_DIR) / "fixtures" / "seed.json").read_text())


def seed_values(model, field):
    return [obj["fields"][field] for obj in SEED if obj["model"] == model]


CASE_SLUGS = seed_values("cases.case", "slug")
PARTY_SLUGS = seed_values("cases.party", "slug")
AGENCY_SLUGS = seed_values("cases.agency", "slug")
SOURCE_KEYS = seed_values("filings.source", "key")

BINANCE = "/cases/sec-v-binance/"
SOURCE_000 = "000_26f21f1ec1e397ac.txt"
BINANCE_ORDER = [
    "complaint",
    "binance-response",
    "ruling-on-claims",
    "stay-motion",
    "second-stay-request",
    "dismissal",
    "binance-welcomes-dismissal",
]
DISPUTED = {"complaint", "stay-motion", "second-stay-request", "dismissal"}
SCRIPT = "<script>alert(1)</script>"


# Reading pages


def get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


ENTRY = re.compile(
    r'<li class="entry [^"]*"(?: id="entry-([\w-]+)")?>(.*?)</article>\s*</li>', re.S
)
ENTRY_TITLE = re.compile(r'<h\d class="entry-title">(.*?)</h\d>', re.S)
TIME = re.compile(r'<time datetime="([^"]+)">([^<]*)</time>')


def entries(html):
    """The case page's entries, by slug, in document order."""
    return dict(ENTRY.findall(html))


def entry_titles(html):
    """The titles of the entries on a page, in document order."""
    return [ENTRY_TITLE.search(block).group(1) for _slug, block in ENTRY.findall(html)]


def times(fragment):
    return TIME.findall(fragment)


def between(html, start, end):
    """The part of the page from the first `start` to the next `end`."""
    head, found, tail = html.partition(start)
    assert found, f"{start!r} not on the page"
    return tail.split(end, 1)[0]


def section(html, heading_id):
    """A top-level section of the page, by its heading (month groups nest inside it)."""
    body = between(html, f'aria-labelledby="{heading_id}"', "</main>")
    depth = 1
    for tag in re.finditer(r"<(/?)section\b", body):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return body[: tag.start()]
    raise AssertionError(f"section {heading_id!r} is not closed")


def fact(html, term):
    """The <dd> of a <dt> in a facts list."""
    return between(html, f"<dt>{term}</dt><dd>", "</dd>")


def month_groups(html):
    """[(heading, [entry titles])] for the month groups on a page."""
    groups = re.findall(
        r'<section class="month"[^>]*>\s*<h\d id="month-[^"]*">([^<]+)</h\d>(.*?)</section>',
        html,
        re.S,
    )
    return [(label, entry_titles(body)) for label, body in groups]


class Links(HTMLParser):
    """Every <a>: its attributes (unescaped, as a browser reads them) and text."""

    def __init__(self, html):
        super().__init__()
        self.links, self._open = [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open = {**dict(attrs), "text": ""}
            self.links.append(self._open)

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data

    def handle_endtag(self, tag):
        if tag == "a":
            self._open = None


def listed_cases(html):
    """The case slugs in the case list, in order."""
    if '<ol class="case-list">' not in html:
        return None
    return re.findall(
        r'<h2><a href="/cases/([\w-]+)/">', between(html, '<ol class="case-list">', "</ol>")
    )


def titles_of(*filing_slugs):
    return {Filing.objects.get(slug=slug).title for slug in filing_slugs}


# Admin forms


def admin_form_data(response, **changes):
    """What the browser would post back from an admin change form, with some changes."""
    data = {}
    forms = [response.context["adminform"].form]
    inlines = response.context.get("inline_admin_formsets", [])
    for inline in inlines:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False or isinstance(value, FieldFile):
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    data.update(changes)
    return data


def change_url(obj):
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


# Settings


def start(code="print('started')", **env):
    """Load the settings in a fresh interpreter with only these variables set."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup();" + code],
        cwd=settings.BASE_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "casetracker.settings", **env},
        capture_output=True,
        text=True,
    )
