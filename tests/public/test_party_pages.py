"""The party pages (/parties/ and /parties/<slug>/): cases with roles, entries, counts."""

from tests.helpers import (
    BINANCE_ORDER,
    entry_titles,
    get,
    parse,
    section,
    titles_of,
)


def test_party_page_lists_cases_with_roles_and_their_entries(client, seeded):
    html = get(client, "/parties/changpeng-zhao/")
    assert "<dt>Also known as</dt><dd>CZ</dd>" in html
    cases = section(html, "cases-heading")
    assert (
        '<a href="/cases/sec-v-binance/">SEC v. Binance Holdings et al.</a>: '
        "Defendant (CEO when sued; later former CEO)"
    ) in cases
    assert (
        '<a href="/cases/doj-binance-criminal/">DOJ and FinCEN criminal resolution with Binance</a>'
        ": Defendant (Founder of Binance)"
    ) in cases
    shown = entry_titles(section(html, "entries-heading"))
    assert set(shown) == titles_of(*BINANCE_ORDER, "plea", "zhao-sentenced", "zhao-released")
    assert "SEC drops its case against Coinbase" not in shown


def test_the_judges_page_shows_the_case_she_judged(client, seeded):
    html = get(client, "/parties/amy-berman-jackson/")
    assert '<dt>Serves at</dt><dd>Judge, <a href="/agencies/ddc/">' in html
    cases = section(html, "cases-heading")
    assert '<a href="/cases/sec-v-binance/">SEC v. Binance Holdings et al.</a>: judge' in cases
    assert cases.count("<li>") == 1
    assert set(entry_titles(html)) == titles_of(*BINANCE_ORDER)


def test_a_party_in_no_case_says_so(client, seeded):
    html = get(client, "/parties/paul-atkins/")
    assert "Not a party to any case in the record." in html
    assert '<dt>Serves at</dt><dd>Chairman, <a href="/agencies/sec/">' in html
    assert "<p>No entries.</p>" in html


def test_party_list_counts_the_cases_each_party_is_in_or_judges(client, seeded):
    html = get(client, "/parties/")
    items = {}
    for small in parse(html).find_all("small"):
        siblings = small.parent.children
        link = siblings[siblings.index(small) - 1]
        assert link.tag == "a" and link.attrs["href"].startswith("/parties/"), link.html
        items[link.attrs["href"].removeprefix("/parties/").removesuffix("/")] = small.text
    assert items
    assert items["changpeng-zhao"] == "Person, 2 cases"
    assert items["binance-holdings"] == "Organization, 2 cases"
    assert items["coinbase"] == "Organization, 1 case"
    # Her own page lists the case she judges; the list must not say she has none.
    assert items["amy-berman-jackson"] == "Person, 1 case"
    assert items["paul-atkins"] == "Person, 0 cases"
