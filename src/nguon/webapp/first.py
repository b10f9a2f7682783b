"""The commune's own address of the app, ``<site>/ung-dung/?xa=<unit code>``: the page that
arrives with the commune's items already in it (one round trip on a weak network instead of
three: the page, then the script and the feed, then drawing).

This module holds the pure parts, with no Plone in them: the unit's code as it may be asked,
the JSON put into the page (escaped so that no text of an item can close the ``<script>``
it sits in), the items drawn as the app draws them (the warnings in force first, in the
severity bands, then the newest items; every text escaped), and the page put together from
the built ``index.html`` and its two markers. ``nguon.webapp.views`` finds the unit and reads
its feed (``nguon.webapp.feed``)."""

from datetime import datetime
from html import escape
from nguon.content.timezone import LOCAL_ZONE
from urllib.parse import quote

import json
import re


# Official unit codes are digits ("19786", "46"); other sites' codes are short words.
CODE = re.compile(r"[0-9A-Za-z_-]{1,20}")
DATA_MARK = "<!--nguon-first-data-->"  # at the end of <body>, before its inline script
ITEMS_MARK = "<!--nguon-first-items-->"  # at the start of <main>
BANDS = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")  # as the app's main.js
MARK = "<script>performance.mark('nguon-first-items')</script>"
# Each item tells when its text was painted (Element Timing, which counts block elements'
# text): read by tests/bench/bench_app.py.
TIMING = 'elementtiming="nguon-item"'


def valid_code(value):
    """``value`` if it can be a unit's code, else None (nothing else is ever looked up, and
    nothing of the query is written into the page)."""
    if isinstance(value, str) and CODE.fullmatch(value):
        return value
    return None


def script_json(data):
    """``data`` as JSON that is safe inside ``<script type="application/json">``: ``<``,
    ``>`` and ``&`` written as ``\\u003c``… (so neither ``</script>`` nor ``<!--`` can
    appear), and the two line separators JavaScript once disallowed in strings."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, code in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, code)
    return text


def parse_time(value):
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def local(value):
    """An ISO time as the commune reads it: ``07:30 01/12/2026`` (Asia/Ho_Chi_Minh)."""
    when = parse_time(value)
    if when is None:
        return ""
    if when.tzinfo is None:
        return when.strftime("%H:%M %d/%m/%Y")
    return when.astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m/%Y")


def in_force(item, now):
    """A warning in force, as the app decides (main.js ``inForce``)."""
    facts = item.get("_nguon") or {}
    expires = parse_time(facts.get("expires"))
    if expires is not None and expires.tzinfo is not None and expires <= now:
        return False
    if facts.get("type") == "Alert":
        return ((facts.get("cap") or {}).get("msg_type") or "Alert") != "Cancel"
    return facts.get("priority") == "emergency"


def severity_of(item):
    severity = ((item.get("_nguon") or {}).get("cap") or {}).get("severity")
    return severity if severity in BANDS else "Extreme"  # an emergency item without CAP


def arrange(items, now):
    """``(warnings, rest)``: the warnings in force by band, then the others; newest first."""
    items = sorted(items, key=lambda i: i.get("date_published") or "", reverse=True)
    warnings = [item for item in items if in_force(item, now)]
    warnings.sort(
        key=lambda item: BANDS.index(severity_of(item))
    )  # stable: newest first
    rest = [item for item in items if not any(item is w for w in warnings)]
    return warnings, rest


def e(value):
    return escape(str(value or ""), quote=True)


def link(item):
    facts = item.get("_nguon") or {}
    return "#/tin/" + quote(str(facts.get("uid") or item.get("id") or ""), safe="")


def site_link(item, words):
    """The item's page on the site, for a phone without JavaScript (``#/tin/`` needs it)."""
    url = str(item.get("url") or "")
    if not url.startswith(("https://", "http://")):
        return ""
    return f'<noscript> <a href="{e(url)}">{e(words["read_on_site"])}</a></noscript>'


def marks(item, words):
    facts = item.get("_nguon") or {}
    found = []
    if facts.get("priority") == "emergency":
        found.append(f'<span class="mark emergency">{e(words["emergency"])}</span>')
    elif facts.get("priority") == "priority":
        found.append(f'<span class="mark priority">{e(words["priority"])}</span>')
    if facts.get("essential") and facts.get("priority") != "emergency":
        found.append(f'<span class="mark essential">{e(words["essential"])}</span>')
    if any(
        str(a.get("mime_type") or "").startswith("audio/")
        for a in item.get("attachments") or []
    ):
        found.append(f'<span class="mark radio">{e(words["radio"])}</span>')
    return " ".join(found)


def warning_card(item, words):
    facts = item.get("_nguon") or {}
    severity = severity_of(item)
    cap = facts.get("cap") or {}
    text = cap.get("instruction") or item.get("summary")
    meta = e((facts.get("unit") or {}).get("title"))
    if facts.get("expires"):
        meta += f" · {e(words['expires'])} {e(local(facts['expires']))}"
    return (
        f'<li class="warning band-{severity}" {TIMING}><a href="{e(link(item))}">'
        f'<span class="severity">{e(words["severity"][severity])}</span> '
        f'<span class="title">{e(item.get("title"))}</span></a>'
        + (f"<p>{e(text)}</p>" if text else "")
        + f'<p class="meta">{meta}</p>{site_link(item, words)}</li>'
    )


def item_card(item, words):
    facts = item.get("_nguon") or {}
    summary = item.get("summary")
    return (
        f'<li class="item" {TIMING}><a href="{e(link(item))}">{e(item.get("title"))}</a> '
        f"{marks(item, words)}"
        + (f"<p>{e(summary)}</p>" if summary else "")
        + f'<p class="meta">{e((facts.get("unit") or {}).get("title"))} · '
        f'<time datetime="{e(item.get("date_published"))}">'
        f"{e(local(item.get('date_published')))}</time></p>"
        f"{site_link(item, words)}</li>"
    )


def items_html(unit, feed, words, now):
    """The commune's screen as the app draws it (main.js ``homeView``), without the parts
    that need JavaScript; ``words`` are the interface's texts."""
    warnings, rest = arrange(feed.get("items") or [], now)
    return (
        f'<h1>{e(unit["title"])} <span class="parent">{e(unit["parent"])}</span></h1>'
        f'<p><a href="#/chon">{e(words["change_place"])}</a></p>'
        '<div id="items">'
        + section(
            "warnings", words["warnings"], warnings, warning_card, words, "no_warnings"
        )
        + section("latest", words["latest"], rest, item_card, words, "no_items")
        + "</div>"
        + MARK
    )


def section(name, heading, items, card, words, empty):
    """One list of the screen: its heading, then a card per item or what says there is
    none (``words[empty]``)."""
    return (
        f'<section class="{name}" aria-labelledby="h-{name}">'
        f'<h2 id="h-{name}">{e(heading)}</h2>'
        + (
            "<ul>" + "".join(card(i, words) for i in items) + "</ul>"
            if items
            else f"<p>{e(words[empty])}</p>"
        )
        + "</section>"
    )


def first_page(page, unit, feed, words, now):
    """The built page (``str``) with the unit and its feed in it, or None when the build
    has no markers (an older build: the plain page is served)."""
    if DATA_MARK not in page or ITEMS_MARK not in page:
        return None
    data = (
        '<script type="application/json" id="nguon-first">'
        + script_json({"unit": unit, "feed": feed})
        + "</script>"
    )
    return page.replace(DATA_MARK, data, 1).replace(
        ITEMS_MARK, items_html(unit, feed, words, now), 1
    )
