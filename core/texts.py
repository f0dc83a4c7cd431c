"""A source's text as paragraphs, numbered the way citations count them.

A citation's ``locator`` is the *n*th non-blank line of the text, counted from
1: ``paragraphs(text)[locator - 1]``. This module is the one place that says so.
An HTML file becomes such plain text first: one line per block element.
"""

from html.parser import HTMLParser

# Elements whose content stands on lines of its own.
BLOCK_TAGS = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
    "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
}  # fmt: skip
# Elements whose content is not text a reader sees.
HIDDEN_TAGS = {"head", "noscript", "script", "style", "template", "title"}


def paragraphs(text):
    """The text's paragraphs: its non-blank lines, as written."""
    return [line for line in text.splitlines() if line.strip()]


class _PlainText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines = [[]]
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_TAGS:
            self.hidden += 1
        elif tag in BLOCK_TAGS:
            self.lines.append([])

    def handle_endtag(self, tag):
        if tag in HIDDEN_TAGS:
            self.hidden = max(self.hidden - 1, 0)
        elif tag in BLOCK_TAGS:
            self.lines.append([])

    def handle_data(self, data):
        if not self.hidden:
            self.lines[-1].append(data)


def html_to_text(html):
    """Plain text from HTML: a line per block element, white space within it folded."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    lines = (" ".join("".join(parts).split()) for parts in parser.lines)
    return "\n".join(line for line in lines if line)
