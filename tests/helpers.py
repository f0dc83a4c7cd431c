"""Helpers shared by several test modules: the seed's names, reading public pages,
posting admin forms, and starting the settings in a fresh interpreter."""

import json
import os
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


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Element:
    """An element of a parsed page: its tag, attributes, child elements, text, and source."""

    def __init__(self, source, tag, attrs, start, parent=None):
        self.source, self.tag, self.attrs, self.parent = source, tag, dict(attrs), parent
        self.start = self.inner_start = self.inner_end = self.end = start
        self.children, self._text = [], []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    @property
    def html(self):
        """The element's own markup, as the page has it."""
        return self.source[self.start : self.end]

    @property
    def inner(self):
        """The markup between the start and end tags, as the page has it."""
        return self.source[self.inner_start : self.inner_end]

    @property
    def text(self):
        """The text inside, entities decoded, as a reader sees it."""
        return "".join(part if isinstance(part, str) else part.text for part in self._text)

    def find_all(self, tag=None, cls=None, **attrs):
        """Descendants in document order, by tag, a class they have, and attribute values
        (trailing underscores dropped, other underscores as hyphens: aria_labelledby)."""
        attrs = {name.rstrip("_").replace("_", "-"): value for name, value in attrs.items()}
        found = []
        for child in self.children:
            if (
                (tag is None or child.tag == tag)
                and (cls is None or cls in child.classes)
                and all(child.attrs.get(name) == value for name, value in attrs.items())
            ):
                found.append(child)
            found += child.find_all(tag, cls, **attrs)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        assert found, f"no <{tag or '*'}> with class {cls!r} and {attrs} in {self.html[:200]!r}"
        return found[0]

    def next_element(self):
        """The next sibling element, if any."""
        siblings = self.parent.children
        index = siblings.index(self)
        return siblings[index + 1] if index + 1 < len(siblings) else None


class _TreeBuilder(HTMLParser):
    def __init__(self, source):
        super().__init__(convert_charrefs=True)
        self.source = source
        self.line_starts = [0]
        for line in source.splitlines(keepends=True):
            self.line_starts.append(self.line_starts[-1] + len(line))
        self.root = Element(source, None, {}, 0)
        self.root.end = self.root.inner_end = len(source)
        self.open = [self.root]
        self.feed(source)
        self.close()

    def position_in_source(self):
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag, attrs):
        parent = self.open[-1]
        element = Element(self.source, tag, attrs, self.position_in_source(), parent)
        element.inner_start = element.inner_end = element.end = element.start + len(
            self.get_starttag_text()
        )
        parent.children.append(element)
        parent._text.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag not in [element.tag for element in self.open[1:]]:
            return  # a stray end tag closes nothing
        start = self.position_in_source()
        end = self.source.index(">", start) + 1
        while True:
            element = self.open.pop()
            element.inner_end, element.end = start, end
            if element.tag == tag:
                return

    def handle_data(self, data):
        self.open[-1]._text.append(data)


def parse(html):
    """The page (or a fragment of one) as a tree of Elements, read by Python's HTML parser."""
    return _TreeBuilder(html).root


def entry_elements(html):
    """The <li class="entry ..."> of each entry on a page, in document order."""
    return parse(html).find_all("li", cls="entry")


def entry_title(entry):
    return entry.find(cls="entry-title").text


def entries(html):
    """The case page's entries, by slug (from their permalink id), in document order:
    the markup inside each entry's <li>."""
    return {li.attrs.get("id", "").removeprefix("entry-"): li.inner for li in entry_elements(html)}


def entry_titles(html):
    """The titles of the entries on a page, in document order."""
    return [entry_title(li) for li in entry_elements(html)]


def times(fragment):
    """[(datetime attribute, text)] of each <time> in the fragment."""
    return [(time.attrs["datetime"], time.text) for time in parse(fragment).find_all("time")]


def between(html, start, end):
    """The part of the page from the first `start` to the next `end`."""
    head, found, tail = html.partition(start)
    assert found, f"{start!r} not on the page"
    return tail.split(end, 1)[0]


def section(html, heading_id):
    """A top-level section of the page, by its heading (month groups nest inside it)."""
    return parse(html).find(aria_labelledby=heading_id).inner


def fact(html, term):
    """The markup of the <dd> after the <dt> that says `term`, in a facts list."""
    for dt in parse(html).find_all("dt"):
        if dt.text == term:
            dd = dt.next_element()
            assert dd is not None and dd.tag == "dd", dt.html
            return dd.inner
    raise AssertionError(f"no <dt>{term}</dt> on the page")


def month_groups(html):
    """[(heading, [entry titles])] for the month groups on a page."""
    groups = []
    for month in parse(html).find_all("section", cls="month"):
        heading = month.children[0]
        assert heading.tag in {"h2", "h3", "h4"} and heading.attrs["id"].startswith("month-")
        groups.append((heading.text, [entry_title(li) for li in month.find_all("li", cls="entry")]))
    return groups


def alerts(html):
    """The text of each error message the page shows as an alert."""
    return [p.text for p in parse(html).find_all("p", cls="error", role="alert")]


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
    lists = parse(html).find_all("ol", cls="case-list")
    if not lists:
        return None
    (case_list,) = lists
    slugs = []
    for heading in case_list.find_all("h2"):
        href = heading.find("a").attrs["href"]
        assert href.startswith("/cases/") and href.endswith("/"), href
        slugs.append(href.removeprefix("/cases/").removesuffix("/"))
    return slugs


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
