"""``GET @push-key``, ``POST|DELETE <unit>/@push-subscriptions`` (docs/webpush.md).

Anonymous and without a CSRF token: the citizen app posts JSON from its own page, and what
these services change is bound to no account (a browser's push address and keys, for a
unit's public warnings), so a forged request could only subscribe a push address the forger
already holds. Each address (an IPv6 /64 counts as one) may change subscriptions at most
``LIMITS`` times (then 429 with ``Retry-After``), counted in the process as the feedback
forms' limits are (``nguon.feedback.throttle.Limits``). A body is read only up to
``subscriptions.MAX_BODY`` bytes. An endpoint must be on a known push service
(``nguon.webpush.push_services``) or the allowed networks, else 400. The store is bounded
too: at most ``nguon.webpush.max_per_unit`` subscriptions per unit and
``nguon.webpush.max_subscriptions`` in the site (registry); a new subscription beyond either
is refused with 503 and ``Retry-After`` (renewing one kept is always accepted), and nothing
kept is dropped for it.

A new subscription to a unit for which alerts are in force has them pushed to it by the
outbox consumer after the commit (``consumer.queue_late``), never inside the request.
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import error_body
from nguon.errors import UserError
from nguon.feedback.throttle import address_key
from nguon.feedback.throttle import client_address
from nguon.feedback.throttle import Limits
from nguon.syndication.subscriptions import allowed_networks
from nguon.webpush import subscriptions
from nguon.webpush.consumer import queue_late
from nguon.webpush.store import state
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.interface import alsoProvides

import math


# Per address: a village behind one carrier's address subscribes together when a storm
# comes, so the limits are wide; they stop a script filling the store.
LIMITS = ((60.0, 120), (3600.0, 1000))


class TooMany(UserError):
    def __init__(self, retry_after):
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(
            _(
                "webpush_error_throttled",
                default="Có quá nhiều yêu cầu đăng ký nhận cảnh báo từ địa chỉ này. Vui "
                "lòng thử lại sau ${seconds} giây.",
                mapping={"seconds": self.retry_after},
            )
        )


THROTTLE = Limits(LIMITS, TooMany)
# The registry's caps (profiles/default/registry/webpush.xml) and their defaults.
PER_UNIT = ("nguon.webpush.max_per_unit", 200_000)
IN_SITE = ("nguon.webpush.max_subscriptions", 10_000_000)
FULL_RETRY_AFTER = 3600  # seconds: pruning (410, expiry) and unsubscribing free room


class Full(UserError):
    """No room for a new subscription (503)."""

    retry_after = FULL_RETRY_AFTER


def cap(record):
    name, default = record
    value = api.portal.get_registry_record(name, default=None)
    return default if value is None else value


def room(found, code):
    """Refuse (``Full``) a new subscription to ``code`` beyond the caps."""
    if found.size(code) >= cap(PER_UNIT):
        raise Full(
            _(
                "webpush_error_unit_full",
                default="Đơn vị này đã có đủ số đăng ký nhận cảnh báo tối đa (${limit}). "
                "Vui lòng thử lại sau; cảnh báo vẫn xem được trong ứng dụng và trên "
                "trang của đơn vị.",
                mapping={"limit": cap(PER_UNIT)},
            )
        )
    if found.count() >= cap(IN_SITE):
        raise Full(
            _(
                "webpush_error_site_full",
                default="Trang đã có đủ số đăng ký nhận cảnh báo tối đa. Vui lòng thử "
                "lại sau; cảnh báo vẫn xem được trong ứng dụng và trên trang của đơn vị.",
            )
        )


def too_large():
    return UserError(
        _(
            "webpush_error_too_large",
            default="Nội dung gửi lên quá lớn cho một đăng ký nhận thông báo.",
        )
    )


def not_ready(request):
    return client_error(
        BadRequest,
        _("webpush_error_not_installed", default="Trang này chưa gửi cảnh báo đẩy."),
        request,
    )


class PushKeyGet(Service):
    def reply(self):
        found = state(api.portal.get())
        if found is None:
            raise not_ready(self.request)
        return {"public_key": found.public_key}


class Subscriptions(Service):
    def prepare(self):
        """The state and the JSON body, or the refusal."""
        alsoProvides(self.request, IDisableCSRFProtection)
        self.request.response.setHeader("Cache-Control", "private, no-store")
        found = state(api.portal.get())
        if found is None:
            raise not_ready(self.request)
        THROTTLE.admit(address_key(client_address(self.request)))
        length = self.request.get_header("Content-Length")
        if length and length.strip().isdigit() and int(length) > subscriptions.MAX_BODY:
            raise too_large()
        raw = self.request.get("BODY") or b""
        if len(raw) > subscriptions.MAX_BODY:
            raise too_large()
        try:
            body = json_body(self.request)
        except Exception:
            body = None
        return found, body

    def reply(self):
        try:
            found, body = self.prepare()
            return self.change(found, body)
        except TooMany as error:
            self.request.response.setStatus(429)
            self.request.response.setHeader("Retry-After", str(error.retry_after))
            return error_body(
                "TooManyRequests",
                error.translated(self.request),
                retry_after=error.retry_after,
            )
        except Full as error:
            self.request.response.setStatus(503)
            self.request.response.setHeader("Retry-After", str(error.retry_after))
            return error_body(
                "Full", error.translated(self.request), retry_after=error.retry_after
            )
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from error


class SubscriptionPost(Subscriptions):
    def change(self, found, body):
        endpoint, p256dh, auth, expires = subscriptions.checked(
            body, tuple(allowed_networks()), services=subscriptions.push_services()
        )
        code = self.context.code
        if not found.has(code, endpoint):
            room(found, code)
        portal = api.portal.get()
        if found.subscribe(code, endpoint, p256dh, auth, expires=expires):
            queue_late(portal, found, code, endpoint)
        site_url = portal.absolute_url()
        if found.site_url != site_url:
            found.site_url = site_url
        self.request.response.setStatus(201)
        return {"unit": code, "endpoint": endpoint}


class SubscriptionDelete(Subscriptions):
    def change(self, found, body):
        found.unsubscribe(self.context.code, subscriptions.endpoint_of(body))
        self.request.response.setStatus(204)
        return None
