"""What a browser's subscription must be before it is kept (``checked``).

The body is the browser's ``PushSubscription.toJSON()``: ``endpoint`` (the push service's
address for this browser: https only, at most ``MAX_ENDPOINT`` characters, and an address
the site may call: ``nguon.syndication.addresses.checked`` with the registry's allowed
networks, as for feed callbacks), ``keys.p256dh`` (the browser's P-256 public key, an
uncompressed point, base64url) and ``keys.auth`` (16 bytes, base64url), each at most
``MAX_KEY`` characters of the base64url alphabet and kept in its canonical form (87 and 22
characters), and ``expirationTime`` (``null``, or when the browser ends the subscription:
milliseconds since the epoch, in the future). Anything else in the body is ignored and
nothing else is kept. Every refusal is a ``UserError`` in Vietnamese.
"""

from cryptography.hazmat.primitives.asymmetric import ec
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.errors import UserError
from nguon.syndication import addresses
from urllib.parse import urlsplit

import base64
import binascii
import math
import re


MAX_ENDPOINT = 1024
MAX_KEY = 200  # characters of keys.p256dh or keys.auth (base64url of 65 and 16 bytes)
MAX_BODY = 4096  # bytes of a request's body (a browser's subscription is under 1,500)
LATEST_EXPIRY = 253402300799  # 9999-12-31T23:59:59Z: beyond it, not a time
BASE64URL = re.compile(r"^[A-Za-z0-9_-]+={0,2}$")
URL_CHARACTERS = re.compile(
    r"^[\x21-\x7e]+$"
)  # printable ASCII: what a request line holds


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _decoded(text):
    if not isinstance(text, str):
        raise ValueError(text)
    text = text.strip()
    # The alphabet is checked first: Python's decoder skips characters it does not know.
    if not text or len(text) > MAX_KEY or not BASE64URL.match(text):
        raise ValueError(text)
    try:
        return base64.urlsafe_b64decode(
            text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4)
        )
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


def bad_expiry():
    return UserError(
        _(
            "webpush_error_expiration",
            default="Thời hạn của đăng ký (expirationTime) không hợp lệ: cần để trống "
            "(null) hoặc là thời điểm tính bằng mili giây như trình duyệt cấp.",
        )
    )


def expiry_of(body, now=None):
    """The browser's ``expirationTime`` in seconds since the epoch, or None (``null`` or
    absent); ``UserError`` when it is not a time or has passed."""
    value = body.get("expirationTime") if isinstance(body, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise bad_expiry()
    try:
        seconds = value / 1000
    except OverflowError as error:  # an integer beyond every float
        raise bad_expiry() from error
    if not math.isfinite(seconds) or not 0 < seconds <= LATEST_EXPIRY:
        raise bad_expiry()
    now = (now or datetime.now(UTC)).timestamp()
    if seconds <= now:
        raise UserError(
            _(
                "webpush_error_expired",
                default="Đăng ký nhận thông báo này đã hết hạn (expirationTime đã qua); "
                "trình duyệt cần đăng ký lại.",
            )
        )
    return seconds


def checked(body, allowed=(), now=None):
    """``(endpoint, p256dh, auth, expires)`` of a subscription the site may keep (the keys
    in canonical base64url, ``expires`` in seconds or None); ``UserError`` saying why
    not."""
    endpoint = endpoint_of(body)
    if len(endpoint) > MAX_ENDPOINT:
        raise UserError(
            _(
                "webpush_error_endpoint_long",
                default="Địa chỉ nhận thông báo quá dài.",
            )
        )
    if not URL_CHARACTERS.match(endpoint):
        raise UserError(
            _(
                "webpush_error_endpoint_characters",
                default="Địa chỉ nhận thông báo chứa ký tự không hợp lệ (khoảng trắng, "
                "ký tự điều khiển hoặc ngoài bảng mã ASCII).",
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
    return endpoint, b64url(p256dh), b64url(auth), expiry_of(body, now)
