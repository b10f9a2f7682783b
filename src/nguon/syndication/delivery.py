"""What the web channel enters in the delivery ledger (``nguon.ledger``), and why a unit's
site has not received an item yet.

**Recorded.** A push that the subscriber acknowledged (a 2xx answer to the signed delivery)
proves that every item it carried reached the subscription's unit: one ledger record of kind
``web-push`` per item, ``(item, the subscription's unit, web, the subscription's id, when the
round recorded it)``, with the answer's status and the subscriber's host. Tombstones
(retractions) and resync notices prove nothing. The records are written by the push thread
in the transaction that moves the subscription's cursor, so they stand or fall with it; a
failure to record is logged and never stops the cursor (the subscriber has the items).

A feed read by a subscriber proves the same, when the subscriber signed its request with
its secret (``signing.poll_headers``: ``nguon-sync`` does with ``--subscription``): one record
of kind ``web-fetch`` per item the answer carried, for the subscription's unit, timed by the
signed time (a request replayed counts once). The subscription must be the one of the unit
whose feed is read, the time within ``FRESH`` of the site's clock and the signature right;
otherwise the feed is served as to anyone and nothing is recorded. An anonymous fetch counts
for nobody: it cannot be told apart from a stranger's (docs/syndication.md).

**Reasons** (``REASONS``, the ``IChannelReasons`` of ``web``): no live subscription of the
unit's feed that takes the item (its filters) means it cannot arrive (failed); when every
such subscription is failing, the last error is the reason (failed, retries go on);
otherwise the site is waiting for an acknowledgement (pending).
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.ledger.coverage import FAILED
from nguon.ledger.coverage import PENDING
from nguon.ledger.interfaces import IChannelReasons
from nguon.ledger.kinds import ProofKind
from nguon.ledger.record import record
from nguon.publication.feeds import Filters
from nguon.publication.store import storage
from nguon.syndication import signing
from nguon.syndication.subscriptions import ACTIVE
from plone.protect.interfaces import IDisableCSRFProtection
from urllib.parse import urlsplit
from ZODB.POSException import ConflictError
from zope.i18nmessageid import Message
from zope.interface import alsoProvides
from zope.interface import implementer

import logging
import time


logger = logging.getLogger("nguon.syndication")

PUSHED = ProofKind(
    "web-push",
    "web",
    _("proof_kind_web_push", default="Trang của đơn vị xác nhận đã nhận tin"),
)
FETCHED = ProofKind(
    "web-fetch",
    "web",
    _("proof_kind_web_fetch", default="Trang của đơn vị đã đọc tin từ nguồn tin"),
)
FRESH = 300  # seconds a signed feed request's time may differ from the site's clock


def _enter(portal, kind, uids, unit_code, subscription_id, at, detail):
    """One record of ``kind`` per item; returns how many were new. A failure is logged and
    never the delivery's: the subscriber has the items, its cursor moves, the feed is
    answered."""
    try:
        return sum(
            record(portal, kind.name, uid, unit_code, subscription_id, at, detail)
            for uid in uids
        )
    except ConflictError:
        raise
    except Exception:
        logger.exception("%s to %s: recording it failed", kind.name, subscription_id)
        return 0


def acknowledged(portal, subscription, push, now=None):
    """Enter the items of an acknowledged ``push`` (``pusher.Push``) for the subscription's
    unit; returns how many records were new."""
    at = datetime.fromtimestamp(now, UTC) if now else datetime.now(UTC)
    detail = {"status": push.code, "subscriber": urlsplit(push.callback).hostname}
    return _enter(
        portal, PUSHED, push.items, subscription.unit_code, push.sid, at, detail
    )


def _subscriber_of(portal, request, unit_code):
    """The subscription that signed ``request`` for the feed of ``unit_code`` and the time
    it signed, or ``(None, None)``."""
    sid = request.getHeader(signing.SUBSCRIPTION)
    store = storage(portal) if sid else None
    subscription = store.subscriptions.get(sid) if store is not None else None
    if (
        subscription is None
        or subscription.unit_code != unit_code
        or subscription.expired()
    ):
        return None, None
    try:
        moment = int(request.getHeader(signing.TIME) or "")
    except ValueError:
        return None, None
    if abs(time.time() - moment) > FRESH or not signing.verify_poll(
        subscription.secret,
        sid,
        request.get("QUERY_STRING", ""),
        moment,
        request.getHeader(signing.HEADER),
    ):
        return None, None
    return subscription, moment


def served(portal, request, unit_code, document):
    """Enter the items of ``document`` (``formats.Document``), the feed of ``unit_code``
    answered to ``request``, when a subscriber of that feed signed the request; returns how
    many records were new."""
    subscription, moment = _subscriber_of(portal, request, unit_code)
    if subscription is None:
        return 0
    alsoProvides(request, IDisableCSRFProtection)  # signed by the secret, not a cookie
    at = datetime.fromtimestamp(moment, UTC)
    detail = {"subscriber": urlsplit(subscription.callback).hostname}
    return _enter(
        portal, FETCHED, document.delivered(), unit_code, subscription.id, at, detail
    )


NO_SUBSCRIBER = _(
    "web_reason_no_subscriber", default="Đơn vị chưa có trang nào nhận tin"
)
FAILING = _(
    "web_reason_failing",
    default="Lần gửi gần nhất đến trang của đơn vị không thành công (${error}); hệ thống đang gửi lại.",
)
STOPPED = _(
    "web_reason_stopped",
    default="Trang của đơn vị ngừng nhận tin sau nhiều lần gửi lỗi (${error}); quản trị viên cần cho gửi lại.",
)
WAITING = _("web_reason_waiting", default="Đang chờ trang của đơn vị xác nhận đã nhận.")


@dataclass(frozen=True)
class Subscriber:
    """What the reasons need of one live subscription, as plain data (nothing persistent is
    kept beyond the request)."""

    filters: Filters
    fine: bool  # active and not failing
    stopped: bool  # dead-lettered
    error: str  # its last failure's words
    failed_at: float  # and when (seconds since the epoch), or None

    @classmethod
    def of(cls, subscription, delivery):
        error, at = "", None
        for entry in reversed(delivery.log):
            if entry.get("status") in ("failed", "dead"):
                error, at = entry.get("message") or "", entry.get("time")
                break
        active = delivery.state == ACTIVE
        return cls(
            subscription.filters,
            active and not delivery.failures,
            not active,
            error,
            at,
        )


@implementer(IChannelReasons)
class WebReasons:
    """The reasons of the web channel (see the module). One coverage asks for every pair with
    the same ``now``: the live subscriptions are grouped by unit once per ``now``."""

    _grouped = (None, {})  # (now, {unit code: [Subscriber]})

    def _by_unit(self, portal, now):
        moment, groups = self._grouped
        if moment != now:
            store = storage(portal)
            groups = {}
            for sid, subscription in store.subscriptions.items() if store else ():
                delivery = store.deliveries.get(sid)
                if delivery is not None and not subscription.expired(now.timestamp()):
                    groups.setdefault(subscription.unit_code, []).append(
                        Subscriber.of(subscription, delivery)
                    )
            self._grouped = (now, groups)
        return groups

    def reason(self, portal, unit_code, obligation, now):
        facts = obligation.facts
        wanted = (facts.get("channels", ()), facts.get("category"), facts["priority"])
        taking = [
            subscriber
            for subscriber in self._by_unit(portal, now).get(unit_code, ())
            if subscriber.filters.match(wanted)
        ]
        if not taking:
            return FAILED, NO_SUBSCRIBER, None
        if any(subscriber.fine for subscriber in taking):
            return PENDING, WAITING, None
        failing = [subscriber for subscriber in taking if not subscriber.stopped]
        last = (failing or taking)[-1]
        message = Message(
            FAILING if failing else STOPPED, mapping={"error": last.error}
        )
        since = (
            last.failed_at and datetime.fromtimestamp(last.failed_at, UTC).isoformat()
        )
        return FAILED, message, since or None

    def name(self, portal, device):
        """The commune site that acknowledged or read the feed: its callback's host."""
        store = storage(portal)
        subscription = store.subscriptions.get(device) if store else None
        return urlsplit(subscription.callback).netloc if subscription else None


REASONS = WebReasons()
