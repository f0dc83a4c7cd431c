"""The public site in a real browser: a reader's journey, layout, accessibility, keyboard.

Runs Debian's Chromium (/usr/bin/chromium) through Playwright against pytest-django's
live server, and checks pages with axe-core from node_modules (`make install` fetches
it). Without either, these tests are skipped locally and fail under CI.
Screenshots go to artifacts/, which git ignores.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect, sync_playwright

from cases.models import Case
from filings.models import Filing, Source

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
TIMEOUT_MS = 10_000

BINANCE = "/cases/sec-v-binance/"
BINANCE_CAPTION = "SEC v. Binance Holdings et al."
SOURCE_000 = "/sources/000_26f21f1ec1e397ac.txt/"

expect.set_options(timeout=TIMEOUT_MS)


def require(path, what):
    """Skip when a browser-test prerequisite is missing; under CI, fail instead."""
    if path.exists():
        return
    reason = f"{what} not found at {path}."
    if os.environ.get("CI"):
        pytest.fail(f"{reason} CI must run the browser tests.", pytrace=False)
    print(f"Skipping the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    require(CHROMIUM, "Chromium (apt-get install chromium)")
    require(AXE, "axe-core (make install, or npm ci)")
    with pytest.MonkeyPatch.context() as mp:
        # Playwright's sync API runs an event loop in this thread, which makes Django
        # refuse database access here (the live server's own thread is unaffected).
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield browser
            browser.close()


@pytest.fixture
def seeded_live(live_server, transactional_db):
    """The live server, with the seed loaded where its thread can see it."""
    call_command("loaddata", "seed", verbosity=0)
    return live_server


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh browser contexts, closed after the test.

    Any Content Security Policy violation the browser reports fails the test:
    the pages and the admin must work with no inline script or style.
    """
    contexts, violations = [], []

    def open_page(**options):
        context = browser.new_context(**options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and violations.append(f"{page.url}: {message.text}")
            ),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not violations, "\n".join(violations)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_reader_journey(seeded_live, new_page, javascript):
    page = new_page(java_script_enabled=javascript)
    base = seeded_live.url

    # Home, then the case list through the main navigation.
    page.goto(base + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Cases").click()
    expect(page).to_have_url(base + "/cases/")

    # Filter by the SEC with the plain GET form.
    form = page.get_by_role("form", name="Filter cases")
    form.get_by_label("Agency").select_option(label="SEC")
    form.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(re.compile(r"/cases/\?(.*&)?agency=sec(&|$)"))
    expect(page.get_by_role("link", name=BINANCE_CAPTION)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^DOJ and FinCEN"))).to_have_count(0)

    # The case page.
    page.get_by_role("link", name=BINANCE_CAPTION).click()
    expect(page).to_have_url(base + BINANCE)
    expect(page.get_by_role("heading", level=1)).to_have_text(BINANCE_CAPTION)

    # An entry's permalink makes it the :target, scrolled into view.
    entry = page.locator("#entry-dismissal")
    entry.get_by_role("link", name=re.compile(r"^Permalink")).click()
    expect(page).to_have_url(base + BINANCE + "#entry-dismissal")
    expect(page.locator("#entry-dismissal:target")).to_have_count(1)
    expect(entry).to_be_in_viewport()

    # The disclosure shows each source's version of the date once opened.
    dispute = entry.locator("details.dispute")
    versions = [dispute.get_by_text("May 29, 2024"), dispute.get_by_text("May 2024", exact=True)]
    expect(dispute).not_to_have_attribute("open", "")
    for version in versions:
        expect(version).to_be_hidden()
    dispute.locator("summary").click()
    expect(dispute).to_have_attribute("open", "")
    for version in versions:
        expect(version).to_be_visible()

    # The entry's cited source, at the citation.
    cited = entry.get_by_role("list", name="Sources").get_by_role("link").first
    title = cited.inner_text()
    href = cited.get_attribute("href")
    assert href.startswith(SOURCE_000 + "#cite-"), href
    cited.click()
    expect(page).to_have_url(base + href)
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.get_by_role("heading", name="Facts that cite it")).to_be_visible()
    fragment = href.partition("#")[2]
    expect(page.locator(f"#{fragment}:target")).to_have_count(1)


@pytest.mark.parametrize("width", [1280, 375, 360])
def test_case_page_screenshot_and_no_horizontal_scroll(seeded_live, new_page, width):
    page = new_page(viewport={"width": width, "height": 900})
    page.goto(seeded_live.url + BINANCE)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"browser-case-{width}.png", full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{scroll_width}px of content in a {width}px viewport"


A11Y_PAGES = {
    "home": ("/", 200),
    "case list": ("/cases/", 200),
    "case list, invalid filter": ("/cases/?agency=no-such-agency", 400),
    "case": (BINANCE, 200),
    "timeline": ("/timeline/", 200),
    "party": ("/parties/binance-holdings/", 200),
    "agency": ("/agencies/sec/", 200),
    "source": (SOURCE_000, 200),
    "not found": ("/no-such-page/", 404),
}


@pytest.mark.parametrize("path,status", A11Y_PAGES.values(), ids=list(A11Y_PAGES))
def test_no_serious_accessibility_violations(seeded_live, new_page, path, status):
    # axe-core is injected as an inline script, which the site's policy forbids.
    page = new_page(bypass_csp=True)
    response = page.goto(seeded_live.url + path)
    assert response.status == status
    # Open every disclosure so that axe checks what is inside too.
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.add_script_tag(path=AXE)
    results = page.evaluate("async () => await axe.run()")
    found = [describe(violation) for violation in results["violations"]]
    print(f"axe on {path}:", "\n".join(found) or "no violations")
    if any(v["impact"] in {"serious", "critical"} for v in results["violations"]):
        pytest.fail(f"axe found on {path}:\n" + "\n".join(found), pytrace=False)


def describe(violation, shown=10):
    """An axe violation: rule, impact, and the first few offending nodes."""
    nodes = violation["nodes"]
    targets = "; ".join(" ".join(node["target"]) for node in nodes[:shown])
    more = f"; and {len(nodes) - shown} more" if len(nodes) > shown else ""
    return f"- {violation['id']} ({violation['impact']}, {len(nodes)} nodes): {targets}{more}"


def test_keyboard_skip_link_and_focus_outline(seeded_live, new_page):
    page = new_page()
    page.goto(seeded_live.url + BINANCE)
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_outline(skip)

    page.keyboard.press("Tab")
    site_name = page.get_by_role("link", name="Case Tracker")
    expect(site_name).to_be_focused()
    assert_focus_outline(site_name)

    # Following the skip link moves the keyboard past the header.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("#main$"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def assert_focus_outline(locator):
    style = locator.evaluate(
        "el => { const s = getComputedStyle(el);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
    )
    assert style["style"] != "none" and style["width"] > 0, style


def test_editor_journey_draft_publish_edit_and_revert(seeded_live, new_page, make_editor):
    """An editor adds a cited entry, publishes it, edits it, and reverts the edit."""
    make_editor("ed")
    base = seeded_live.url
    case = Case.objects.get(slug="sec-v-binance")
    editor, reader = new_page(), new_page()

    editor.goto(base + "/admin/login/")
    editor.get_by_label("Username").fill("ed")
    editor.get_by_label("Password").fill("x")
    editor.get_by_role("button", name="Log in").click()
    expect(editor.get_by_role("heading", name="Site administration")).to_be_visible()

    # A new entry with one citation; the case comes prefilled from the URL.
    editor.goto(f"{base}/admin/filings/filing/add/?case={case.pk}")
    editor.locator("#id_slug").fill("hearing")
    editor.locator("#id_sequence").fill("55")
    editor.locator("#id_kind").select_option(label="Order or ruling")
    editor.locator("#id_title").fill("Court sets a hearing")
    editor.locator("#id_date").fill("2025-03")
    editor.locator("#citations-group .add-row a").click()
    editor.locator("[aria-labelledby=select2-id_citations-0-source-container]").click()
    editor.locator(".select2-search__field").fill("000_")  # searches the keys
    source = Source.objects.get(key=SOURCE_000.split("/")[2])
    editor.locator(".select2-results__option", has_text=str(source)).click()
    editor.locator("#id_citations-0-locator").fill("1")
    editor.locator("#id_citations-0-key_phrase").fill("filing a joint stipulation")
    editor.locator("#id_citations-0-reported_date").fill("2025-03")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was added successfully")
    filing = Filing.objects.get(case=case, slug="hearing")
    assert not filing.is_published and filing.citations.count() == 1

    # A draft: not on the public case page.
    reader.goto(base + BINANCE)
    expect(reader.locator("#entry-hearing")).to_have_count(0)

    # Publish it from the changelist.
    editor.goto(base + "/admin/filings/filing/")
    editor.locator(f'input[name="_selected_action"][value="{filing.pk}"]').check()
    editor.locator('select[name="action"]').select_option("publish")
    editor.get_by_role("button", name="Go").click()
    expect(editor.locator(".messagelist")).to_contain_text("1 filing published.")

    # Now public, at its place in the timeline, at month precision.
    reader.goto(base + BINANCE)
    entry = reader.locator("#entry-hearing")
    expect(entry.locator("time")).to_have_attribute("datetime", "2025-03")
    expect(entry.locator("time")).to_have_text("March 2025")
    ids = reader.locator("ol.timeline > li").evaluate_all("items => items.map(i => i.id)")
    assert ids.index("entry-second-stay-request") < ids.index("entry-hearing")
    assert ids.index("entry-hearing") < ids.index("entry-dismissal")

    # Edit the title, then revert the edit from the history view.
    editor.goto(f"{base}/admin/filings/filing/{filing.pk}/change/")
    editor.locator("#id_title").fill("A title to undo")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    reader.goto(base + BINANCE)
    expect(reader.locator("#entry-hearing .entry-title")).to_have_text("A title to undo")

    editor.goto(f"{base}/admin/filings/filing/{filing.pk}/history/")
    expect(editor.locator("#change-history")).to_contain_text("A title to undo")
    published = filing.history.get(history_change_reason="Published")
    editor.locator(f'a[href$="/history/{published.history_id}/"]').click()
    editor.get_by_role("button", name="Revert").first.click()
    expect(editor.locator(".messagelist")).to_contain_text("was changed successfully")
    reader.goto(base + BINANCE)
    expect(reader.locator("#entry-hearing .entry-title")).to_have_text("Court sets a hearing")
    # Newest first: the revert, the edit, publishing, adding.
    titles = list(filing.history.values_list("title", "is_published"))
    assert titles == [
        ("Court sets a hearing", True),
        ("A title to undo", True),
        ("Court sets a hearing", True),
        ("Court sets a hearing", False),
    ]


def test_the_browsable_api_and_the_admin_keep_to_the_content_security_policy(
    seeded_live, new_page, make_editor
):
    make_editor("ed")
    page = new_page()  # the fixture fails the test on any policy violation
    response = page.goto(seeded_live.url + "/api/filings/?case=sec-v-binance")
    assert response.status == 200
    expect(page.get_by_text("sec-v-binance").first).to_be_visible()
    page.goto(seeded_live.url + "/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill("x")
    page.get_by_role("button", name="Log in").click()
    for path in ["/admin/", "/admin/cases/case/", "/admin/filings/filing/add/"]:
        page.goto(seeded_live.url + path)
        expect(page.locator("#content")).to_be_visible()
