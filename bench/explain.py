"""EXPLAIN ANALYZE of each public page's main query, as markdown for docs/benchmarks.md.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/casetracker_big \
        DJANGO_DEBUG=true .venv/bin/python bench/explain.py

Each page is requested once through Django's test client, uncached. Its main
query is the first that reads the page's subject (cases or entries), counts
aside; the report shows its plan, run again with EXPLAIN ANALYZE, and how many
queries the page ran in how long.
"""

import html
import os
import re
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casetracker.settings")
os.environ["DJANGO_ALLOWED_HOSTS"] = "testserver"
django.setup()

from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

CASES, FILINGS, PARTIES = '"cases_case"', '"filings_filing"', '"cases_party"'
# (page, URL, the table its main query reads: the first query from it, counts aside)
PAGES = [
    ("home", "/", FILINGS),
    ("case list", "/cases/", CASES),
    ("case list, page 50", "/cases/?page=50", CASES),
    ("case page", "/cases/sec-v-binance/", FILINGS),
    ("timeline", "/timeline/", FILINGS),
    ("timeline, a later page", None, FILINGS),  # the first page's next link
    ("party (in 2 cases)", "/parties/changpeng-zhao/", FILINGS),
    ("party (in 10,000 cases)", "/parties/demo-exchange/", FILINGS),
    ("agency", "/agencies/sec/", FILINGS),
    ("search", "/search/?q=demo", FILINGS),
    ("feed", "/feed/", FILINGS),
    ("API cases", "/api/cases/", CASES),
    ("API entries of a case", "/api/filings/?case=sec-v-binance", FILINGS),
]
NO_CACHE = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}


@override_settings(CACHES=NO_CACHE)
def main():
    if connection.vendor != "postgresql":
        sys.exit("Point DATABASE_URL at the PostgreSQL database to explain.")
    client = Client()
    next_timeline_page = None
    for name, url, table in PAGES:
        url = url or next_timeline_page
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, HTTP_ACCEPT="application/json, text/html")
        if url == "/timeline/":
            link = re.search(r'href="(\?cursor=[^"]+)" rel="next"', response.content.decode())
            next_timeline_page = "/timeline/" + html.unescape(link[1])
        main_query = next(
            query
            for query in queries.captured_queries
            if f"FROM {table}" in query["sql"] and "COUNT(" not in query["sql"]
        )
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN ANALYZE " + main_query["sql"])
            plan = "\n".join(row[0] for row in cursor.fetchall())
        total = sum(float(query["time"]) for query in queries.captured_queries) * 1000
        print(f"### {name}: `{url}`\n")
        print(
            f"{response.status_code}; {len(queries)} queries, {total:.1f} ms in all; "
            f"the main one took {float(main_query['time']) * 1000:.1f} ms:\n"
        )
        print(f"```\n{plan}\n```\n")


main()
