"""The agency pages (/agencies/ and /agencies/<slug>/): cases brought and heard, units, people."""

from tests.helpers import (
    BINANCE_ORDER,
    Links,
    between,
    entry_titles,
    fact,
    get,
    section,
    titles_of,
)


def test_agency_page_lists_the_cases_it_brought_and_their_entries(client, seeded):
    html = get(client, "/agencies/sec/")
    assert "<h1>U.S. Securities and Exchange Commission (SEC)</h1>" in html
    cases = section(html, "cases-heading")
    brought = between(cases, "<h3>Brought</h3>", "</ul>")
    assert {link["href"] for link in Links(brought).links} == {
        "/cases/sec-v-binance/",
        "/cases/sec-v-coinbase/",
        "/cases/sec-v-kraken/",
        "/cases/sec-v-consensys/",
    }
    assert "<h3>Heard</h3>" not in cases
    assert '<a href="/agencies/sec-crypto-task-force/">Crypto Task Force</a>' in fact(html, "Units")
    assert "Paul Atkins</a> (Chairman)" in fact(html, "People")
    assert "SEC drops its case against Coinbase" in entry_titles(html)


def test_the_courts_page_shows_the_case_it_heard(client, seeded):
    html = get(client, "/agencies/ddc/")
    cases = section(html, "cases-heading")
    heard = between(cases, "<h3>Heard</h3>", "</ul>")
    assert [link["href"] for link in Links(heard).links] == ["/cases/sec-v-binance/"]
    assert "<h3>Brought</h3>" not in cases
    assert "Amy Berman Jackson</a> (Judge)" in fact(html, "People")
    assert set(entry_titles(html)) == titles_of(*BINANCE_ORDER)


def test_a_unit_shows_the_agency_it_is_part_of(client, seeded):
    html = get(client, "/agencies/sec-crypto-task-force/")
    assert fact(html, "Part of") == (
        '<a href="/agencies/sec/">U.S. Securities and Exchange Commission</a>'
    )
    assert fact(html, "Kind") == "Unit within an agency"
    assert "No cases in the record." in html
    agencies = get(client, "/agencies/")
    assert "Unit within an agency, part of SEC</small>" in agencies
    assert "Regulator, brought 4 cases</small>" in agencies
