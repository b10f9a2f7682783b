"""The Web Push state of a site: its VAPID key pair, the phones' subscriptions per unit, and
what was pushed of each alert (docs/webpush.md).

Kept in the site's annotations (``KEY``), never published: the VAPID private key (PEM), and
per unit code the subscriptions ``endpoint -> Subscription(p256dh, auth, created, tests,
expires)``: the push service's address, the browser's keys and when the browser said the
subscription ends, nothing about the person; how many each unit holds (``sizes``, read by
the caps of ``nguon.restapi.webpush`` without counting). The rest is the consumer's
bookkeeping (``nguon.webpush.consumer``): per alert the action pushed last, the units it
went to, and the pushes still to send (``retry``: those that failed, and those queued for a
phone that subscribed while the alert was in force).
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from datetime import datetime
from datetime import UTC
from nguon.annotations import site_state
from nguon.outbox.lease import Lease
from nguon.outbox.wakeups import Wakeups
from persistent import Persistent
from typing import NamedTuple

import base64


KEY = "nguon.webpush"


class Subscription(NamedTuple):
    """One browser's subscription: its keys (base64url, as the browser gives them)."""

    p256dh: str
    auth: str
    created: str  # ISO time, UTC
    tests: bool = (
        False  # receives Test and Exercise alerts too (set by code, never the API)
    )
    expires: float | None = (
        None  # the browser's expirationTime (seconds since the epoch)
    )

    def expired(self, moment):
        """True when the browser said the subscription ends at or before ``moment`` (s)."""
        return self.expires is not None and self.expires <= moment


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def new_private_pem():
    """A new VAPID private key (P-256), as unencrypted PKCS#8 PEM."""
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_of(private_pem):
    """The applicationServerKey of ``private_pem``: its uncompressed point, base64url."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), None)
    return b64url(
        key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


class WebPush(Wakeups, Persistent):
    """The site's Web Push state (see the module's docstring)."""

    sizes = None  # unit code -> Length; made by ``install`` on states older than it

    def __init__(self):
        self.private_pem = new_private_pem()
        self.public_key = public_key_of(self.private_pem)
        self.key_created = datetime.now(UTC).isoformat(timespec="seconds")
        self.units = OOBTree()  # unit code -> OOBTree(endpoint -> Subscription)
        self.count = Length()
        self.sizes = OOBTree()  # unit code -> Length: its subscriptions
        self.site_url = (
            ""  # the site's address as the app reached it (for payload URLs)
        )
        self.pushed = OOBTree()  # alert uid -> (action, topic)
        self.reached = OOBTree()  # alert uid -> unit codes its pushes went to
        self.chains = (
            OOBTree()
        )  # topic -> (uid of the chain's first message, latest uid)
        self.retry = OOBTree()  # (uid, unit, endpoint) -> attempts so far
        self.schedule = OOBTree()  # (time, uid) -> None: offer the alert again then
        self.lease = Lease()

    # -- subscriptions ------------------------------------------------------------------

    def subscribe(self, unit, endpoint, p256dh, auth, tests=False, expires=None):
        """Add or renew; True when it is new. ``expires``: the browser's expirationTime in
        seconds since the epoch, or None."""
        found = self.units.get(unit)
        if found is None:
            found = self.units[unit] = OOBTree()
        new = endpoint not in found
        # A plain tuple: what the export (``nguon.exportimport.state``) writes as it is.
        found[endpoint] = (
            p256dh,
            auth,
            datetime.now(UTC).isoformat(timespec="seconds"),
            bool(tests),
            None if expires is None else float(expires),
        )
        if new:
            self.count.change(1)
            self._size(unit).change(1)
        return new

    def unsubscribe(self, unit, endpoint):
        """Remove; True when it was there."""
        found = self.units.get(unit)
        if found is None or endpoint not in found:
            return False
        del found[endpoint]
        self.count.change(-1)
        self._size(unit).change(-1)
        return True

    def has(self, unit, endpoint):
        found = self.units.get(unit)
        return found is not None and endpoint in found

    def size(self, unit):
        """How many subscriptions ``unit`` holds (without counting them)."""
        if self.sizes is None:  # a state made before ``sizes``, not upgraded yet
            return len(self.units.get(unit) or ())
        found = self.sizes.get(unit)
        return found() if found is not None else 0

    def _size(self, unit):
        if self.sizes is None:
            self.count_sizes()
        found = self.sizes.get(unit)
        if found is None:
            found = self.sizes[unit] = Length(0)
        return found

    def count_sizes(self):
        """Make ``sizes`` from the subscriptions (install and upgrade of older states)."""
        self.sizes = OOBTree(
            {unit: Length(len(found)) for unit, found in self.units.items()}
        )

    def subscriptions(self, unit):
        """``{endpoint: (p256dh, auth, created, tests)}`` of ``unit`` (a BTree; empty when
        none)."""
        return self.units.get(unit) or {}

    def entries(self, unit):
        """``(endpoint, Subscription)`` of each subscription of ``unit``."""
        for endpoint, value in self.subscriptions(unit).items():
            yield endpoint, Subscription(*value)


def install(portal):
    """The state with a new VAPID key pair (setup and upgrade; idempotent: an existing key
    pair is kept, since the phones' subscriptions are bound to it). A state made before the
    units' sizes were kept gets them."""
    found = site_state(portal, KEY, WebPush, create=True)
    if found.sizes is None:
        found.count_sizes()
    return found


def state(portal):
    return site_state(portal, KEY, WebPush)
