"""An editor records a new article in the source workbench, in a real browser.

As an editor of the Editors group (not a superuser), the test pastes a short
article written for it, creates a case and three entries by selecting words in
the text (with the mouse, and with the keyboard in a paragraph's "Cite" form),
cites a second article that gives another month for one entry, publishes, and
reads the public case page. It measures the editor's journey: page loads,
fields filled and trips out of the app. SAVE_SCREENSHOTS=1 writes the two
screenshots into docs/images/ (else artifacts/).
"""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from playwright.sync_api import expect

from cases.models import Case
from filings.models import Citation, Filing
from tests.test_browser import ARTIFACTS, AXE, browser, describe, new_page  # noqa: F401 (fixtures)

# Written for this test, in our own words: three dated statements, one without a year.
ARTICLE = """A watchdog takes a token lender to court
The Digital Markets Office sued Lendwell Finance in June 2023, calling its yield accounts unregistered securities.
A federal judge refused the lender's request to throw out the suit on March 14, 2024.
The two sides told the court on May 29 that they had agreed to settle.
"""  # noqa: E501
SECOND = """Lendwell's lawsuit, looked back on
Lendwell's yield accounts drew a lawsuit from the Digital Markets Office in July 2023.
"""
CAPTION = "Digital Markets Office v. Lendwell Finance"
BUDGET = {"loads": 10, "fields": 25, "trips": 0}


class Journey:
    """Counts what the editor does: page loads, fields filled, trips to other hosts."""

    def __init__(self, page, base):
        self.page, self.host = page, urlsplit(base).netloc
        self.loads = self.fields = 0
        self.trips, self.elsewhere = [], []
        page.on("load", lambda _: self.count_load())
        page.on("framenavigated", self.navigated)
        page.on("request", self.requested)

    def count_load(self):
        self.loads += 1

    def navigated(self, frame):
        if frame == self.page.main_frame and urlsplit(frame.url).netloc != self.host:
            self.trips.append(frame.url)

    def requested(self, request):
        if urlsplit(request.url).netloc not in {self.host, ""}:
            self.elsewhere.append(request.url)

    def fill(self, locator, value):
        self.fields += 1
        locator.fill(value)

    def select(self, locator, label):
        self.fields += 1
        locator.select_option(label=label)

    def check(self, locator):
        self.fields += 1
        locator.check()


def select_with_mouse(page, number, words):
    """Drags the mouse across ``words`` in paragraph ``number`` of the reading view."""
    text = page.locator(f"#p-{number} .wb-text")
    text.scroll_into_view_if_needed()
    ends = text.evaluate(
        """(element, words) => {
            const start = element.textContent.indexOf(words);
            const rect = (offset) => {
                const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    if (offset < node.data.length) {
                        const range = document.createRange();
                        range.setStart(node, offset);
                        range.setEnd(node, offset + 1);
                        return range.getBoundingClientRect();
                    }
                    offset -= node.data.length;
                }
            };
            const first = rect(start), last = rect(start + words.length - 1);
            return [first.left + 1, first.top + first.height / 2,
                    last.right - 1, last.top + last.height / 2];
        }""",
        words,
    )
    page.mouse.move(ends[0], ends[1])
    page.mouse.down()
    page.mouse.move(ends[2], ends[3], steps=8)
    page.mouse.up()


def select_with_keyboard(page, paragraph, words):
    """Opens paragraph ``number``'s "Cite" form from the keyboard and selects
    ``words`` in its copy of the paragraph with the arrow keys."""
    number, text = paragraph
    page.locator(f'.wb-cite-link[data-paragraph="{number}"]').focus()
    page.keyboard.press("Enter")
    copy = page.locator("#cite_text")
    expect(copy).to_be_focused()
    for _ in range(text.index(words)):
        page.keyboard.press("ArrowRight")
    for _ in range(len(words)):
        page.keyboard.press("Shift+ArrowRight")


def screenshot(page, name, hide=None):
    """Save a picture of the page's viewport; ``hide`` names an element left out of it."""
    folder = Path(settings.BASE_DIR) / "docs" / "images"
    if not os.environ.get("SAVE_SCREENSHOTS"):
        folder = ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)
    if hide:
        page.locator(hide).evaluate("element => { element.hidden = true; }")
        page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(folder / name))
    if hide:
        page.locator(hide).evaluate("element => { element.hidden = false; }")


def check_accessibility(browser, editor, url):  # noqa: F811
    """axe on a workbench page, in a second window of the editor's session (axe is
    injected as an inline script, which the site's policy forbids)."""
    context = browser.new_context(storage_state=editor.context.storage_state(), bypass_csp=True)
    try:
        page = context.new_page()
        page.goto(url)
        page.add_script_tag(path=AXE)
        results = page.evaluate("async () => await axe.run()")
        found = [describe(violation) for violation in results["violations"]]
        print(f"axe on {url}:", "\n".join(found) or "no violations")
        serious = [v for v in results["violations"] if v["impact"] in {"serious", "critical"}]
        assert not serious, "\n".join(found)
    finally:
        context.close()


def test_an_editor_records_an_article_with_three_cited_entries_one_disputed(
    live_server,
    transactional_db,
    browser,  # noqa: F811
    new_page,  # noqa: F811
    make_editor,
):
    make_editor("ed")
    base = live_server.url
    editor = new_page(viewport={"width": 1280, "height": 900})
    journey = Journey(editor, base)

    # Log in, straight to a new source.
    editor.goto(f"{base}/admin/login/?next=/admin/filings/source/add/")
    journey.fill(editor.get_by_label("Username"), "ed")
    journey.fill(editor.get_by_label("Password"), "x")
    editor.get_by_role("button", name="Log in").click()
    expect(editor.get_by_role("heading", name="Add source")).to_be_visible()

    # The article, pasted; saved, its page shows it as numbered paragraphs.
    journey.fill(editor.locator("#id_key"), "lendwell-watchdog")
    journey.fill(editor.locator("#id_title"), "A watchdog sues a token lender")
    journey.fill(editor.locator('textarea[name="private_text-0-text"]'), ARTICLE)
    editor.get_by_role("button", name="Save and continue editing").click()
    reading = editor.locator("#reading")
    expect(reading.locator("ol.wb-paragraphs > li")).to_have_count(4)
    source_url = editor.url.split("#")[0]
    check_accessibility(browser, editor, source_url)
    check_accessibility(browser, editor, source_url.replace("/change/", "/cite/?paragraph=2"))

    # 1. Words selected with the mouse: a new case and its first entry, dated as written.
    select_with_mouse(editor, 2, "sued Lendwell Finance in June 2023")
    form = editor.locator("#cite-panel")
    expect(form).to_be_visible()
    expect(form.locator("#cite_key_phrase")).to_have_value("sued Lendwell Finance in June 2023")
    expect(form.locator("#cite_reported_date")).to_have_value("2023-06")
    expect(form.locator("#cite_date")).to_have_value("2023-06")
    journey.fill(form.locator("#cite_new_case_caption"), CAPTION)
    journey.select(form.locator("#cite_kind"), "Complaint")
    journey.fill(form.locator("#cite_title"), "The office files its complaint")
    editor.locator("#p-2").evaluate("element => element.scrollIntoView()")
    screenshot(editor, "workbench-cite.png")
    form.get_by_role("button", name="Save the citation").click()
    expect(editor.locator(".messagelist")).to_contain_text("now cites")
    expect(editor.locator("#p-2 mark")).to_have_text("sued Lendwell Finance in June 2023")

    # 2. The next entry goes to the same case, which the form now offers first.
    select_with_mouse(editor, 3, "request to throw out the suit on March 14, 2024")
    expect(form.locator("#cite_reported_date")).to_have_value("2024-03-14")
    expect(form.locator("#cite_case")).to_have_value(str(Case.objects.get(caption=CAPTION).pk))
    journey.select(form.locator("#cite_kind"), "Order or ruling")
    journey.fill(form.locator("#cite_title"), "Judge keeps the suit going")
    form.get_by_role("button", name="Save the citation").click()
    expect(editor.locator("#p-3 mark")).to_have_count(1)

    # 3. With the keyboard: a date with no year, which the editor completes.
    select_with_keyboard(editor, (4, ARTICLE.splitlines()[3]), "told the court on May 29")
    expect(form.locator("#cite_key_phrase")).to_have_value("told the court on May 29")
    expect(form.locator("#cite_reported_date")).to_have_value("")
    expect(form.locator("#cite_note")).to_have_value("Year not stated; the text gives “May 29”.")
    journey.fill(form.locator("#cite_reported_date"), "May 29, 2024")
    journey.fill(form.locator("#cite_note"), "Year not stated; it follows the March 2024 ruling.")
    journey.select(form.locator("#cite_kind"), "Settlement")
    journey.fill(form.locator("#cite_title"), "Both sides agree to settle")
    form.get_by_role("button", name="Save the citation").click()
    expect(editor.locator("#p-4 mark")).to_have_text("told the court on May 29")

    # A second article gives another month for the complaint.
    editor.goto(f"{base}/admin/filings/source/add/")
    journey.fill(editor.locator("#id_key"), "lendwell-look-back")
    journey.fill(editor.locator("#id_title"), "A look back at the Lendwell suit")
    journey.fill(editor.locator('textarea[name="private_text-0-text"]'), SECOND)
    editor.get_by_role("button", name="Save and continue editing").click()
    select_with_mouse(editor, 2, "drew a lawsuit from the Digital Markets Office in July 2023")
    expect(form.locator("#cite_reported_date")).to_have_value("2023-07")
    journey.check(form.get_by_label("An existing entry"))
    form.locator("#cite_entry + .select2").click()
    journey.fill(editor.locator(".select2-search__field"), "complaint")
    editor.locator(".select2-results__option", has_text="files its complaint").click()
    form.get_by_role("button", name="Save the citation").click()
    expect(editor.locator(".messagelist")).to_contain_text("Sources now disagree")
    expect(editor.locator("#p-2 .wb-disputed")).to_have_text("Sources disagree:")
    # The source's form stays above the reading view; the picture leaves it out.
    screenshot(editor, "workbench-reading.png", hide="#source_form")
    check_accessibility(browser, editor, editor.url.split("#")[0])

    # Publish the case with its three draft entries.
    editor.get_by_role("button", name=f"Publish “{CAPTION}” and its 3 draft entries").click()
    expect(editor.locator(".messagelist")).to_contain_text("and 3 draft entries")

    print(
        f"Workbench journey: {journey.loads} page loads, {journey.fields} fields, "
        f"{len(journey.trips)} trips out of the app"
    )
    assert journey.loads <= BUDGET["loads"]
    assert journey.fields <= BUDGET["fields"]
    assert len(journey.trips) == BUDGET["trips"], journey.trips
    assert not journey.elsewhere, journey.elsewhere

    # What readers see: each entry at its precision, with its citations.
    case = Case.objects.get(caption=CAPTION)
    assert case.is_published and not case.filings.filter(is_published=False).exists()
    assert Citation.objects.filter(filing__case=case).count() == 4
    assert case.history.first().history_user.username == "ed"
    reader = new_page()
    reader.goto(base + case.get_absolute_url())
    entries = {
        "the-office-files-its-complaint": "June 2023",
        "judge-keeps-the-suit-going": "March 14, 2024",
        "both-sides-agree-to-settle": "May 29, 2024",
    }
    for slug, date in entries.items():
        entry = reader.locator(f"#entry-{slug}")
        expect(entry.locator(".entry-date time")).to_have_text(date)
        expect(entry.get_by_role("list", name="Sources")).to_contain_text("A watchdog sues")
    complaint = reader.locator("#entry-the-office-files-its-complaint")
    expect(complaint.locator(".entry-date")).to_contain_text("Sources disagree")
    expect(complaint.get_by_role("list", name="Sources")).to_contain_text("A look back")
    assert Filing.objects.get(case=case, slug="the-office-files-its-complaint").is_disputed
    assert re.search(r"June 2023", complaint.inner_text())
