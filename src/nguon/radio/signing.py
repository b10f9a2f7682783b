"""Ed25519 signatures of the documents the site sends to stations (the ``cryptography``
package).

A document is signed for one **station** and one **kind** (``schedule`` or ``emergencies``):
both are written into the signed payload, so a document signed for station A, or an
emergencies document, cannot be replayed as station B's schedule (the agent checks both,
``nguon.station.acceptance``). The payload is signed over its canonical JSON (keys sorted, no
spaces, UTF-8): any change of any byte breaks the signature.

The envelope is ``{"schedule": {...payload...}, "signatures": [{"key_id", "signature"}, ...]}``:
one signature per key the site signs with. While a signing key is being rotated
(``nguon.devices.keys``) the site signs with the new key and with the retiring one, so stations
that still pin only the old key go on accepting until its stated end. A station accepts a
document when one signature verifies under one of its **pinned** keys whose not-after time has
not passed (``Pin``).

Pure Python with no Zope import: the station agent verifies with the same functions.
"""

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import NoEncryption
from cryptography.hazmat.primitives.serialization import PrivateFormat
from cryptography.hazmat.primitives.serialization import PublicFormat
from datetime import datetime
from datetime import UTC
from typing import NamedTuple

import base64
import hashlib
import json


SCHEDULE = "schedule"
EMERGENCIES = "emergencies"


class SignatureError(Exception):
    """The document is not signed by a pinned key, or was changed after signing."""


class Pin(NamedTuple):
    """A public key a station trusts, until ``not_after`` (an aware datetime; None: no end)."""

    public: bytes
    not_after: datetime | None = None

    @property
    def key_id(self):
        return key_id(self.public)

    def in_force(self, now):
        return self.not_after is None or now < self.not_after


def canonical(document):
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def new_private_key():
    """Raw private key bytes (32)."""
    return Ed25519PrivateKey.generate().private_bytes(
        Encoding.Raw, PrivateFormat.Raw, NoEncryption()
    )


def public_key(private_raw):
    key = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_raw):
    return hashlib.sha256(public_raw).hexdigest()[:16]


def sign(document, private_keys, kind, station):
    """The envelope of ``document`` signed for ``station`` (its UID) and ``kind`` by every key
    of ``private_keys`` (raw private key bytes, the current key first)."""
    payload = {**document, "kind": kind, "station": station}
    body = canonical(payload)
    signatures = []
    for private_raw in private_keys:
        key = Ed25519PrivateKey.from_private_bytes(private_raw)
        signatures.append(
            {
                "key_id": key_id(public_key(private_raw)),
                "signature": base64.b64encode(key.sign(body)).decode("ascii"),
            }
        )
    return {"schedule": payload, "signatures": signatures}


def verify(envelope, pins, now=None):
    """The payload of ``envelope`` when one of its signatures is by a pinned key in force at
    ``now``; else ``SignatureError``. ``pins``: ``Pin``s (or one public key's raw bytes,
    pinned without end). Kind and station are checked by the caller (it knows what it asked
    for)."""
    if isinstance(pins, bytes):
        pins = [Pin(pins)]
    now = now or datetime.now(UTC)
    try:
        payload = envelope["schedule"]
        signatures = {
            entry["key_id"]: base64.b64decode(entry["signature"], validate=True)
            for entry in envelope["signatures"]
        }
    except (KeyError, TypeError, ValueError) as error:
        raise SignatureError("không phải lịch phát có chữ ký") from error
    if not isinstance(payload, dict):
        raise SignatureError("không phải lịch phát có chữ ký")
    pinned = [pin for pin in pins if pin.key_id in signatures]
    if not pinned:
        raise SignatureError("lịch phát ký bằng khóa khác khóa đã ghim")
    in_force = [pin for pin in pinned if pin.in_force(now)]
    if not in_force:
        ends = ", ".join(
            f"{pin.key_id} đến {pin.not_after.isoformat()}" for pin in pinned
        )
        raise SignatureError(f"khóa đã ghim ký lịch phát này đã hết hạn dùng ({ends})")
    body = canonical(payload)
    for pin in in_force:
        try:
            Ed25519PublicKey.from_public_bytes(pin.public).verify(
                signatures[pin.key_id], body
            )
        except InvalidSignature:
            continue
        return payload
    raise SignatureError("chữ ký lịch phát không hợp lệ (nội dung đã bị sửa)")
