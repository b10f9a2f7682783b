"""What one push says: the JSON payload of the contract (docs/webpush.md), its ``Topic`` and
``TTL``, and the encrypted request a push service takes (RFC 8030, 8291, 8292).

- ``topic(alert)``: a 32-character base64url token of the chain's first message (``sender,
  identifier``; an Update or Cancel names it first in its ``references``), so the push
  service and the phone replace the earlier message of the same warning.
- ``payload(...)``: ``{"kind": "alert", "action": "new"|"update"|"cancel", "uid",
  "identifier", "title", "body", "severity", "unit", "url", "expires"}``. ``uid`` is the UID
  of the chain's first message that was pushed (the app's notification ``tag``: an Update
  or Cancel replaces or closes it); ``alert_uid`` is the message's own.
- ``request(...)``: the payload encrypted for one subscription (aes128gcm, pywebpush) with
  the headers: ``Authorization: vapid t=…,k=…`` (py_vapid; one token per push service
  origin and round), ``Urgency: high``, ``TTL``, ``Topic``.
"""

from datetime import datetime
from datetime import UTC
from nguon.content.alert import expires_at
from nguon.content.alert import sender_of
from pywebpush import WebPusher
from urllib.parse import urlsplit

import base64
import hashlib
import json
import time


BODY_LIMIT = 300  # characters of the instruction (or description) a notification shows
VAPID_HOURS = 12  # a VAPID token's validity (RFC 8292: at most 24 hours)


def chain_root(alert):
    """``sender,identifier`` of the first message of the alert's chain."""
    references = list(getattr(alert, "references", None) or ())
    if references:
        sender, _sep, rest = references[0].partition(",")
        identifier = rest.partition(",")[0]
        if sender and identifier:
            return f"{sender},{identifier}"
    return f"{sender_of(alert)},{getattr(alert, 'identifier', '') or ''}"


def topic(alert):
    digest = hashlib.sha256(chain_root(alert).encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")[:32]


def ttl(alert, now=None):
    """Seconds until the alert expires (0 when it has; a day when it never does)."""
    expires = expires_at(alert)
    if expires is None:
        return 86400
    now = now or datetime.now(UTC)
    return max(0, int((expires - now).total_seconds()))


def short(text, limit=BODY_LIMIT):
    text = " ".join(str(text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def payload(alert, action, unit, url, tag_uid):
    expires = expires_at(alert)
    return {
        "kind": "alert",
        "action": action,
        "uid": tag_uid,
        "alert_uid": alert.UID(),
        "identifier": getattr(alert, "identifier", "") or "",
        "title": alert.Title(),
        "body": short(
            getattr(alert, "instruction", None)
            or getattr(alert, "alert_description", None)
        ),
        "severity": getattr(alert, "severity", None) or "Unknown",
        "unit": unit,
        "url": url,
        "expires": expires.astimezone(UTC).isoformat() if expires else None,
    }


def encoded(data):
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def origin(endpoint):
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


class Vapid:
    """The ``Authorization`` header of each push service origin, signed once per round."""

    def __init__(self, vapid, subject):
        self.vapid, self.subject, self.tokens = vapid, subject, {}

    def header(self, endpoint):
        audience = origin(endpoint)
        if audience not in self.tokens:
            claims = {
                "aud": audience,
                "sub": self.subject,
                "exp": int(time.time()) + VAPID_HOURS * 3600,
            }
            self.tokens[audience] = self.vapid.sign(claims)["Authorization"]
        return self.tokens[audience]


def request(endpoint, subscription, data, headers):
    """``(body, headers)`` of one push: ``data`` (bytes) encrypted for the subscription."""
    info = {
        "endpoint": endpoint,
        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
    }
    body = WebPusher(info).encode(data, "aes128gcm")["body"]
    return body, {
        **headers,
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
    }
