"""What a browser's subscription must be before it is kept (``checked``).

The body is the browser's ``PushSubscription.toJSON()``: ``endpoint`` (the push service's
address for this browser: https only, at most ``MAX_ENDPOINT`` characters, on a known push
service (``push_service``), and an address the site may call:
``nguon.syndication.addresses.checked`` with the registry's allowed networks, as for feed
callbacks), ``keys.p256dh`` (the browser's P-256 public key, an uncompressed point,
base64url) and ``keys.auth`` (16 bytes, base64url), each at most ``MAX_KEY`` characters of
the base64url alphabet and kept in its canonical form (87 and 22 characters), and
``expirationTime`` (``null``, or when the browser ends the subscription: milliseconds since
the epoch, in the future). Anything else in the body is ignored and nothing else is kept.
Every refusal is a ``UserError`` in Vietnamese.

**Known push services.** Browsers only ever give endpoints of their vendor's push service,
so an endpoint's host must be one the registry record ``nguon.webpush.push_services`` names
(``PUSH_SERVICES``: a host name, or ``*.`` and a domain for any name below that domain,
never the domain itself), compared without case and without one trailing dot; or every
address it resolves to must lie in the allowed networks
(``nguon.syndication.allowed_networks``: a test push service on loopback, a province's own
on its network). Otherwise anyone could
make the site send a POST per alert to a public https address of their choosing.
``known`` answers the same question for the consumer, which skips a kept endpoint that is
no longer on a known push service (the list was narrowed).
"""

from cryptography.hazmat.primitives.asymmetric import ec
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.errors import UserError
from nguon.syndication import addresses
from plone import api
from urllib.parse import urlsplit

import base64
import binascii
import ipaddress
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


# The push services of the browsers in use (docs/webpush.md "Known push services" cites
# where each name comes from): Google's FCM (Chrome, Edge on Android, Samsung Internet,
# Opera; android.googleapis.com for old Chrome), Mozilla's autopush (Firefox), Apple's
# (Safari: any subdomain of push.apple.com, web.push.apple.com today) and Microsoft's WNS
# (Edge on Windows).
DEFAULT_PUSH_SERVICES = (
    "fcm.googleapis.com",
    "android.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)
PUSH_SERVICES = "nguon.webpush.push_services"


def push_services():
    """The registry's known push services (``DEFAULT_PUSH_SERVICES`` when it has none)."""
    value = api.portal.get_registry_record(PUSH_SERVICES, default=None)
    return tuple(DEFAULT_PUSH_SERVICES if value is None else value)


def host_of(endpoint):
    """The endpoint's host as compared: lower case, without one trailing dot."""
    try:
        host = urlsplit(endpoint).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    return host[:-1] if host.endswith(".") else host


def listed(host, services):
    """Whether ``host`` (``host_of``) is one of ``services`` (``PUSH_SERVICES``)."""
    if not host:
        return False
    for entry in services or ():
        name = (entry or "").strip().lower().rstrip(".")
        if name.startswith("*."):
            if len(name) > 2 and host.endswith(name[1:]):
                return True
        elif name and host == name:
            return True
    return False


def literal(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def in_networks(host, port, networks):
    """Whether every address ``host`` resolves to lies in ``networks`` (a literal address
    is not resolved, a name is only when there are networks to find it in)."""
    if not networks:
        return False
    found = [literal(host)] if literal(host) else None
    if found is None:
        try:
            found = addresses.resolve(host, port)
        except UserError:
            return False
    mapped = [getattr(a, "ipv4_mapped", None) or a for a in found]
    return bool(mapped) and all(any(a in n for n in networks) for a in mapped)


def port_of(endpoint):
    try:
        return urlsplit(endpoint).port or 443
    except ValueError:
        return 443


def known(endpoint, services, networks):
    """Whether the site pushes to ``endpoint``: its host is a known push service, or on
    the allowed ``networks`` (``addresses.networks``)."""
    host = host_of(endpoint)
    return listed(host, services) or in_networks(host, port_of(endpoint), networks)


def unknown_service():
    return UserError(
        _(
            "webpush_error_unknown_service",
            default="Địa chỉ nhận thông báo không thuộc dịch vụ thông báo đẩy nào đã "
            "biết của trình duyệt (Google, Mozilla, Apple, Microsoft); trang chỉ gửi "
            "cảnh báo tới địa chỉ do trình duyệt cấp.",
        )
    )


def push_service(endpoint, allowed=(), services=DEFAULT_PUSH_SERVICES):
    """Refuse (``UserError``) an endpoint that is not on a known push service or on the
    allowed networks, and one the site may not call (``addresses.checked``). A host not
    listed is looked up only when there are allowed networks (or it is an address)."""
    host = host_of(endpoint)
    if listed(host, services):
        addresses.checked(endpoint, allowed)
        return
    networks = addresses.networks(allowed)
    if networks or literal(host):
        if in_networks(host, port_of(endpoint), networks):
            addresses.checked(endpoint, allowed)
            return
        try:
            addresses.checked(endpoint, allowed)  # says "nội bộ" for a private address
        except UserError as error:
            if error.message != "ssrf_error_resolve":
                raise
    raise unknown_service()


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


def checked(body, allowed=(), now=None, services=DEFAULT_PUSH_SERVICES):
    """``(endpoint, p256dh, auth, expires)`` of a subscription the site may keep (the keys
    in canonical base64url, ``expires`` in seconds or None); ``UserError`` saying why
    not. ``services``: the known push services (``push_services()``)."""
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
    try:
        scheme = urlsplit(endpoint).scheme
    except ValueError:  # e.g. an unclosed IPv6 bracket
        scheme = None
    if scheme != "https":
        raise UserError(
            _(
                "webpush_error_https",
                default="Địa chỉ nhận thông báo phải là địa chỉ https của dịch vụ "
                "thông báo của trình duyệt.",
            )
        )
    push_service(endpoint, allowed, services)
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
