"""What a browser's subscription must be before it is kept (``checked``).

The body is the browser's ``PushSubscription.toJSON()``: ``endpoint`` (the push service's
address for this browser: https only, at most ``MAX_ENDPOINT`` characters, and an address
the site may call: ``nguon.syndication.addresses.checked`` with the registry's allowed
networks, as for feed callbacks), ``keys.p256dh`` (the browser's P-256 public key, an
uncompressed point, base64url) and ``keys.auth`` (16 bytes, base64url). Anything else in the
body is ignored and nothing else is kept. Every refusal is a ``UserError`` in Vietnamese.
"""

from cryptography.hazmat.primitives.asymmetric import ec
from nguon import _
from nguon.errors import UserError
from nguon.syndication import addresses
from urllib.parse import urlsplit

import base64
import binascii


MAX_ENDPOINT = 1024


def _decoded(text):
    text = str(text or "").strip()
    if not text or len(text) > 200:
        raise ValueError(text)
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise ValueError(text) from error


def bad_keys():
    return UserError(
        _(
            "webpush_error_keys",
            default="Khóa của đăng ký nhận cảnh báo không hợp lệ (cần keys.p256dh và "
            "keys.auth do trình duyệt cấp).",
        )
    )


def endpoint_of(body):
    """The endpoint named in ``body``: a string; ``UserError`` otherwise."""
    endpoint = body.get("endpoint") if isinstance(body, dict) else None
    if not isinstance(endpoint, str) or not endpoint.strip():
        raise UserError(
            _(
                "webpush_error_body",
                default="Nội dung gửi lên phải là đăng ký nhận thông báo của trình duyệt "
                "(PushSubscription), có «endpoint» và «keys».",
            )
        )
    return endpoint.strip()


def checked(body, allowed=()):
    """``(endpoint, p256dh, auth)`` of a subscription the site may keep; ``UserError``
    saying why not."""
    endpoint = endpoint_of(body)
    if len(endpoint) > MAX_ENDPOINT:
        raise UserError(
            _(
                "webpush_error_endpoint_long",
                default="Địa chỉ nhận thông báo quá dài.",
            )
        )
    if urlsplit(endpoint).scheme != "https":
        raise UserError(
            _(
                "webpush_error_https",
                default="Địa chỉ nhận thông báo phải là địa chỉ https của dịch vụ "
                "thông báo của trình duyệt.",
            )
        )
    addresses.checked(endpoint, allowed)
    keys = body.get("keys")
    if not isinstance(keys, dict):
        raise bad_keys()
    try:
        p256dh, auth = _decoded(keys.get("p256dh")), _decoded(keys.get("auth"))
        if len(p256dh) != 65 or p256dh[0] != 4 or len(auth) != 16:
            raise ValueError("lengths")
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), p256dh)
    except ValueError as error:
        raise bad_keys() from error
    return endpoint, keys["p256dh"].strip(), keys["auth"].strip()
