"""Push subscriptions of a unit: who gets its changes, and how delivery to each went.

A ``Subscription`` is what the unit admin (or the commune site, through plone.restapi) set
up: callback, secret, filters, lease. Its ``Delivery`` is the worker's side: the cursor in
the change log up to which the subscriber acknowledged, consecutive failures, when to try
again, and the delivery log. They are separate objects so that an admin's change and a
delivery never conflict.
"""

from nguon import _
from nguon.errors import UserError
from nguon.outbox.backoff import doubling
from nguon.publication.feeds import Filters
from nguon.publication.store import storage
from nguon.syndication import addresses
from nguon.syndication import websub
from nguon.syndication.query import FeedQuery
from nguon.units.tree import lineage
from persistent import Persistent
from persistent.list import PersistentList
from plone import api
from urllib.parse import urlencode

import hashlib
import time


DEFAULT_LEASE = 10 * 24 * 3600
MAX_LEASE = 30 * 24 * 3600
MIN_LEASE = 3600
MAX_FAILURES = 8
RETRY_CAP = 3600  # seconds between two attempts at most (``nguon.outbox.backoff``)
LOG_SIZE = 100
ACTIVE, DEAD = "active", "dead"


class Subscription(Persistent):
    def __init__(self, id, unit, lineage, callback, secret, filters, topic, site_url):
        self.id = id
        self.unit_code = unit["code"]
        self.unit = dict(
            unit
        )  # code, title, level: what pushed documents say of the unit
        self.lineage = tuple(lineage)
        self.callback = callback
        self.secret = secret
        self.filters = filters
        self.topic = topic
        self.site_url = site_url
        self.created = time.time()
        self.lease_seconds = DEFAULT_LEASE
        self.expires_at = self.created + DEFAULT_LEASE
        self.creator = None

    def expired(self, now=None):
        return (now or time.time()) >= self.expires_at


class Delivery(Persistent):
    def __init__(self, cursor):
        self.cursor = cursor
        self.state = ACTIVE
        self.failures = 0
        self.next_attempt = 0.0
        self.delivered = 0
        self.log = PersistentList()

    def note(self, **record):
        record.setdefault("time", time.time())
        self.log.append(record)
        if len(self.log) > LOG_SIZE:
            del self.log[: len(self.log) - LOG_SIZE]

    def succeeded(self, cursor, events, code, ms):
        self.cursor = cursor
        self.failures = 0
        self.next_attempt = 0.0
        self.delivered += events
        self.note(status="delivered", code=code, events=events, cursor=cursor, ms=ms)

    def failed(self, message, code, events, ms, now=None, base_delay=1.0):
        now = now or time.time()
        self.failures += 1
        if self.failures >= MAX_FAILURES:
            self.state = DEAD
            self.note(status="dead", code=code, events=events, message=message, ms=ms)
            return
        self.next_attempt = now + doubling(self.failures, base_delay, RETRY_CAP)
        self.note(status="failed", code=code, events=events, message=message, ms=ms)

    def resume(self):
        self.state = ACTIVE
        self.failures = 0
        self.next_attempt = 0.0
        self.note(status="resumed")


def registry(portal):
    """``(subscriptions, deliveries)`` BTrees of the site, made with the change log."""
    store = storage(portal)
    if store is None:
        raise UserError(
            _(
                "subscription_error_no_store",
                default="Trang này chưa được cài đặt phần phát hành tin.",
            )
        )
    return store.subscriptions, store.deliveries


def subscription_id(unit_code, callback):
    """One subscription per unit and callback: subscribing again renews it."""
    return hashlib.sha256(f"{unit_code}\n{callback}".encode()).hexdigest()[:16]


def allowed_networks():
    return (
        api.portal.get_registry_record(
            "nguon.syndication.allowed_networks", default=None
        )
        or ()
    )


def subscribe(
    unit,
    lineage,
    callback,
    secret,
    filters=Filters(),
    lease_seconds=None,
    topic=None,
    site_url=None,
    verify=True,
):
    """Create or renew the subscription of ``callback`` to ``unit``'s feed; intent is
    verified first. Returns it."""
    if not secret or len(secret) < 16 or len(secret) > 200:
        raise UserError(
            _(
                "subscription_error_secret",
                default="Khóa bí mật (secret) phải dài từ 16 đến 200 ký tự.",
            )
        )
    lease = int(lease_seconds or DEFAULT_LEASE)
    if not MIN_LEASE <= lease <= MAX_LEASE:
        raise UserError(
            _(
                "subscription_error_lease",
                default="Thời hạn đăng ký phải từ ${low} đến ${high} giây.",
                mapping={"low": MIN_LEASE, "high": MAX_LEASE},
            )
        )
    allowed = allowed_networks()
    addresses.check_callback(callback, allowed)
    if verify:
        websub.verify_intent(callback, "subscribe", topic, lease, allowed)
    subscriptions, deliveries = registry(api.portal.get())
    sid = subscription_id(unit.code, callback)
    subscription = subscriptions.get(sid)
    if subscription is None:
        info = {"code": unit.code, "title": unit.Title(), "level": unit.level}
        subscription = subscriptions[sid] = Subscription(
            sid, info, lineage, callback, secret, filters, topic, site_url
        )
        subscription.creator = api.user.get_current().getId()
        deliveries[sid] = Delivery(storage(api.portal.get()).sequence)
    else:
        subscription.secret, subscription.filters, subscription.lineage = (
            secret,
            filters,
            tuple(lineage),
        )
        subscription.topic, subscription.site_url = topic, site_url
    subscription.lease_seconds = lease
    subscription.expires_at = time.time() + lease
    return subscription


FORMATS = ("json", "atom", "rss")


def _text(value):
    """A submitted text: a repeated form field or a JSON value of another type counts as
    nothing (and is refused by the check that needs it)."""
    return value.strip() if isinstance(value, str) else ""


def _lease(values):
    """``lease_seconds`` (the REST body) or ``lease_days`` (the form), in seconds; None when
    neither is given (the default lease); -1 (refused by ``subscribe``) when unreadable."""
    seconds, days = values.get("lease_seconds"), values.get("lease_days")
    raw, scale = (seconds, 1) if seconds not in (None, "") else (days, 86400)
    if raw in (None, ""):
        return None
    if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
        return -1
    try:
        return int(float(raw) * scale)
    except (ValueError, OverflowError):
        return -1


def subscribe_unit(unit, values):
    """Subscribe to (or renew) ``unit``'s feed from what a person or a commune site submitted:
    ``values`` holds ``callback``, ``secret``, ``lease_seconds`` or ``lease_days``, ``format``
    (json, atom or rss; json when absent) and the filters ``channel``, ``category``,
    ``priority``. The one way in for the Classic UI form and the REST service, so both check
    the same things (filters, format, secret, lease, the callback's address against SSRF, the
    subscriber's intent) and refuse with the same messages (``UserError``)."""
    query = FeedQuery.from_form(
        {name: values.get(name) or "" for name in ("channel", "category", "priority")}
    )
    feed = values.get("format") or "json"
    if feed not in FORMATS:
        raise UserError(
            _(
                "subscription_error_format",
                default="«format» phải là json, atom hoặc rss.",
            )
        )
    topic = f"{unit.absolute_url()}/feed.{feed}"
    if query.params():
        topic = f"{topic}?{urlencode(query.params())}"
    return subscribe(
        unit,
        [code for code, _level in lineage(unit)],
        callback=_text(values.get("callback")),
        secret=_text(values.get("secret")),
        filters=query.filters,
        lease_seconds=_lease(values),
        topic=topic,
        site_url=api.portal.get().absolute_url(),
    )


def unsubscribe(sid):
    subscriptions, deliveries = registry(api.portal.get())
    subscriptions.pop(sid, None)
    deliveries.pop(sid, None)


def of_unit(unit_code):
    subscriptions, _deliveries = registry(api.portal.get())
    return [s for s in subscriptions.values() if s.unit_code == unit_code]


def describe(subscription, delivery, log=False):
    """A subscription as plain data (never its secret)."""
    data = {
        "id": subscription.id,
        "unit": subscription.unit_code,
        "callback": subscription.callback,
        "topic": subscription.topic,
        "filters": subscription.filters.as_dict(),
        "created": subscription.created,
        "lease_seconds": subscription.lease_seconds,
        "expires_at": subscription.expires_at,
        "state": "expired" if subscription.expired() else delivery.state,
        "cursor": delivery.cursor,
        "failures": delivery.failures,
        "delivered": delivery.delivered,
        "next_attempt": delivery.next_attempt or None,
    }
    if log:
        data["log"] = [dict(record) for record in reversed(delivery.log)]
    return data
