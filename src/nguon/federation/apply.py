"""Apply a central site's change document to this site: one item of the link's unit per
central item, created, updated, published or submitted as the policy says, retracted when
central retracts it.

Every change is keyed by ``(origin UID, seq)``: ``link.applied`` keeps the sequence number of
the last change applied for each origin UID, and a change that is not newer is skipped. The
same delivery twice, a catch-up page overlapping a push, or an old change inside a fresh body
therefore changes nothing.

The link acts as the system user ``nguon-federation`` with only the roles an editor and an
approver of the link's unit hold there (``acting.as_link``), never an author of what it
receives, so the workflow's rule that nobody approves what they wrote still holds; the
items' creator is the link (``federation:<link id>``).

An alert (``Alert``, CAP) becomes an alert of the link's unit for the part of central's area
that lies in it (``_alert_reach``; none: skipped), with its languages that a speech engine
reads. Central's Update and Cancel are new alerts on central whose ``references`` name the
chain: the province makes the same message of its own chain (``nguon.alerts.chain
.follow_up`` of its copy of the alert referenced last), so that publishing it retracts the
copy it replaces on every channel, as a local Update or Cancel does. A Cancel is published
at once whatever the policy; a Cancel of an alert the province never got makes nothing.
"""

from DateTime import DateTime
from datetime import datetime
from nguon.alerts.chain import follow_up
from nguon.content import alert as alerts
from nguon.content.alert import IAlertInfo
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import DOCUMENT_TYPES
from nguon.content.vocabularies import PRIORITIES
from nguon.federation import files
from nguon.federation import policy
from nguon.federation import provenance
from nguon.federation.acting import as_link
from nguon.syndication import formats
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import approver_units
from nguon.workflow.state import review_state
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.app.uuid.utils import uuidToObject
from plone.i18n.normalizer.interfaces import IIDNormalizer
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.annotation.interfaces import IAnnotations
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
# On an alert copy: (link id, central's "sender,identifier") of the message it copies.
CAP_KEY = "nguon.federation.cap"


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
        # central's own facts of the document (``_nguon.document``), when it sends them
        document = nguon.get("document") or {}
        issued = _date(document.get("issue_date")) or _date(item.get("date_published"))
        fields["number"] = document.get("number") or nguon.get("number") or ""
        fields["document_type"] = _known(document.get("type"), DOCUMENT_TYPES, "other")
        fields["issuing_body"] = document.get("issuing_body") or unit_title
        fields["signer"] = document.get("signer") or None
        fields["issue_date"] = issued.date() if issued else None
    return fields


def _dates(obj, item):
    published, expires = (
        _date(item.get("date_published")),
        _date(item["_nguon"].get("expires")),
    )
    obj.effective_date = DateTime(published.isoformat()) if published else None
    obj.expiration_date = DateTime(expires.isoformat()) if expires else None


def _transition(obj, name, comment=""):
    """The workflow's own call, so that a refusal says its reason (plone.api's hides it)."""
    api.portal.get_tool("portal_workflow").doActionFor(obj, name, comment=comment)


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
        if ApprovalState(obj).awaiting_unit not in approver_units():
            return  # a unit above the link's (``acting``): its own approvers decide
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
    if portal_type == "Alert":
        return _upsert_alert(link, item, seq, known, rule, now or time.time())
    obj = uuidToObject(known[1], unrestricted=True) if known and known[1] else None
    unit = find_unit(link.local_unit)
    central_unit = nguon.get("unit") or {}
    fields = _fields(item, portal_type, rule, central_unit.get("title") or "")
    now = now or time.time()
    comment = _comment(link, nguon)
    with as_link(link):
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


# -- alerts ----------------------------------------------------------------------------


def _alert_reach(link, cap, rule):
    """``(target_scope, target_units)`` of the copy: the part of central's area (its target
    units, ``[code, below]``) that lies in the link's unit, or None when none does. Central's
    followed unit is the link's unit here; a unit above it with everything below covers the
    whole unit; units inside the link's unit are kept as chosen. A policy whose
    ``target_scope`` is ``unit`` keeps the alert to the link's unit itself."""
    central = find_unit(link.unit_code)
    above = {c for c, _level in lineage(central)} if central else {link.unit_code}
    whole, chosen = False, {}
    for code, below in (cap.get("area") or {}).get("units") or ():
        if code == link.unit_code or code == link.local_unit:
            if below:
                whole = True
            else:
                chosen[link.local_unit] = chosen.get(link.local_unit, False)
        elif below and code in above:
            whole = True
        else:
            unit = find_unit(code)
            if unit is not None and link.local_unit in {c for c, _l in lineage(unit)}:
                chosen[code] = chosen.get(code, False) or bool(below)
    if not whole and not chosen:
        return None
    if rule.target_scope == "unit" or (not whole and set(chosen) == {link.local_unit}):
        return "unit", []
    if whole:
        return "subtree", []
    return ("area" if all(chosen.values()) else "chosen"), sorted(chosen)


def _choice(value, choices, fallback):
    return value if value in {term for term, _title in choices} else fallback


def _local_time(text):
    """An ISO time of central as the forms keep an alert's times: naive, in the site's
    zone."""
    moment = _date(text)
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def _alert_fields(item, cap, now):
    area = cap.get("area") or {}
    onset = _local_time(cap.get("onset"))
    if onset is not None and alerts.as_aware(onset).timestamp() <= now:
        onset = None  # begun already: the province's message, sent now, cannot say so
    categories = {term for term, _title in alerts.CAP_CATEGORIES}
    responses = {term for term, _title in alerts.RESPONSE_TYPES}
    return {
        "title": (item.get("title") or cap.get("event") or "")[:160],
        "description": item.get("summary") or "",
        "cap_status": _choice(cap.get("status"), alerts.STATUSES, "Actual"),
        "event": (cap.get("event") or "")[:120],
        "cap_categories": set(cap.get("categories") or ()) & categories or {"Other"},
        "urgency": _choice(cap.get("urgency"), alerts.URGENCIES, "Unknown"),
        "severity": _choice(cap.get("severity"), alerts.SEVERITIES, "Unknown"),
        "certainty": _choice(cap.get("certainty"), alerts.CERTAINTIES, "Unknown"),
        "response_types": set(cap.get("response_types") or ()) & responses,
        "alert_description": cap.get("description") or "",
        "instruction": cap.get("instruction") or "",
        "onset": onset,
        "area_description": (area.get("description") or "")[:500] or None,
        "polygon": area.get("polygon") or None,
        "circle": area.get("circle") or None,
        "web": cap.get("web") or None,
        "contact": (cap.get("contact") or "")[:200] or None,
    }


def _languages(alert, cap):
    """Make the alert's other languages those of central's message that a speech engine
    reads (a recorded voice is not carried); returns the languages left out."""
    # Replaced as the copy's fields are (set, not through a form): ``manage_delObjects``
    # would ask for "Delete objects", which a published or retracted item gives Managers
    # only, not the link (``acting``); these are the link's own copy's parts.
    for old in [c.getId() for c in alert.objectValues() if IAlertInfo.providedBy(c)]:
        alert._delObject(old)
    made, left = set(), []
    for info in cap.get("languages") or ():
        language = info.get("language")
        if language not in alerts.SPOKEN - {alerts.VIETNAMESE} or language in made:
            left.append(str(language))
            continue
        made.add(language)
        api.content.create(
            container=alert,
            type="AlertInfo",
            id=f"info-{language.lower()}",
            title=(info.get("headline") or info.get("event") or "")[:160],
            language=language,
            event=(info.get("event") or "")[:120],
            alert_description=info.get("description") or "",
            instruction=info.get("instruction") or "",
        )
    return left


def _cap_key(text):
    """``sender,identifier`` of a CAP reference or message key ``sender,identifier,sent``."""
    sender, _comma, rest = (text or "").partition(",")
    return f"{sender},{rest.partition(',')[0]}"


def _referenced_copy(link, cap):
    """This link's copy of the alert central's message references last, or None."""
    keys = [_cap_key(text) for text in cap.get("references") or ()]
    if not keys:
        return None
    copies = {}
    for brain in api.content.find(
        context=find_unit(link.local_unit), portal_type="Alert", unrestricted=True
    ):
        obj = brain._unrestrictedGetObject()
        mark = IAnnotations(obj).get(CAP_KEY)
        if mark and mark[0] == link.id:
            copies[mark[1]] = obj
    return next((copies[key] for key in reversed(keys) if key in copies), None)


def _upsert_alert(link, item, seq, known, rule, now):
    """``upsert`` of a central alert (see the module)."""
    nguon = item["_nguon"]
    origin, cap = nguon["uid"], nguon.get("cap")
    reach = _alert_reach(link, cap, rule) if cap else None
    if reach is None:  # an area not ours, or a central that sends no CAP facts
        link.applied[origin] = (seq, None)
        link.note(
            status="alert-skipped", origin=origin, reason="area" if cap else "no-cap"
        )
        return "skipped"
    obj = uuidToObject(known[1], unrestricted=True) if known and known[1] else None
    msg_type = _choice(cap.get("msg_type"), alerts.MSG_TYPES, "Alert")
    follows = None
    comment = _comment(link, nguon)
    if obj is None and msg_type != "Alert":
        follows = _referenced_copy(link, cap)
        if follows is None and msg_type == "Cancel":
            link.applied[origin] = (seq, None)
            link.note(status="alert-skipped", origin=origin, reason="cancel-of-nothing")
            return "skipped"
        if follows is None:
            msg_type = "Alert"  # an Update of an alert this site never got: a new one
        elif msg_type == "Cancel" and review_state(follows) in WAITING:
            with as_link(link):  # never sent: just withdrawn
                _transition(follows, "withdraw", comment)
            link.applied[origin] = (seq, None)
            return "retracted"
        elif msg_type == "Cancel" and review_state(follows) in ("draft", "rejected"):
            link.applied[origin] = (seq, None)  # never sent: nothing to cancel
            return "skipped"
        # a copy published, or retracted already (central's tombstone came first): the
        # province's own Update or Cancel of it follows, for its CAP readers too
    fields = _alert_fields(item, cap, now)
    fields["category"] = _known(nguon.get("category"), CATEGORIES, "disaster")
    fields["target_scope"], fields["target_units"] = reach
    with as_link(link):
        if obj is not None:
            for name, value in fields.items():
                setattr(obj, name, value)
            outcome = "updated"
        elif follows is not None:
            obj = follow_up(follows, msg_type)
            for name, value in fields.items():
                setattr(obj, name, value)
            outcome = "created"
        else:
            obj = api.content.create(
                container=find_unit(link.local_unit),
                type="Alert",
                id=getUtility(IIDNormalizer).normalize(fields["title"], max_length=60)
                or "canh-bao",
                safe_id=True,
                msg_type="Alert",
                **fields,
            )
            outcome = "created"
        obj.setCreators((f"federation:{link.id}",))
        left = _languages(obj, cap)
        _dates(obj, item)
        IAnnotations(obj)[CAP_KEY] = (
            link.id,
            _cap_key(f"{cap.get('sender')},{cap.get('identifier')}"),
        )
        provenance.record(
            obj,
            site=link.site,
            url=item.get("url"),
            origin_uid=origin,
            unit=dict(nguon.get("unit") or {}),
            approvers=list(nguon.get("approvers") or ()),
            seq=seq,
            link=link.id,
            updated=now,
            retracted=False,
        )
        if outcome == "created":
            provenance.record(obj, received=now)
        notify(ObjectModifiedEvent(obj))
        obj.reindexObject()
        publish = "at-once" if msg_type == "Cancel" else rule.publish
        try:
            _through_chain(obj, publish, comment)
        except WorkflowException as error:  # the province's own checks of an alert
            link.note(status="alert-refused", item=obj.UID(), message=str(error)[:300])
    link.applied[origin] = (seq, obj.UID())
    if left:
        link.note(status="alert-languages", item=obj.UID(), left=left)
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
    with as_link(link):
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
