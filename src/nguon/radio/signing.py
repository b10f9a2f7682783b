"""Ed25519 signatures of schedule documents (the ``cryptography`` package).

A schedule is signed over its canonical JSON (keys sorted, no spaces, UTF-8), so any change of
any byte of its content breaks the signature. The envelope is
``{"schedule": {...}, "signature": <base64>, "key_id": <hex>}``. Pure Python with no Zope
import: the station agent verifies with the same functions.
"""
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.hazmat.primitives.serialization import NoEncryption
from cryptography.hazmat.primitives.serialization import PrivateFormat
from cryptography.hazmat.primitives.serialization import PublicFormat

import base64
import hashlib
import json


class SignatureError(Exception):
    """The document is not signed by the pinned key, or was changed after signing."""


def canonical(document):
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def new_private_key():
    """Raw private key bytes (32)."""
    return Ed25519PrivateKey.generate().private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def public_key(private_raw):
    key = Ed25519PrivateKey.from_private_bytes(private_raw).public_key()
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_raw):
    return hashlib.sha256(public_raw).hexdigest()[:16]


def sign(document, private_raw):
    key = Ed25519PrivateKey.from_private_bytes(private_raw)
    return {"schedule": document,
            "signature": base64.b64encode(key.sign(canonical(document))).decode("ascii"),
            "key_id": key_id(public_key(private_raw))}


def verify(envelope, public_raw):
    """The schedule of ``envelope`` when its signature is the pinned key's; else
    ``SignatureError``."""
    try:
        document = envelope["schedule"]
        signature = base64.b64decode(envelope["signature"], validate=True)
    except (KeyError, TypeError, ValueError) as error:
        raise SignatureError("không phải lịch phát có chữ ký") from error
    if envelope.get("key_id") != key_id(public_raw):
        raise SignatureError("lịch phát ký bằng khóa khác khóa đã ghim")
    try:
        Ed25519PublicKey.from_public_bytes(public_raw).verify(signature, canonical(document))
    except InvalidSignature as error:
        raise SignatureError("chữ ký lịch phát không hợp lệ (nội dung đã bị sửa)") from error
    return document
