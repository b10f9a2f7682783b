"""Callback addresses the hub may call: a guard against server-side request forgery.

A subscriber chooses the URL the site will call, so a careless hub becomes a way into the
province's own network (the router, the database, a cloud metadata service at 169.254.169.254).
A callback must be ``http`` or ``https``, carry no credentials, and every address its host
resolves to must be public, unless it lies in a network the site administrator allowed
(registry record ``nguon.syndication.allowed_networks``, e.g. a commune's LAN). The check is
made when subscribing and again before every delivery, and redirects are never followed.
``checked`` gives the addresses it checked: ``outbound`` connects to one of them, never to a
second DNS answer (a rebinding name that answers a public address to the check and
``127.0.0.1`` to the connection gets nowhere).
"""

from nguon import _
from nguon.errors import UserError
from urllib.parse import urlsplit

import ipaddress
import socket


def networks(texts):
    """The allowed networks from their CIDR texts; a bad text is an error naming it."""
    found = []
    for text in texts or ():
        try:
            found.append(ipaddress.ip_network(text.strip(), strict=False))
        except ValueError as error:
            raise UserError(
                _(
                    "ssrf_error_network",
                    default="Mạng được phép «${text}» không hợp lệ.",
                    mapping={"text": text},
                )
            ) from error
    return found


def resolve(host, port):
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as error:
        raise UserError(
            _(
                "ssrf_error_resolve",
                default="Không phân giải được tên máy «${host}».",
                mapping={"host": host},
            )
        ) from error
    return sorted(
        {ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos}, key=str
    )


def check_callback(url, allowed=()):
    """Return ``url`` when the site may call it; raise ``UserError`` saying why not."""
    checked(url, allowed)
    return url


def checked(url, allowed=()):
    """``(parts, port, addresses)`` of a callback the site may call: its split URL, its port
    and the addresses its host resolved to, every one of them allowed. Raise ``UserError``
    saying why not."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(
            _(
                "ssrf_error_scheme",
                default="Địa chỉ nhận tin phải là một URL http hoặc https đầy đủ.",
            )
        )
    if parts.username or parts.password:
        raise UserError(
            _(
                "ssrf_error_credentials",
                default="Địa chỉ nhận tin không được chứa tên đăng nhập hay mật khẩu.",
            )
        )
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise UserError(
            _(
                "ssrf_error_scheme",
                default="Địa chỉ nhận tin phải là một URL http hoặc https đầy đủ.",
            )
        ) from error
    allowed_networks = networks(allowed)
    found = resolve(parts.hostname, port)
    for address in found:
        if getattr(address, "ipv4_mapped", None):
            address = address.ipv4_mapped
        if any(address in network for network in allowed_networks):
            continue
        if not address.is_global or address.is_multicast:
            raise UserError(
                _(
                    "ssrf_error_private",
                    default="Địa chỉ nhận tin trỏ tới địa chỉ nội bộ ${address}; chỉ quản trị hệ thống mới có thể cho phép mạng này.",
                    mapping={"address": str(address)},
                )
            )
    if not found:
        raise UserError(
            _(
                "ssrf_error_resolve",
                default="Không phân giải được tên máy «${host}».",
                mapping={"host": parts.hostname},
            )
        )
    return parts, port, found
