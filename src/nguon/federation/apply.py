"""Apply a central site's change document to this site: one item of the link's unit per
central item, created, updated, published or submitted as the policy says, retracted when
central retracts it.

Every change is keyed by ``(origin UID, seq)``: ``link.applied`` keeps the sequence number of
the last change applied for each origin UID, and a change that is not newer is skipped. The
same delivery twice, a catch-up page overlapping a push, or an old change inside a fresh body
therefore changes nothing.

The link acts as the system user ``nguon-federation`` (with the Manager role, never an author
of what it receives, so the workflow's rule that nobody approves what they wrote still
holds); the items' creator is the link (``federation:<link id>``).
"""

from DateTime import DateTime
from datetime import datetime
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import PRIORITIES
from nguon.federation import files
from nguon.federation import policy
from nguon.federation import provenance
from nguon.federation.acting import as_link
from nguon.syndication import formats
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.state import review_state
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.app.uuid.utils import uuidToObject
from plone.i18n.normalizer.interfaces import IIDNormalizer
from zope.component import getUtility
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import html
import logging
import re
import time


logger = logging.getLogger("nguon.federation")
WAITING = ("pending", "approved_at_level")
TAGS = re.compile(r"<[^>]+>")


def _date(text):
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _known(value, vocabulary, fallback):
    """``value`` when this site's vocabulary has it, else ``fallback`` (central may run a
    newer list, or another vendor's)."""
    return value if value in {term for term, _title in vocabulary} else fallback


def _fields(item, portal_type, rule, unit_title):
    """The fields of the local item from a JSON Feed item of central."""
    nguon = item["_nguon"]
    body = item.get("content_html") or ""
    text = item.get("content_text") or html.unescape(TAGS.sub(" ", body)).strip()
    fields = {
        "title": item.get("title") or "",
        "description": item.get("summary") or "",
        "category": _known(nguon.get("category"), CATEGORIES, "policy-law"),
        "priority": _known(nguon.get("priority"), PRIORITIES, "normal"),
        "target_scope": rule.target_scope,
        "target_units": [],
    }
    if portal_type in ("Bulletin", "LegalDocument") and body:
        fields["text"] = RichTextValue(body, "text/html", "text/x-html-safe")
    if portal_type == "Bulletin":
        fields["channels"] = set(nguon.get("channels") or ()) & {
            "web",
            "radio",
            "board",
        } or {"web"}
    if portal_type == "RadioItem":
        fields["script"] = text or fields["title"]
    if portal_type == "LegalDocument":
        published = _date(item.get("date_published"))
        fields["number"] = nguon.get("number") or ""
        fields["document_type"] = "other"
        fields["issuing_body"] = unit_title
        fields["issue_date"] = published.date() if published else None
    return fields


def _dates(obj, item):
    published, expires = (
        _date(item.get("date_published")),
        _date(item["_nguon"].get("expires")),
    )
    obj.effective_date = DateTime(published.isoformat()) if published else None
    obj.expiration_date = DateTime(expires.isoformat()) if expires else None


def _transition(obj, name, comment=""):
    api.content.transition(obj=obj, transition=name, comment=comment)


def _through_chain(obj, publish, comment):
    """Submit ``obj`` (again) and, for ``publish`` ``at-once``, approve it at every step of
    this site's chain until it is published."""
    state = review_state(obj)
    if state == "retracted":
        _transition(obj, "revise", comment)
        state = review_state(obj)
    if state in ("draft", "rejected"):
        _transition(obj, "submit", comment)
        state = review_state(obj)
    if publish != "at-once":
        return
    for _step in range(20):  # a chain is a handful of units; never loop for ever
        if state not in WAITING:
            return
        last = ApprovalState(obj).is_last_step
        _transition(obj, "publish" if last else "approve", comment)
        state = review_state(obj)


def _comment(link, nguon):
    unit = (nguon.get("unit") or {}).get("title") or link.unit_code
    return f"Nhận từ {unit} ({link.site}) qua liên kết {link.id}"


def upsert(portal, link, item, seq, now=None):
    """Create or update the local copy of one central item; returns ``created``,
    ``updated`` or ``skipped``."""
    nguon = item["_nguon"]
    origin = nguon["uid"]
    known = link.applied.get(origin)
    if known is not None and known[0] >= seq:
        return "skipped"
    portal_type = nguon.get("type")
    if portal_type not in policy.TYPES:
        link.applied[origin] = (seq, None)
        return "skipped"
    rule = policy.rule_for(
        portal_type, _known(nguon.get("priority"), PRIORITIES, "normal")
    )
    obj = uuidToObject(known[1], unrestricted=True) if known and known[1] else None
    unit = find_unit(link.local_unit)
    central_unit = nguon.get("unit") or {}
    fields = _fields(item, portal_type, rule, central_unit.get("title") or "")
    now = now or time.time()
    comment = _comment(link, nguon)
    with as_link():
        if obj is None:
            obj = api.content.create(
                container=unit,
                type=portal_type,
                id=getUtility(IIDNormalizer).normalize(fields["title"], max_length=60)
                or "tin",
                safe_id=True,
                **fields,
            )
            obj.setCreators((f"federation:{link.id}",))
            outcome = "created"
        else:
            for name, value in fields.items():
                setattr(obj, name, value)
            outcome = "updated"
        _dates(obj, item)
        provenance.record(
            obj,
            site=link.site,
            url=item.get("url"),
            origin_uid=origin,
            unit=dict(central_unit),
            approvers=list(nguon.get("approvers") or ()),
            seq=seq,
            link=link.id,
            updated=now,
            retracted=False,
        )
        if outcome == "created":
            provenance.record(obj, received=now)
        else:
            notify(ObjectModifiedEvent(obj))
        obj.reindexObject()
        file = files.wanted(link, portal_type, item)
        # an item that has a file waits for it (``files``): submitted, published after
        _through_chain(obj, "approval" if file else rule.publish, comment)
    if file:
        link.files[obj.UID()] = {**file, "publish": rule.publish, "comment": comment}
    else:
        link.files.pop(obj.UID(), None)
    link.applied[origin] = (seq, obj.UID())
    if outcome == "created" and portal_type == "LegalDocument":
        link.note_directive(origin, obj.UID(), formats.iso(now))
    return outcome


def retract(portal, link, origin, seq):
    """Central retracted (or no longer sends) ``origin``: retract the published copy,
    withdraw a waiting one. Returns ``retracted`` or ``skipped``."""
    known = link.applied.get(origin)
    if known is not None and known[0] >= seq:
        return "skipped"
    obj = uuidToObject(known[1], unrestricted=True) if known and known[1] else None
    link.applied[origin] = (seq, known[1] if known else None)
    if obj is None:
        return "skipped"
    link.files.pop(obj.UID(), None)
    comment = f"Trung ương ({link.site}) đã thu hồi tin này"
    with as_link():
        state = review_state(obj)
        if state == "published":
            _transition(obj, "retract", comment)
        elif state in WAITING:
            _transition(obj, "withdraw", comment)
        provenance.record(obj, retracted=True, seq=seq)
    return "retracted"


def fetch_files(portal, link):
    """Fetch the files copies wait for, then publish or submit them (``files.fetch``)."""
    return files.fetch(portal, link, _through_chain)


def changes(data):
    """``(seq, kind, payload)`` of a change document in log order: upserts carry the JSON
    Feed item, tombstones the origin UID. Items of a current (not change) page have no
    ``seq``: they are the latest state, as of the page's cursor."""
    cursor = int(data["_nguon"].get("cursor") or 0)
    found = []
    for item in data.get("items") or ():
        seq = item["_nguon"].get("seq")
        found.append((int(seq) if seq is not None else cursor, "upsert", item))
    for tombstone in data["_nguon"].get("deleted") or ():
        seq = tombstone.get("seq")
        found.append(
            (int(seq) if seq is not None else cursor, "delete", tombstone["uid"])
        )
    return sorted(found, key=lambda change: change[0])


def apply(portal, link, data, now=None):
    """Apply a change document; returns the counts and moves the link's cursor."""
    counts = {"created": 0, "updated": 0, "retracted": 0, "skipped": 0}
    for seq, kind, payload in changes(data):
        if kind == "upsert":
            outcome = upsert(portal, link, payload, seq, now)
        else:
            outcome = retract(portal, link, payload, seq)
        counts[outcome] += 1
    cursor = int(data["_nguon"].get("cursor") or 0)
    if cursor > link.cursor:
        link.cursor = cursor
    counts["cursor"] = link.cursor
    return counts
