"""Site search across cases, entries (filings) and parties: one query per group.

On PostgreSQL it is full-text search with the "english" configuration, so
words are stemmed ("dismiss" finds "dismissed"), stop words are ignored, and
the box takes web-search syntax (``"with prejudice"``, ``or``, ``-kraken``).
Each group is filtered on the search vector of its GIN index (declared in the
model's Meta), ranked with ts_rank (a match in a title or caption weighs more
than one in a summary), and shown with ts_headline snippets. A word that
matches more than 1,000 rows of a group shows the best of the first 1,000
found, and "more than 1,000" (core/pagination.py).

On SQLite it is a plainly simpler fallback: each of the first ten words of the
query must appear, as a substring and ignoring case (ASCII letters only, as
SQLite's LIKE does), in one of the same fields. Results are ordered by how many
words appear, a word in the title counting double. The snippet is cut around
the first match. There is no stemming, no phrase or operator syntax, and no
index.

Readers find only published cases and entries; all parties are public.
"""

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection, models
from django.db.models.functions import Concat
from django.shortcuts import render
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from cases.models import Case, Party
from core.pagination import COUNT_LIMIT, BoundedCount
from filings.models import Filing

MAX_QUERY_LENGTH = 200  # as the header's search box allows
RESULTS_PER_SECTION = 20
SEARCH_CONFIG = "english"  # the config of the GIN indexes: queries must use the same

# ts_headline's snippets: up to two passages around matches, of 15 to 30 words.
SNIPPET_OPTIONS = {
    "max_words": 30,
    "min_words": 15,
    "max_fragments": 2,
    "fragment_delimiter": " … ",
}
# ts_headline wraps matches in these. They are private-use characters, which no
# text should contain, so after escaping they are the only thing made into <mark>.
START_MARK, STOP_MARK = "\ue000", "\ue001"

SQLITE_MAX_WORDS = 10
SNIPPET_CHARS = 200  # SQLite: the length of a snippet
CONTEXT_CHARS = 60  # SQLite: how much of the text before the first match a snippet shows


@dataclass(frozen=True)
class Section:
    """One group of results: where to look and what to show."""

    key: str
    heading: str
    singular: str
    index: str  # the name of the model's GIN index, whose expression is searched
    title_field: str
    text_fields: tuple[str, ...]
    queryset: Callable[[], models.QuerySet]


SECTIONS = (
    Section(
        "cases",
        "Cases",
        "case",
        "case_search",
        "caption",
        ("summary", "outcome"),
        lambda: Case.objects.published(),
    ),
    Section(
        "entries",
        "Entries",
        "entry",
        "filing_search",
        "title",
        ("summary",),
        lambda: Filing.objects.published().select_related("case"),
    ),
    Section(
        "parties",
        "Parties",
        "party",
        "party_search",
        "name",
        ("description",),
        lambda: Party.objects.all(),
    ),
)


@dataclass(frozen=True)
class Hit:
    object: models.Model
    title: str  # HTML: escaped, with matches in <mark>
    snippet: str  # HTML: escaped, with matches in <mark>


@dataclass(frozen=True)
class Results:
    section: Section
    hits: list[Hit]
    total: BoundedCount

    @property
    def label(self):
        one = self.total == BoundedCount(1)
        noun = self.section.singular if one else self.section.heading.lower()
        return f"{self.total} {noun}"


def search(request):
    query, shortened = clean_query(request.GET.get("q", ""))
    find = find_postgresql if connection.vendor == "postgresql" else find_sqlite
    sections = [find(section, query) for section in SECTIONS] if query else []
    context = {
        "search_query": query,
        "shortened": shortened,
        "max_query_length": MAX_QUERY_LENGTH,
        "sections": sections,
        "found": sum(results.total.value for results in sections),
    }
    return render(request, "search.html", context)


def clean_query(raw):
    """The query to run, and whether it had to be shortened.

    NUL bytes go: PostgreSQL refuses them in a string. Runs of whitespace
    become one space, and a long query is cut rather than refused.
    """
    query = " ".join(raw.replace("\x00", "").split())
    return query[:MAX_QUERY_LENGTH].strip(), len(query) > MAX_QUERY_LENGTH


def limited(hits_queryset, matches):
    """The best hits, and how many match in all (counted only when there may be more,
    and only so far: see core/pagination.py)."""
    hits = list(hits_queryset[:RESULTS_PER_SECTION])
    if len(hits) < RESULTS_PER_SECTION:
        return hits, BoundedCount(len(hits))
    return hits, BoundedCount.of(matches)


# PostgreSQL: full-text search


def find_postgresql(section, text):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    # An alias, not an annotation: filtered on, but not computed for the SELECT.
    matches = section.queryset().alias(search=index_expression(section)).filter(search=query)
    # Ranking computes each match's search vector again: only the first
    # COUNT_LIMIT matches are ranked (a common word can match a million entries).
    ranked = section.queryset().filter(pk__in=matches.order_by().values("pk")[:COUNT_LIMIT])
    best = (
        ranked.alias(search=index_expression(section))
        .annotate(
            rank=SearchRank(models.F("search"), query),
            title_headline=headline(section.title_field, query, highlight_all=True),
            snippet_headline=headline(joined(section.text_fields), query, **SNIPPET_OPTIONS),
        )
        .order_by("-rank", "pk")
    )
    hits, total = limited(best, matches)
    return Results(
        section,
        [Hit(hit, marked(hit.title_headline), marked(hit.snippet_headline)) for hit in hits],
        total,
    )


def index_expression(section):
    """The search vector of the section's GIN index, exactly as the model declares it.

    PostgreSQL uses an expression index only for the same expression, so the
    query takes it from the index rather than repeating it.
    """
    indexes = section.queryset().model._meta.indexes
    return next(index.expressions[0] for index in indexes if index.name == section.index)


def joined(fields):
    """The fields as one text, for a snippet that may come from any of them."""
    if len(fields) == 1:
        return models.F(fields[0])
    parts = [models.F(fields[0])]
    for field in fields[1:]:
        parts += [models.Value(" "), models.F(field)]
    return Concat(*parts, output_field=models.TextField())


def headline(expression, query, **options):
    return SearchHeadline(
        expression,
        query,
        config=SEARCH_CONFIG,
        start_sel=START_MARK,
        stop_sel=STOP_MARK,
        **options,
    )


def marked(headline_text):
    """ts_headline's output made safe: the text escaped, then its marks made into <mark>."""
    html = escape(headline_text).replace(START_MARK, "<mark>").replace(STOP_MARK, "</mark>")
    return mark_safe(html)  # everything from the database is escaped above


# SQLite: the simpler fallback


def find_sqlite(section, text):
    words = text.split()[:SQLITE_MAX_WORDS]
    fields = (section.title_field, *section.text_fields)

    def contains(word, field):
        return models.Q(**{f"{field}__icontains": word})

    def weight(field):
        return 2 if field == section.title_field else 1

    every_word = reduce(
        operator.and_,
        (reduce(operator.or_, (contains(word, field) for field in fields)) for word in words),
    )
    score = reduce(
        operator.add,
        (
            models.Case(models.When(contains(word, field), then=weight(field)), default=0)
            for word in words
            for field in fields
        ),
    )
    matches = section.queryset().filter(every_word)
    hits, total = limited(matches.annotate(score=score).order_by("-score", "pk"), matches)
    # Longest first, so that a word inside a longer one doesn't cut the longer one's mark short.
    alternatives = "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))
    pattern = re.compile(f"({alternatives})", re.IGNORECASE)
    return Results(
        section,
        [
            Hit(
                hit,
                highlight(getattr(hit, section.title_field), pattern),
                excerpt(" ".join(getattr(hit, field) for field in section.text_fields), pattern),
            )
            for hit in hits
        ],
        total,
    )


def highlight(text, pattern):
    """The text escaped, with every match of the pattern in <mark>."""
    # The pattern is one capturing group, so split() alternates text and matches.
    html = "".join(
        f"<mark>{escape(part)}</mark>" if i % 2 else escape(part)
        for i, part in enumerate(pattern.split(text))
    )
    return mark_safe(html)  # every part of the text is escaped above


def excerpt(text, pattern):
    """About SNIPPET_CHARS of the text from a little before the first match, highlighted."""
    text = text.strip()
    match = pattern.search(text)
    start = max(match.start() - CONTEXT_CHARS, 0) if match else 0
    end = start + SNIPPET_CHARS
    # Cut between words, so that no word is shown in part.
    start = text.rfind(" ", 0, start) + 1 if start else 0
    space = text.find(" ", end)
    end = len(text) if space == -1 else space
    before = "… " if start else ""
    after = " …" if end < len(text) else ""
    return format_html("{}{}{}", before, highlight(text[start:end], pattern), after)
