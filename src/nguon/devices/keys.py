"""The site's Ed25519 device keys, kept in the portal's annotations (the ZODB holds the site's
other secrets too: password hashes, push secrets). They sign what stations air (schedules,
``nguon.radio.schedule``) and the alerts broadcast to every device through the messaging
engine (``nguon.devices.broadcast``). Made on install; devices pin their public halves
(``@radio-signing-key``). The annotation keys keep their first names (``nguon.radio.…``) so
that existing sites keep their keys.

**Rotation** (``nguon-radio-keys rotate``): a new key becomes the current key; the previous
one is kept as *retiring* until a stated time (its ``not_after``). Until then the site signs
every document with both keys (``signing.sign``), so a station that still pins only the old
key goes on accepting while its operator pins the new one; from that time on the retiring key
signs nothing and is forgotten. Stations trust only what they pin, with the not-after times
their operators give (``nguon-station --public-key KEY@NOT_AFTER``): nothing the site
publishes can extend a key's life on a station.
"""

from datetime import datetime
from datetime import UTC
from nguon.annotations import site_state
from nguon.radio import signing
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping
from zope.annotation.interfaces import IAnnotations

import base64


KEY = "nguon.radio.signing-key"
RETIRING = (
    "nguon.radio.signing-keys-retiring"  # [{private, public, not_after (epoch s)}]
)


def _new():
    private = signing.new_private_key()
    return PersistentMapping(private=private, public=signing.public_key(private))


def signing_key(portal, create=False):
    """The current key (a mapping with ``private`` and ``public`` raw bytes)."""
    return site_state(portal, KEY, _new, create)


def public_key(portal):
    key = signing_key(portal)
    return key["public"] if key else None


def retiring(portal, now=None):
    """The previous keys still in force at ``now`` (an aware datetime), oldest first."""
    moment = (now or datetime.now(UTC)).timestamp()
    return [
        key
        for key in site_state(portal, RETIRING, PersistentList) or ()
        if moment < key["not_after"]
    ]


def private_keys(portal, now=None):
    """What signs a document now: the current key first, then the retiring ones."""
    return [signing_key(portal)["private"]] + [
        key["private"] for key in retiring(portal, now)
    ]


def rotate(portal, not_after, now=None):
    """Make a new current key; the current one signs too until ``not_after`` (an aware
    datetime, not in the past). Keys whose time has passed are forgotten. Returns the new
    key's id."""
    now = now or datetime.now(UTC)
    if not_after < now:
        raise ValueError("thời điểm thôi dùng khóa cũ đã qua")
    old = signing_key(portal, create=True)
    kept = site_state(portal, RETIRING, PersistentList, create=True)
    kept[:] = retiring(portal, now) + [
        PersistentMapping(
            private=old["private"],
            public=old["public"],
            not_after=not_after.timestamp(),
        )
    ]
    new = IAnnotations(portal)[KEY] = _new()
    return signing.key_id(new["public"])


def _iso(seconds):
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="seconds")


def published(portal, now=None):
    """The keys stations may pin, current first: ``{key_id, public_key, not_after}`` (base64
    public key; ``not_after`` ISO 8601, None for the current key)."""

    def entry(key, not_after):
        return {
            "key_id": signing.key_id(key["public"]),
            "public_key": base64.b64encode(key["public"]).decode("ascii"),
            "not_after": not_after,
        }

    return [entry(signing_key(portal), None)] + [
        entry(key, _iso(key["not_after"])) for key in retiring(portal, now)
    ]
