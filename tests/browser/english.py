"""Finding English in a Vietnamese page's UI: what the English-string crawl
(tests/browser/test_english_crawl.py) reads from a page, and how it decides a string is English.

A page's UI strings are its text nodes and the attributes people read (title, aria-label,
placeholder, alt, the value of buttons), without what the people of the site wrote: scripts and
styles, text areas, the fields of an item shown on its page (``#parent-fieldname-*``, the
description), and any string that is the title or description of an item, the name of a user
or a unit (the crawl passes those as ``content``).

A string is English when
- it contains a word of ``ENGLISH_WORDS`` (common words of a web UI; none of them is a
  Vietnamese syllable written without its marks, so "Add Tin, thông báo" is caught and
  "Bản tin" is not), or
- it has no Vietnamese letter and at least two words of Latin letters that are not proper names
  (``ALLOWED``): a Vietnamese phrase is almost never written without a mark.
Addresses, e-mail addresses and MIME types are not words. ``ALLOWED`` lists the proper names and technical terms that stay as they are in Vietnamese.
"""

from lxml import html

import re


ENGLISH_WORDS = frozenset(
    """
    about above account action actions activate active add added advanced after all already
    and any apply approve are ascending author available back before below body browse
    button by calendar cancel categorization category change changed changes check choose
    clear click close collapse collection comment comments confirm contact content contents
    contributors copy create created creator creators current cut date dates default
    delete descending description details disable disabled display document done download
    draft drop edit edited effective empty enable enabled enter error event events
    everything exclude expand expiration expired expires file files filter find first folder
    folders for forgot form from full general group groups have help here hidden hide history
    home image images information insert into item items keywords language last lead less
    link links list listing listings loading locked log login logout manage member members
    message modified month more move my name navigation new news next none not note
    nothing now of off only open options or order other owner ownership page pages password
    paste personal please portal portlet portlets powered preferences preview previous
    private profile properties publish published publishing read recent redirect register
    related remove rename reply required reset restrict results retract review revision
    rights save saved search searching select selected send sent settings share sharing
    show shown sign site sitemap size skip sort source start state status submit submitted
    success summary tags text that the this time title today toggle tools type undo unknown
    update updated upload used user username users using version versions view viewing
    welcome what when which with workflow year yes you your
    """.split()
)

ALLOWED = frozenset(
    """
    plone zope solr python rss atom json xml html css javascript api rest url uri http https
    www email e-mail id uid ical ics pdf docx odt png jpeg jpg svg mp3 ogg gnu gpl gpl-2.0
    open source cms wcm foundation tinymce utc gmt ok nguồn nguon icecast liquidsoap
    """.split()
)

SKIPPED_ELEMENTS = (
    "script",
    "style",
    "noscript",
    "template",
    "textarea",
    "svg",
    "code",
    "pre",
)
SKIPPED = (
    "[id^='parent-fieldname-']",
    ".documentDescription",
    "#content-core .description",
    # Names that are not translated: each language by its own name, time zones, MIME types.
    "select[name*='language'] option",
    "select[name*='timezone'] option",
    "select[name$='mimeType'] option",
)
# A page title is "<what the page shows> — <site title>"; each part is read on its own.
SEPARATOR = re.compile(r"\s*—\s*")
# Addresses, e-mail addresses, MIME types and paths are no words.
NOT_WORDS = re.compile(r"\w+:/+\S*|\S+@\S+|\S*\w/\S*")
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
BUTTON_TYPES = ("submit", "button", "reset")

VIETNAMESE = re.compile(
    "[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")


def ui_strings(page, content=frozenset()):
    """The UI strings of an HTML page (bytes or text), in document order, without duplicates."""
    tree = html.fromstring(page)
    skipped = set()
    for selector in SKIPPED:
        for element in tree.cssselect(selector):
            skipped.update(element.iter())
    for tag in SKIPPED_ELEMENTS:
        for element in tree.iter(tag):
            skipped.update(element.iter())
    found = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element in skipped:
            continue
        texts = [element.text]
        for attribute in READ_ATTRIBUTES:
            texts.append(element.get(attribute))
        if element.tag == "input" and element.get("type") in BUTTON_TYPES:
            texts.append(element.get("value"))
        for text in texts:
            found.append(text)
        parent = element.getparent()
        if parent is None or parent not in skipped:
            found.append(element.tail)
    strings = []
    for text in found:
        for part in SEPARATOR.split(" ".join((text or "").split())):
            part = part.strip()
            if part and part not in content and part not in strings:
                strings.append(part)
    return strings


def is_english(text):
    text = NOT_WORDS.sub(" ", text)
    words = [word.lower().strip("'-") for word in WORD.findall(text)]
    if any(word in ENGLISH_WORDS for word in words):
        return True
    if VIETNAMESE.search(text):
        return False
    latin = [word for word in words if len(word) > 1 and word not in ALLOWED]
    return len(latin) >= 2


def english_strings(page, content=frozenset()):
    return [text for text in ui_strings(page, content) if is_english(text)]
