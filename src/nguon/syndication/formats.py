"""Atom (RFC 4287), RSS 2.0 and JSON Feed 1.1 documents of one page of a unit's feed.

The same page gives the same document in each format:

- entries carry the item's title, summary, content, link, effective date, category, priority,
  unit, channels and file attachments;
- tombstones (a change stream's deletions) are Atom ``at:deleted-entry`` elements (RFC 6721),
  ``nguon:deleted`` elements in RSS, and ``_nguon.deleted`` in JSON Feed;
- paging links follow RFC 5005 (``first``, ``next``, ``previous``; Atom links, also in RSS);
- ``nguon:cursor`` (``_nguon.cursor``) is the sequence number to ask ``since=`` next.

Characters XML 1.0 forbids (C0 controls but tab and line ends, lone surrogates, U+FFFE/FFFF)
are dropped from every text a ``Document`` hands out, in every format alike: one vertical tab
pasted into a title must not make the feed unrenderable for every unit it reaches.
"""

from datetime import datetime
from datetime import UTC
from email.utils import format_datetime
from lxml import etree

import json
import re
import uuid


ATOM = "http://www.w3.org/2005/Atom"
TOMBSTONES = "http://purl.org/atompub/tombstones/1.0"
HISTORY = "http://purl.org/syndication/history/1.0"
NGUON = "urn:nguon:syndication:1"
CATEGORY_SCHEME = "urn:nguon:category"
JSON_FEED = "https://jsonfeed.org/version/1.1"
XML_ILLEGAL = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
MEDIA_TYPES = {
    "atom": "application/atom+xml; charset=utf-8",
    "rss": "application/rss+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}


def entry_id(uid):
    """The item's permanent id: its UID as a URN."""
    try:
        return uuid.UUID(hex=uid).urn
    except ValueError:
        return f"urn:nguon:{uid}"


def clean(value):
    """``value`` with every character XML forbids dropped, in strings, lists and dicts."""
    if isinstance(value, str):
        return XML_ILLEGAL.sub("", value)
    if isinstance(value, dict):
        return {key: clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(item) for item in value]
    return value


def iso(seconds):
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def rfc822(seconds):
    return format_datetime(datetime.fromtimestamp(seconds, UTC), usegmt=True)


class Document:
    """One page of a feed, ready to render. ``items`` are snapshots (current items) or
    ``feeds.Change`` objects (a change stream)."""

    def __init__(
        self,
        title,
        unit,
        site_url,
        self_url,
        links,
        updated,
        cursor,
        items,
        changes=False,
        resync=None,
    ):
        self.title = clean(title)
        self.unit = clean(unit)
        self.site_url = site_url.rstrip("/")
        self.self_url = self_url
        self.links = links  # rel -> url
        self.resync = resync  # the full feed to read again when a cursor fell behind
        self.updated = updated
        self.cursor = cursor
        self.changes = changes
        self.items = items

    def delivered(self):
        """UIDs of the items the document carries (not its tombstones): what it delivers."""
        return tuple(
            uid
            for kind, _seq, uid, _when, _snapshot in self._rows()
            if kind == "upsert"
        )

    def url(self, path):
        return f"{self.site_url}/{path}"

    def _rows(self):
        for item in self.items:
            if self.changes:
                yield item.kind, item.seq, item.uid, item.time, item.entry
            else:
                yield "upsert", None, item["uid"], item["modified"], item

    def rows(self):
        """``(kind, seq, uid, time, snapshot)`` in order, snapshots cleaned for XML."""
        for kind, seq, uid, when, snapshot in self._rows():
            yield kind, seq, uid, when, clean(snapshot)


# -- Atom ------------------------------------------------------------------------------


def _sub(parent, tag, text=None, **attributes):
    element = etree.SubElement(parent, tag, {k: str(v) for k, v in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def _links_unit_and_cursor(parent, document, media_type):
    """What Atom and RSS say alike: the self link (of ``media_type``), the RFC 5005 links,
    the unit and the change cursor."""
    _sub(parent, "{%s}link" % ATOM, rel="self", href=document.self_url, type=media_type)
    for rel, href in document.links.items():
        _sub(parent, "{%s}link" % ATOM, rel=rel, href=href)
    _sub(
        parent,
        "{%s}unit" % NGUON,
        document.unit["title"],
        code=document.unit["code"],
        level=document.unit["level"],
    )
    _sub(parent, "{%s}cursor" % NGUON, document.cursor)


def atom(document):
    a = "{%s}" % ATOM
    n = "{%s}" % NGUON
    feed = etree.Element(
        a + "feed", nsmap={None: ATOM, "at": TOMBSTONES, "fh": HISTORY, "nguon": NGUON}
    )
    _sub(feed, a + "id", f"urn:nguon:unit:{document.unit['code']}")
    _sub(feed, a + "title", document.title)
    _sub(feed, a + "updated", iso(document.updated))
    author = _sub(feed, a + "author")
    _sub(author, a + "name", document.unit["title"])
    _links_unit_and_cursor(feed, document, "application/atom+xml")
    for kind, seq, uid, when, snapshot in document.rows():
        if kind == "delete":
            deleted = _sub(
                feed,
                "{%s}deleted-entry" % TOMBSTONES,
                ref=entry_id(uid),
                when=iso(when),
            )
            if seq is not None:
                _sub(deleted, n + "seq", seq)
            continue
        entry = _sub(feed, a + "entry")
        _sub(entry, a + "id", entry_id(uid))
        _sub(entry, a + "title", snapshot["title"])
        _sub(entry, a + "updated", iso(snapshot["modified"]))
        _sub(entry, a + "published", iso(snapshot["effective"]))
        _sub(_sub(entry, a + "author"), a + "name", snapshot["unit"]["title"])
        _sub(
            entry,
            a + "link",
            rel="alternate",
            type="text/html",
            href=document.url(snapshot["path"]),
        )
        for attachment in snapshot["attachments"]:
            _sub(
                entry,
                a + "link",
                rel="enclosure",
                href=document.url(attachment["path"]),
                type=attachment["mime_type"],
                length=attachment["size"],
                title=attachment["filename"],
            )
        if snapshot["category"]:
            _sub(
                entry,
                a + "category",
                term=snapshot["category"],
                scheme=CATEGORY_SCHEME,
                label=snapshot["category_title"],
            )
        if snapshot["summary"]:
            _sub(entry, a + "summary", snapshot["summary"])
        if snapshot["html"]:
            _sub(entry, a + "content", snapshot["html"], type="html")
        elif snapshot["text"]:
            _sub(entry, a + "content", snapshot["text"], type="text")
        _sub(
            entry,
            n + "priority",
            snapshot["priority_title"],
            value=snapshot["priority"],
        )
        _sub(
            entry, n + "unit", snapshot["unit"]["title"], code=snapshot["unit"]["code"]
        )
        _sub(entry, n + "channels", " ".join(snapshot["channels"]))
        if snapshot["expires"]:
            _sub(entry, n + "expires", iso(snapshot["expires"]))
        if seq is not None:
            _sub(entry, n + "seq", seq)
    return etree.tostring(feed, xml_declaration=True, encoding="utf-8")


# -- RSS 2.0 ---------------------------------------------------------------------------


def rss(document):
    n = "{%s}" % NGUON
    root = etree.Element("rss", version="2.0", nsmap={"atom": ATOM, "nguon": NGUON})
    channel = _sub(root, "channel")
    _sub(channel, "title", document.title)
    _sub(channel, "link", document.links.get("alternate", document.self_url))
    _sub(channel, "description", document.title)
    _sub(channel, "language", "vi")
    _sub(channel, "lastBuildDate", rfc822(document.updated))
    _links_unit_and_cursor(channel, document, "application/rss+xml")
    for kind, seq, uid, when, snapshot in document.rows():
        if kind == "delete":
            deleted = _sub(channel, n + "deleted", ref=entry_id(uid), when=iso(when))
            if seq is not None:
                deleted.set("seq", str(seq))
            continue
        item = _sub(channel, "item")
        _sub(item, "title", snapshot["title"])
        _sub(item, "link", document.url(snapshot["path"]))
        _sub(item, "guid", entry_id(uid), isPermaLink="false")
        _sub(item, "pubDate", rfc822(snapshot["effective"]))
        _sub(
            item,
            "description",
            snapshot["html"] or snapshot["summary"] or snapshot["text"],
        )
        if snapshot["category"]:
            _sub(item, "category", snapshot["category_title"], domain=CATEGORY_SCHEME)
        attachments = snapshot["attachments"]
        if attachments:  # RSS allows one enclosure; the first file is the main one
            _sub(
                item,
                "enclosure",
                url=document.url(attachments[0]["path"]),
                length=attachments[0]["size"],
                type=attachments[0]["mime_type"],
            )
        _sub(
            item, n + "priority", snapshot["priority_title"], value=snapshot["priority"]
        )
        _sub(item, n + "unit", snapshot["unit"]["title"], code=snapshot["unit"]["code"])
        _sub(item, n + "channels", " ".join(snapshot["channels"]))
        if seq is not None:
            _sub(item, n + "seq", seq)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


# -- JSON Feed 1.1 ---------------------------------------------------------------------


def json_item(document, seq, uid, snapshot):
    item = {
        "id": entry_id(uid),
        "url": document.url(snapshot["path"]),
        "title": snapshot["title"],
        "summary": snapshot["summary"],
        "date_published": iso(snapshot["effective"]),
        "date_modified": iso(snapshot["modified"]),
        "authors": [{"name": snapshot["unit"]["title"]}],
        "tags": [snapshot["category_title"]] if snapshot["category"] else [],
        "attachments": [
            {
                "url": document.url(a["path"]),
                "mime_type": a["mime_type"],
                "title": a["filename"],
                "size_in_bytes": a["size"],
            }
            for a in snapshot["attachments"]
        ],
        "_nguon": {
            "uid": uid,
            "type": snapshot["type"],
            "category": snapshot["category"],
            "priority": snapshot["priority"],
            "essential": bool(snapshot.get("essential")),
            "unit": snapshot["unit"],
            "channels": snapshot["channels"],
            "number": snapshot["number"],
            "expires": iso(snapshot["expires"]) if snapshot["expires"] else None,
            "approvers": snapshot.get("approvers") or [],
            "seq": seq,
        },
    }
    for name in ("document", "cap"):  # a legal document's, an alert's own facts
        if snapshot.get(name):
            item["_nguon"][name] = snapshot[name]
    if snapshot["html"]:
        item["content_html"] = snapshot["html"]
    else:
        item["content_text"] = (
            snapshot["text"] or snapshot["summary"] or snapshot["title"]
        )
    return item


def json_feed_data(document):
    data = {
        "version": JSON_FEED,
        "title": document.title,
        "home_page_url": document.links.get("alternate", document.site_url),
        "feed_url": document.self_url,
        "language": "vi",
        "items": [],
        "_nguon": {
            "unit": document.unit,
            "cursor": document.cursor,
            "deleted": [],
            "links": document.links,
            "updated": iso(document.updated),
        },
    }
    if "next" in document.links:
        data["next_url"] = document.links["next"]
    if document.resync:
        data["_nguon"]["resync"] = document.resync
    for kind, seq, uid, when, snapshot in document.rows():
        if kind == "delete":
            data["_nguon"]["deleted"].append(
                {"id": entry_id(uid), "uid": uid, "when": iso(when), "seq": seq}
            )
        else:
            data["items"].append(json_item(document, seq, uid, snapshot))
    return data


def json_feed(document):
    return json.dumps(json_feed_data(document), ensure_ascii=False).encode("utf-8")


RENDERERS = {"atom": atom, "rss": rss, "json": json_feed}
