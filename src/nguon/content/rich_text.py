"""The plain text of a rich-text field (HTML), for whatever reads items aloud or as text.

lxml parses the fragment, lxml_html_clean (Plone's own HTML cleaner, used by its
safe_html transform) drops scripts, styles and comments, and every text node is kept with a
space between blocks ("<p>a</p><p>b</p>" is "a b"); entities come out decoded.
"""

from lxml import etree
from lxml import html as lxml_html
from lxml_html_clean import Cleaner


CLEANER = Cleaner(
    scripts=True,
    javascript=True,
    style=True,
    comments=True,
    processing_instructions=True,
    page_structure=False,
)


def plain_text(raw):
    """The words of the HTML ``raw``, one space between them ("" for no HTML)."""
    if not raw or not raw.strip():
        return ""
    try:
        root = CLEANER.clean_html(
            lxml_html.fragment_fromstring(raw, create_parent="div")
        )
    except (etree.ParserError, ValueError):
        return ""
    return " ".join(" ".join(root.itertext()).split())
