"""Deliveries as central sends them (``nguon.syndication.pusher``'s change documents), built
by hand for the attacks, signed with a link's secret, posted to the province's inbox."""

from nguon.federation import links
from nguon.syndication import formats
from nguon.syndication import signing

import json
import requests
import time
import transaction
import uuid


SECRET = "a-secret-of-the-link-0123456789"
LOOP_SECRET = "the-link-secret-of-province-44"  # conftest's link, over HTTP
CENTRAL = "https://trunguong.nguon.invalid"
CENTRAL_UNIT = {"code": "VN", "title": "Trung ương", "level": "central"}


def make_link(portal, link_id="trung-uong", unit="46", secret=SECRET):
    link = links.add(
        portal,
        link_id,
        f"{CENTRAL}/vn/{unit}/feed.json",
        secret,
        unit_code=unit,
        local_unit=unit,
    )
    transaction.commit()
    return link


def item(uid, seq, title, portal_type="Bulletin", priority="normal", **nguon):
    now = formats.iso(time.time())
    return {
        "id": formats.entry_id(uid),
        "url": f"{CENTRAL}/vn/{uid}",
        "title": title,
        "summary": f"Tóm tắt: {title}",
        "content_html": f"<p>Nội dung: {title}</p>",
        "date_published": now,
        "date_modified": now,
        "_nguon": {
            "uid": uid,
            "type": portal_type,
            "category": "public-services",
            "priority": priority,
            "unit": CENTRAL_UNIT,
            "channels": ["web"],
            "number": nguon.pop("number", None),
            "expires": None,
            "seq": seq,
            **nguon,
        },
    }


def tombstone(uid, seq):
    return {
        "id": formats.entry_id(uid),
        "uid": uid,
        "when": formats.iso(time.time()),
        "seq": seq,
    }


def document(link, items=(), deleted=(), sent=None, sid=None, unit=None, cursor=None):
    seqs = [i["_nguon"]["seq"] for i in items] + [d["seq"] for d in deleted]
    span = f"{min(seqs, default=0)}-{max(seqs, default=0)}"
    return {
        "version": formats.JSON_FEED,
        "title": "Thông tin của Thành phố Huế",
        "items": list(items),
        "_nguon": {
            "unit": {
                "code": unit or link.unit_code,
                "title": "Huế",
                "level": "province",
            },
            "cursor": cursor if cursor is not None else max(seqs, default=0),
            "deleted": list(deleted),
            "links": {},
            "updated": formats.iso(time.time()),
            "delivery": {
                "id": f"{sid or link.subscription_id}:{span}",
                "sent": formats.iso(sent if sent is not None else time.time()),
            },
        },
    }


def signed(data, secret=SECRET):
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return body, signing.sign(secret, body)


def post(portal, link_id, body, signature, accept=None):
    headers = {"Content-Type": "application/feed+json; charset=utf-8"}
    if signature is not None:
        headers[signing.HEADER] = signature
    if accept:
        headers["Accept"] = accept
    return requests.post(
        f"{portal.absolute_url()}/@federation-inbox/{link_id}",
        data=body,
        headers=headers,
        timeout=60,
    )


def new_uid():
    return uuid.uuid4().hex


def alert_item(uid, seq, title="Lũ quét trên sông Hương", units=(("46", True),), **cap):
    """A central alert's entry as ``formats.json_item`` writes it: ``_nguon.cap`` (CAP
    facts; ``msg_type``, ``references``, ``languages`` … as keyword arguments), expiring in
    six hours."""
    found = item(
        uid,
        seq,
        title,
        "Alert",
        "emergency",
        category="disaster",
        expires=formats.iso(time.time() + 6 * 3600),
    )
    found["_nguon"]["cap"] = {
        "identifier": cap.pop("identifier", f"nguon-{uid}"),
        "sender": "trunguong@nguon.invalid",
        "sent": formats.iso(time.time()),
        "status": "Actual",
        "msg_type": "Alert",
        "references": [],
        "event": "Lũ quét",
        "categories": ["Met"],
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "response_types": ["Evacuate"],
        "description": f"Mô tả: {title}",
        "instruction": "Di chuyển lên chỗ cao ngay.",
        "onset": None,
        "area": {
            "description": "Lưu vực sông Hương",
            "polygon": None,
            "circle": None,
            "units": [list(pair) for pair in units],
        },
        "web": None,
        "contact": None,
        "languages": [],
        **cap,
    }
    return found


def reference(alert_entry):
    """The CAP reference ``sender,identifier,sent`` of a central alert's entry."""
    cap = alert_entry["_nguon"]["cap"]
    return f"{cap['sender']},{cap['identifier']},{cap['sent']}"
