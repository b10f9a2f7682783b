"""The snapshot of a published item that leaves the site.

Feeds and pushes render from this snapshot, never from the live object: what a consumer gets
is exactly what was published at that change, and a feed is served without waking content
objects. Links are kept relative to the portal; each feed adds the address it was asked on.
The body is rendered as the anonymous user sees it (``public``), never with the worker's rights.
"""

from Acquisition import aq_base
from DateTime import DateTime
from nguon.content import alert as alerts
from nguon.content.channels import channels
from nguon.publication.essential import is_essential
from nguon.publication.public import public_html
from nguon.units.tree import item_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.reach import declared_reach
from plone import api
from plone.app.textfield.interfaces import IRichTextValue
from zope.component import queryUtility
from zope.component.hooks import getSite
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory


# (field, view on the item that serves it) of every file an item may carry.
FILE_FIELDS = (
    ("file", "@@download/file"),
    ("audio", "@@download/audio"),
    ("image", "@@images/image"),
)


def timestamp(value):
    """Seconds since the epoch of a DateTime or None (None, and Zope's "no date" floor and
    ceiling, give None)."""
    if value is None:
        return None
    if not isinstance(value, DateTime):
        value = DateTime(value)
    year = value.year()
    if year <= 1000 or year >= 2499:
        return None
    return value.timeTime()


def effective_time(obj):
    """When the item took (or takes) effect: its effective date, else when it was modified
    (an item published without an effective date is in effect from its publication)."""
    return (
        timestamp(getattr(aq_base(obj), "effective_date", None))
        or obj.modified().timeTime()
    )


def expiry_time(obj):
    return timestamp(getattr(aq_base(obj), "expiration_date", None))


def relative_path(obj, portal):
    portal_path = portal.getPhysicalPath()
    return "/".join(obj.getPhysicalPath()[len(portal_path) :])


def label(vocabulary, value):
    factory = queryUtility(IVocabularyFactory, vocabulary)
    if factory is None or not value:
        return value
    try:
        term = factory(getSite()).getTerm(value)
    except LookupError:
        return value
    return translate(term.title, target_language="vi")


def body_html(obj):
    text = getattr(aq_base(obj), "text", None)
    if IRichTextValue.providedBy(text):
        return public_html(obj, text)
    return ""


def plain_text(obj):
    for name in ("script", "text"):
        value = getattr(aq_base(obj), name, None)
        if isinstance(value, str) and value.strip():
            return value
    return ""


def attachments(obj, path):
    found = []
    for field, view in FILE_FIELDS:
        value = getattr(aq_base(obj), field, None)
        if value is None or not getattr(value, "size", 0):
            continue
        found.append(
            {
                "path": f"{path}/{view}",
                "filename": value.filename or field,
                "mime_type": value.contentType or "application/octet-stream",
                "size": value.size,
            }
        )
    return found


def dayparts(obj):
    """A board notice's times of day as ``[["06:00", "09:00"], …]`` (empty: all day)."""
    from nguon.content.validation import parse_dayparts

    text = getattr(aq_base(obj), "dayparts", None)
    return [
        [start.strftime("%H:%M"), end.strftime("%H:%M")]
        for start, end in parse_dayparts(text)
    ]


def approvers(obj):
    """Who approved what is published: for each approval of the item's last round, the unit
    and the approver's full name (never a login name; None when the account has none).
    Federated sites keep it as the item's provenance (docs/federation.md)."""
    found = []
    for approval in ApprovalState(obj).approvals:
        user = (
            api.user.get(userid=approval.get("user")) if approval.get("user") else None
        )
        name = user.getProperty("fullname", None) if user is not None else None
        found.append({"unit": approval.get("unit"), "name": name or None})
    return found


def _iso(moment):
    return alerts.as_aware(moment).isoformat(timespec="seconds") if moment else None


def document_facts(obj):
    """A legal document's own facts (None for other types): what a federated site needs to
    keep it as the same document (docs/federation.md)."""
    if obj.portal_type != "LegalDocument":
        return None
    issued = getattr(aq_base(obj), "issue_date", None)
    return {
        "type": getattr(aq_base(obj), "document_type", None),
        "number": getattr(aq_base(obj), "number", None),
        "issuing_body": getattr(aq_base(obj), "issuing_body", None),
        "signer": getattr(aq_base(obj), "signer", None),
        "issue_date": issued.isoformat() if issued else None,
    }


def cap_facts(obj):
    """An alert's CAP facts (None for other types): its message's identity and chain, its
    Vietnamese ``<info>``, its area (the target units as ``[code, below]``) and its other
    languages' texts (recorded voices are not carried)."""
    if not alerts.is_alert(obj):
        return None
    return {
        "identifier": obj.identifier,
        "sender": alerts.sender_of(obj),
        "sent": _iso(getattr(obj, "sent", None)),
        "status": obj.cap_status,
        "msg_type": obj.msg_type,
        "references": list(obj.references or ()),
        "event": obj.event,
        "categories": sorted(obj.cap_categories or ()),
        "urgency": obj.urgency,
        "severity": obj.severity,
        "certainty": obj.certainty,
        "response_types": sorted(obj.response_types or ()),
        "description": obj.alert_description,
        "instruction": obj.instruction or None,
        "onset": _iso(obj.onset),
        "area": {
            "description": obj.area_description or None,
            "polygon": obj.polygon or None,
            "circle": obj.circle or None,
            "units": [[code, below] for code, below in declared_reach(obj)],
        },
        "web": obj.web or None,
        "contact": obj.contact or None,
        "languages": [
            {
                "language": info.language,
                "headline": info.headline,
                "event": info.event,
                "description": info.description,
                "instruction": info.instruction or None,
            }
            for info in alerts.infos(obj)[1:]
        ],
    }


def entry(obj, portal):
    """The snapshot of ``obj`` (a dict of plain values)."""
    unit = item_unit(obj)
    path = relative_path(obj, portal)
    category = getattr(obj, "category", None)
    priority = getattr(obj, "priority", None) or "normal"
    expires = expiry_time(obj)
    return {
        "uid": obj.UID(),
        "type": obj.portal_type,
        "title": obj.Title(),
        "summary": obj.Description(),
        "html": body_html(obj),
        "text": plain_text(obj),
        "path": path,
        "unit": {"code": unit.code, "title": unit.Title(), "level": unit.level},
        "category": category,
        "category_title": label("nguon.vocabularies.categories", category),
        "priority": priority,
        "priority_title": label("nguon.vocabularies.priorities", priority),
        "essential": is_essential(obj),
        "channels": list(channels(obj)),
        "number": getattr(aq_base(obj), "number", None),
        "display_duration": getattr(aq_base(obj), "display_duration", None),
        "dayparts": dayparts(obj),
        "effective": effective_time(obj),
        "expires": expires,
        "modified": obj.modified().timeTime(),
        "attachments": attachments(obj, path),
        "approvers": approvers(obj),
        "document": document_facts(obj),
        "cap": cap_facts(obj),
    }
