"""The keys of the client applications that file reports through Open311 (``api_key``).

GeoReport v2 asks an ``api_key`` of every ``POST requests``: a city's app, a partner's
kiosk, a chatbot. Site administrators issue one key per application with
``nguon-feedback-keys issue "<name>"`` (``nguon.feedback.cli``); the key is printed once and
only its SHA-256 is kept, in the site's annotations (``KEY``), beside the application's name
and who issued it when. A revoked key is refused from then on; it stays listed, so that the
reports it filed keep a name.

Reading needs no key (the spec's ``GET`` calls are open). Each key may file at most
``KEY_LIMITS`` reports (sliding windows per process, ``nguon.feedback.throttle.Limits``):
an application files for many citizens, so its limit is far above one contact's, and a
leaked key cannot flood the desks.
"""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.annotations import site_state
from nguon.errors import UserError
from nguon.feedback.throttle import Limits
from persistent import Persistent

import hashlib
import math
import secrets


KEY = "nguon.feedback.apikeys"

KEY_LIMITS = ((60.0, 30), (3600.0, 600))
"""Per key: at most 30 reports in any minute and 600 in any hour."""


class ClientKey(Persistent):
    """One application's key: ``key_id`` (public, shown in listings), ``name``, ``issued``
    and ``issued_by``, ``revoked`` (a time, or None)."""

    def __init__(self, key_id, name, issued, issued_by):
        self.key_id = key_id
        self.name = name
        self.issued = issued
        self.issued_by = issued_by
        self.revoked = None


class KeyStore(Persistent):
    def __init__(self):
        self.keys = OOBTree()  # key id -> ClientKey
        self.digests = OOBTree()  # sha256 of the secret -> key id


def _digest(secret):
    return hashlib.sha256(secret.strip().encode("utf-8")).hexdigest()


def _store(portal, create=False):
    return site_state(portal, KEY, KeyStore, create=create)


def issue(portal, name, issued_by="", now=None):
    """A new key for the application ``name``: ``(client, secret)``. The secret
    (``<key id>.<random>``) is shown once; the site keeps only its digest."""
    name = (name or "").strip()
    if not name:
        raise ValueError("an application name is required")
    store = _store(portal, create=True)
    key_id = secrets.token_hex(4)
    while key_id in store.keys:
        key_id = secrets.token_hex(4)
    secret = f"{key_id}.{secrets.token_urlsafe(24)}"
    client = ClientKey(key_id, name, now or datetime.now(UTC), issued_by)
    store.keys[key_id] = client
    store.digests[_digest(secret)] = key_id
    return client, secret


def revoke(portal, key_id, now=None):
    """Refuse the key from now on; returns the client, or None when no such key exists."""
    store = _store(portal)
    client = store.keys.get(key_id) if store is not None else None
    if client is not None and client.revoked is None:
        client.revoked = now or datetime.now(UTC)
    return client


def clients(portal):
    """Every key issued, revoked ones included, the oldest first."""
    store = _store(portal)
    found = list(store.keys.values()) if store is not None else []
    return sorted(found, key=lambda client: client.issued)


def check(portal, secret):
    """The application whose key ``secret`` is, or None (unknown, revoked, or empty)."""
    store = _store(portal)
    if store is None or not secret:
        return None
    client = store.keys.get(store.digests.get(_digest(secret)))
    return client if client is not None and client.revoked is None else None


class KeyThrottled(UserError):
    """An application filed too many reports; ``retry_after`` in seconds."""

    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            _(
                "open311_key_throttled",
                default="Khóa API này đã gửi quá nhiều phản ánh; vui lòng thử lại sau ${seconds} giây.",
                mapping={"seconds": self.retry_after},
            )
        )


LIMITS = Limits(KEY_LIMITS, KeyThrottled)
