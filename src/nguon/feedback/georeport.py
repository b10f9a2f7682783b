"""Open311 GeoReport v2 as data: the shapes of its answers and their two formats.

The specification (wiki.open311.org/GeoReport_v2) defines its XML and derives the JSON from
it by the "Spark convention": a list element (``services``) becomes a JSON array of its
items (``service``), a leaf its text, an empty leaf ``null``. :func:`render` writes both from
one Python value, so the two formats never disagree. Times are W3C datetimes with their
offset (``2026-11-30T14:05:00+07:00``), in Vietnam's time, as the spec requires.

Which report fields map to which GeoReport fields is :func:`service_request`; the view that
serves them is ``nguon.feedback.open311``.
"""

from datetime import datetime
from datetime import time
from lxml import etree
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback.store import CLOSED

import json
import re


SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
JSON = "json"
XML = "xml"
CONTENT_TYPES = {
    JSON: "application/json; charset=utf-8",
    XML: "text/xml; charset=utf-8",
}

DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'

# The XML root of each answer, and the item element of each list (the Spark convention).
ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


# What XML 1.0 cannot hold (C0 controls but tab, newline and return; U+FFFE, U+FFFF): a
# value echoed from the request (``address_id=%01`` in the 400's description) made lxml fail.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _text(value):
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return NOT_XML.sub("", str(value))


def _fill(element, value):
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(etree.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        for child in value:
            _fill(etree.SubElement(element, ITEMS[element.tag]), child)
    else:
        element.text = _text(value)


def render(root, value, fmt):
    """The body of an answer: ``value`` (a list or dict) as JSON, or as XML under the
    element ``root`` (``services``, ``service_definition``, ``service_requests``,
    ``discovery``, ``errors``) with the XML declaration the spec asks for."""
    if fmt == JSON:
        return json.dumps(value, ensure_ascii=False).encode("utf-8")
    element = etree.Element(root)
    _fill(element, value)
    return DECLARATION + etree.tostring(
        element, encoding="UTF-8", xml_declaration=False
    )


def errors(code, description):
    """The spec's error body: a list of ``{"code", "description"}``."""
    return [{"code": code, "description": description}]


# -- times -------------------------------------------------------------------------------------


def w3(moment):
    """A W3C datetime in Vietnam's time with its offset, or None."""
    if moment is None:
        return None
    return moment.astimezone(LOCAL_ZONE).isoformat(timespec="seconds")


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_w3(text):
    """An aware datetime from a W3C datetime (``2010-01-01T00:00:00Z``, with ``Z`` or an
    offset; a day alone is its start in Vietnam); ``ValueError`` for anything else,
    including a time without its zone, which the spec forbids."""
    text = (text or "").strip()
    if _DAY.fullmatch(text):
        return datetime.combine(datetime.fromisoformat(text).date(), time(), LOCAL_ZONE)
    if "T" not in text:
        raise ValueError(text)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment


# -- the answers' shapes -----------------------------------------------------------------------


def status(report):
    """``open`` or ``closed``: a report is closed when its answer was published (a listed
    report is never withdrawn nor merged)."""
    return "closed" if report.state == CLOSED else "open"


def updated(report):
    """When the report last changed as the public sees it: its last step that is not
    internal (the time of an official's internal note is not published either)."""
    public = [step["at"] for step in report.history if not step.get("internal")]
    return public[-1] if public else report.received


def service_request(report, public, status_notes, service_notice):
    """One ``request`` of ``GET requests``: ``public`` is the report's public shape
    (``nguon.feedback.shapes.public_view``), so nothing leaves that the public pages do not
    show (no contact, the scrubbed text and address, the cleaned photos)."""
    point = public["point"] or (None, None)
    return {
        "service_request_id": report.id,
        "status": status(report),
        "status_notes": status_notes,
        "service_name": public["category_title"],
        "service_code": report.category,
        "description": public["text"],
        "agency_responsible": public["handler_title"],
        "service_notice": service_notice,
        "requested_datetime": w3(report.received),
        "updated_datetime": w3(updated(report)),
        "expected_datetime": w3(report.due),
        "address": public["address"] or public["place_title"],
        "address_id": report.place,
        "zipcode": None,
        "lat": point[0],
        "long": point[1],
        "media_url": public["photos"][0] if public["photos"] else None,
    }
