"""CAP 1.2 XML both ways: ``to_xml(alert) -> bytes`` and ``parse(data) -> Alert``.

``to_xml`` writes the elements in the order of the OASIS schema, times in CAP's form, and
drops the characters XML 1.0 forbids (text pasted from office programs carries control
characters that would otherwise make the document unreadable). ``parse`` reads untrusted
bytes with a parser that expands no entity, reads no DTD, fetches nothing from the network
and refuses documents over ``MAX_SIZE``; elements of other namespaces (an XML signature,
extensions) are ignored. Every refusal is a ``CapError`` with a Vietnamese reason.
"""

from decimal import Decimal
from decimal import InvalidOperation
from lxml import etree
from nguon import _
from nguon.cap.errors import CapError
from nguon.cap.model import Alert
from nguon.cap.model import Area
from nguon.cap.model import CATEGORIES
from nguon.cap.model import CERTAINTIES
from nguon.cap.model import DEFAULT_LANGUAGE
from nguon.cap.model import Info
from nguon.cap.model import MSG_TYPES
from nguon.cap.model import NAMESPACE
from nguon.cap.model import Reference
from nguon.cap.model import Resource
from nguon.cap.model import RESPONSE_TYPES
from nguon.cap.model import SCOPES
from nguon.cap.model import SEVERITIES
from nguon.cap.model import STATUSES
from nguon.cap.model import URGENCIES
from nguon.cap.times import format_time
from nguon.cap.times import parse_time

import re


# A CAP message is a few kilobytes; one with resources inlined (derefUri) a few hundred.
MAX_SIZE = 2 * 1024 * 1024
# What XML 1.0 does not allow in a document (its "Char" production), to be dropped.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# How much of the start of a document is searched for a DOCTYPE before parsing: libxml2
# would refuse an entity expansion attack too, but with a less telling message. Nothing
# else writes "<!DOCTYPE" there (text escapes its "<").
PROLOG = 4096
OTHER_CAP = re.compile(r"^urn:oasis:names:tc:emergency:cap:(?P<version>[\d.]+)$")


def to_xml(alert):
    """The alert as a CAP 1.2 document (UTF-8 bytes with an XML declaration)."""
    root = etree.Element(_tag("alert"), nsmap={None: NAMESPACE})
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", _time("sent", alert.sent))
    _add(root, "status", alert.status)
    _add(root, "msgType", alert.msg_type)
    _add(root, "source", alert.source)
    _add(root, "scope", alert.scope)
    _add(root, "restriction", alert.restriction)
    _add(root, "addresses", alert.addresses)
    for code in alert.codes:
        _add(root, "code", code)
    _add(root, "note", alert.note)
    if alert.references:
        _add(root, "references", " ".join(str(ref) for ref in alert.references))
    _add(root, "incidents", alert.incidents)
    for info in alert.infos:
        _write_info(etree.SubElement(root, _tag("info")), info)
    return etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True
    )


def _write_info(element, info):
    _add(element, "language", info.language)
    for category in info.categories:
        _add(element, "category", category)
    _add(element, "event", info.event)
    for response in info.response_types:
        _add(element, "responseType", response)
    _add(element, "urgency", info.urgency)
    _add(element, "severity", info.severity)
    _add(element, "certainty", info.certainty)
    _add(element, "audience", info.audience)
    _add_pairs(element, "eventCode", info.event_codes)
    for name in ("effective", "onset", "expires"):
        value = getattr(info, name)
        _add(element, name, value and _time(name, value))
    _add(element, "senderName", info.sender_name)
    _add(element, "headline", info.headline)
    _add(element, "description", info.description)
    _add(element, "instruction", info.instruction)
    _add(element, "web", info.web)
    _add(element, "contact", info.contact)
    _add_pairs(element, "parameter", info.parameters)
    for resource in info.resources:
        child = etree.SubElement(element, _tag("resource"))
        _add(child, "resourceDesc", resource.description)
        _add(child, "mimeType", resource.mime_type)
        _add(child, "size", None if resource.size is None else str(resource.size))
        _add(child, "uri", resource.uri)
        _add(child, "derefUri", resource.deref_uri)
        _add(child, "digest", resource.digest)
    for area in info.areas:
        child = etree.SubElement(element, _tag("area"))
        _add(child, "areaDesc", area.description)
        for polygon in area.polygons:
            _add(child, "polygon", polygon)
        for circle in area.circles:
            _add(child, "circle", circle)
        _add_pairs(child, "geocode", area.geocodes)
        _add(child, "altitude", _decimal(area.altitude))
        _add(child, "ceiling", _decimal(area.ceiling))


def _tag(name):
    return f"{{{NAMESPACE}}}{name}"


def _add(parent, name, text):
    """A child with ``text`` (XML-illegal characters dropped); nothing for None."""
    if text is None:
        return
    etree.SubElement(parent, _tag(name)).text = ILLEGAL.sub("", text)


def _add_pairs(parent, name, pairs):
    for value_name, value in pairs:
        child = etree.SubElement(parent, _tag(name))
        _add(child, "valueName", value_name)
        _add(child, "value", value)


def _decimal(value):
    return None if value is None else format(Decimal(value), "f")


def _time(field, value):
    try:
        return format_time(value)
    except ValueError:
        raise CapError(
            "time-offset",
            _(
                "cap_error_time_offset",
                default="Thời gian ${field} phải có múi giờ rõ ràng (ví dụ +07:00).",
                mapping={"field": field},
            ),
        ) from None


def parse(data):
    """The ``Alert`` of a CAP 1.2 document; ``CapError`` with the reason otherwise."""
    root = read_xml(data)
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "alert" or namespace != NAMESPACE:
        other = OTHER_CAP.match(namespace)
        if etree.QName(root).localname == "alert" and other:
            raise CapError(
                "not-cap12",
                _(
                    "cap_error_version",
                    default="Bản tin theo CAP ${version}, hệ thống chỉ nhận CAP 1.2.",
                    mapping={"version": other["version"]},
                ),
            )
        raise CapError(
            "not-cap",
            _(
                "cap_error_not_cap",
                default="Tài liệu không phải bản tin CAP 1.2 (phần tử gốc ${tag}).",
                mapping={"tag": root.tag},
            ),
        )
    return _Reader(root).alert()


def read_xml(data):
    """The root element of untrusted XML bytes, read safely; ``CapError`` if not XML.

    Shared with ``atom.parse_index`` and ``signature.verify``: no entity is expanded, no
    DTD is loaded, nothing is fetched, a document over ``MAX_SIZE`` is refused unread, and
    so is one declaring a DOCTYPE (no CAP message or feed needs one; entity attacks start
    there).
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_SIZE:
        raise CapError(
            "too-large",
            _(
                "cap_error_too_large",
                default="Tài liệu quá lớn (${size} byte, tối đa ${limit}).",
                mapping={"size": len(data), "limit": MAX_SIZE},
            ),
        )
    if b"<!DOCTYPE" in data[:PROLOG]:
        raise _doctype()
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise CapError(
            "not-xml",
            _(
                "cap_error_not_xml",
                default="Tài liệu không phải XML hợp lệ: ${error}",
                mapping={"error": str(error)},
            ),
        ) from None
    if root.getroottree().docinfo.doctype:
        raise _doctype()
    return root


def _doctype():
    return CapError(
        "doctype",
        _(
            "cap_error_doctype",
            default="Tài liệu XML có khai báo DOCTYPE, không được nhận.",
        ),
    )


class _Reader:
    """Reads the children of one <alert> in the CAP namespace; others are not looked at."""

    def __init__(self, root):
        self.root = root

    def alert(self):
        root = self.root
        return Alert(
            identifier=self.token(root, "identifier"),
            sender=self.token(root, "sender"),
            sent=self.time(root, "sent", required=True),
            status=self.choice(root, "status", STATUSES),
            msg_type=self.choice(root, "msgType", MSG_TYPES),
            scope=self.choice(root, "scope", SCOPES),
            source=self.text(root, "source"),
            restriction=self.text(root, "restriction"),
            addresses=self.text(root, "addresses"),
            codes=tuple(self.texts(root, "code")),
            note=self.text(root, "note"),
            references=self.references(root),
            incidents=self.text(root, "incidents"),
            infos=tuple(self.info(element) for element in self.children(root, "info")),
        )

    def info(self, element):
        return Info(
            language=self.token(element, "language", required=False)
            or DEFAULT_LANGUAGE,
            categories=tuple(
                self.choices(element, "category", CATEGORIES, required=True)
            ),
            event=self.required(element, "event"),
            response_types=tuple(self.choices(element, "responseType", RESPONSE_TYPES)),
            urgency=self.choice(element, "urgency", URGENCIES),
            severity=self.choice(element, "severity", SEVERITIES),
            certainty=self.choice(element, "certainty", CERTAINTIES),
            audience=self.text(element, "audience"),
            event_codes=self.pairs(element, "eventCode"),
            effective=self.time(element, "effective"),
            onset=self.time(element, "onset"),
            expires=self.time(element, "expires"),
            sender_name=self.text(element, "senderName"),
            headline=self.text(element, "headline"),
            description=self.text(element, "description"),
            instruction=self.text(element, "instruction"),
            web=self.token(element, "web", required=False),
            contact=self.text(element, "contact"),
            parameters=self.pairs(element, "parameter"),
            resources=tuple(
                self.resource(child) for child in self.children(element, "resource")
            ),
            areas=tuple(self.area(child) for child in self.children(element, "area")),
        )

    def resource(self, element):
        size = self.token(element, "size", required=False)
        if size is not None and not size.isdigit():
            raise self.bad_value(element, "size", size)
        return Resource(
            description=self.required(element, "resourceDesc"),
            mime_type=self.token(element, "mimeType"),
            size=None if size is None else int(size),
            uri=self.token(element, "uri", required=False),
            deref_uri=self.text(element, "derefUri"),
            digest=self.token(element, "digest", required=False),
        )

    def area(self, element):
        return Area(
            description=self.required(element, "areaDesc"),
            polygons=tuple(self.texts(element, "polygon")),
            circles=tuple(self.texts(element, "circle")),
            geocodes=self.pairs(element, "geocode"),
            altitude=self.decimal(element, "altitude"),
            ceiling=self.decimal(element, "ceiling"),
        )

    # -- reading one kind of value -------------------------------------------------------

    def children(self, parent, name):
        return parent.iterchildren(_tag(name))

    def texts(self, parent, name):
        return [child.text or "" for child in self.children(parent, name)]

    def text(self, parent, name):
        """The text of the first child ``name`` as written, or None when there is none."""
        found = self.texts(parent, name)
        return found[0] if found else None

    def required(self, parent, name):
        text = self.text(parent, name)
        if text is None or not text.strip():
            raise CapError(
                "missing",
                _(
                    "cap_error_missing",
                    default="Bản tin CAP thiếu trường bắt buộc ${field} (trong ${parent}).",
                    mapping={"field": name, "parent": etree.QName(parent).localname},
                ),
            )
        return text

    def token(self, parent, name, required=True):
        """A value without surrounding whitespace (codes, names, times, URIs)."""
        if required:
            return self.required(parent, name).strip()
        text = self.text(parent, name)
        return None if text is None else text.strip()

    def choice(self, parent, name, allowed):
        value = self.token(parent, name)
        if value not in allowed:
            raise self.bad_value(parent, name, value)
        return value

    def choices(self, parent, name, allowed, required=False):
        values = [text.strip() for text in self.texts(parent, name)]
        if required and not values:
            self.required(parent, name)
        for value in values:
            if value not in allowed:
                raise self.bad_value(parent, name, value)
        return values

    def time(self, parent, name, required=False):
        text = self.token(parent, name, required=required)
        if text is None:
            return None
        try:
            return parse_time(text)
        except ValueError:
            raise CapError(
                "bad-time",
                _(
                    "cap_error_bad_time",
                    default="Thời gian ${field} không đúng dạng CAP"
                    " (YYYY-MM-DDThh:mm:ss+07:00): ${value}",
                    mapping={"field": name, "value": text},
                ),
            ) from None

    def decimal(self, parent, name):
        text = self.token(parent, name, required=False)
        if text is None:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite():
            raise self.bad_value(parent, name, text)
        return value

    def pairs(self, parent, name):
        return tuple(
            (self.token(child, "valueName"), self.text(child, "value") or "")
            for child in self.children(parent, name)
        )

    def references(self, root):
        text = self.text(root, "references")
        if text is None:
            return ()
        try:
            return tuple(Reference.parse(token) for token in text.split())
        except ValueError:
            raise self.bad_value(root, "references", text) from None

    def bad_value(self, parent, name, value):
        return CapError(
            "bad-value",
            _(
                "cap_error_bad_value",
                default="Giá trị không hợp lệ của ${field} (trong ${parent}): ${value}",
                mapping={
                    "field": name,
                    "parent": etree.QName(parent).localname,
                    "value": value,
                },
            ),
        )
