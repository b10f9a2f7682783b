"""The Atom index of alerts: the form Google Public Alerts and other aggregators read.

``index`` writes one feed (id, title, updated, author, a ``self`` link) with one entry per
alert: id, title (the headline), updated (when the message was sent), author, summary, a
``<link rel="alternate" type="application/cap+xml">`` to the CAP message, and the ``cap:``
summary elements of the OASIS "CAP feeds" practice (event, urgency, severity, certainty,
effective, expires, status, msgType, areaDesc) so that a reader can filter without fetching
every message. ``parse_index`` reads such a feed from elsewhere (safely) for ingest.
"""

from datetime import datetime
from lxml import etree
from nguon import _
from nguon.cap.errors import CapError
from nguon.cap.model import NAMESPACE
from nguon.cap.times import format_time
from nguon.cap.xml import ILLEGAL
from nguon.cap.xml import read_xml
from urllib.parse import urljoin


ATOM = "http://www.w3.org/2005/Atom"
CAP_TYPE = "application/cap+xml"
# How much of a description an entry's summary carries.
SUMMARY = 500


def index(*, feed_id, title, self_url, updated, author, entries, language=None):
    """The Atom feed (UTF-8 bytes) of ``entries``, pairs of (CAP message URL, ``Alert``).

    Each entry describes the alert by its ``<info>`` in ``language`` when it has one, else
    by its first ``<info>``; ``updated`` is the feed's time (the newest change).
    """
    feed = etree.Element(f"{{{ATOM}}}feed", nsmap={None: ATOM, "cap": NAMESPACE})
    _add(feed, ATOM, "id", feed_id)
    _add(feed, ATOM, "title", title)
    _add(feed, ATOM, "updated", _atom_time(updated))
    _add(etree.SubElement(feed, f"{{{ATOM}}}author"), ATOM, "name", author)
    etree.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=self_url)
    for cap_url, alert in entries:
        _entry(
            etree.SubElement(feed, f"{{{ATOM}}}entry"), cap_url, alert, author, language
        )
    return etree.tostring(
        feed, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _entry(entry, cap_url, alert, author, language):
    info = _info(alert, language)
    _add(entry, ATOM, "id", cap_url)
    headline = info and (info.headline or info.event)
    _add(entry, ATOM, "title", headline or f"{alert.msg_type} {alert.identifier}")
    _add(entry, ATOM, "updated", _atom_time(alert.sent))
    _add(etree.SubElement(entry, f"{{{ATOM}}}author"), ATOM, "name", author)
    if info and info.description:
        _add(entry, ATOM, "summary", info.description[:SUMMARY])
    etree.SubElement(
        entry, f"{{{ATOM}}}link", rel="alternate", type=CAP_TYPE, href=cap_url
    )
    if info:
        _add(entry, NAMESPACE, "event", info.event)
        _add(entry, NAMESPACE, "urgency", info.urgency)
        _add(entry, NAMESPACE, "severity", info.severity)
        _add(entry, NAMESPACE, "certainty", info.certainty)
        _add(entry, NAMESPACE, "effective", format_time(info.effective or alert.sent))
        if info.expires:
            _add(entry, NAMESPACE, "expires", format_time(info.expires))
    _add(entry, NAMESPACE, "status", alert.status)
    _add(entry, NAMESPACE, "msgType", alert.msg_type)
    if info and info.areas:
        _add(
            entry,
            NAMESPACE,
            "areaDesc",
            "; ".join(area.description for area in info.areas),
        )


def _info(alert, language):
    for info in alert.infos:
        if language and info.language.lower() == language.lower():
            return info
    return alert.infos[0] if alert.infos else None


def _atom_time(value):
    """RFC 3339, as Atom wants it: the offset is required (ValueError without one)."""
    if value.utcoffset() is None:
        raise ValueError(f"an Atom time needs an explicit offset: {value!r}")
    return value.isoformat(timespec="seconds")


def _add(parent, namespace, name, text):
    etree.SubElement(parent, f"{{{namespace}}}{name}").text = ILLEGAL.sub("", text)


def parse_index(data, base_url=None):
    """[(CAP message URL, updated)] of the entries of an Atom index, in feed order.

    The URL is the entry's link of type application/cap+xml, else its ``alternate`` link
    (resolved against ``base_url``); an entry with neither is skipped. ``updated`` is an
    aware datetime, or None when the entry has no readable one (fetch it then).
    ``CapError`` when the document is not an Atom feed.
    """
    root = read_xml(data)
    if root.tag != f"{{{ATOM}}}feed":
        raise CapError(
            "not-atom",
            _(
                "cap_error_not_atom",
                default="Tài liệu không phải nguồn tin Atom (phần tử gốc ${tag}).",
                mapping={"tag": root.tag},
            ),
        )
    found = []
    for entry in root.iterchildren(f"{{{ATOM}}}entry"):
        href = _link(entry)
        if href:
            found.append(
                (urljoin(base_url, href) if base_url else href, _updated(entry))
            )
    return found


def _link(entry):
    links = list(entry.iterchildren(f"{{{ATOM}}}link"))
    for link in links:
        if (link.get("type") or "").split(";")[0].strip() == CAP_TYPE and link.get(
            "href"
        ):
            return link.get("href").strip()
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href").strip()
    return None


def _updated(entry):
    element = entry.find(f"{{{ATOM}}}updated")
    if element is None or not element.text:
        return None
    try:
        value = datetime.fromisoformat(element.text.strip())
    except ValueError:
        return None
    return value if value.utcoffset() is not None else None
