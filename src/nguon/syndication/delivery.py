"""What the web channel enters in the delivery ledger (``nguon.ledger``), and why a unit's
site has not received an item yet.

**Recorded.** A push that the subscriber acknowledged (a 2xx answer to the signed delivery)
proves that every item it carried reached the subscription's unit: one ledger record of kind
``web-push`` per item, ``(item, the subscription's unit, web, the subscription's id, when the
round recorded it)``, with the answer's status and the subscriber's host. Tombstones
(retractions) and resync notices prove nothing. The records are written by the push thread
in the transaction that moves the subscription's cursor, so they stand or fall with it; a
failure to record is logged and never stops the cursor (the subscriber has the items).

**Not recorded.** A feed read over HTTP is not a delivery the site can prove: ``nguon-sync``
polls anonymously (no subscription id, no signature), as any reader may, so a fetch cannot
be told apart from a stranger's and counts for nobody (docs/syndication.md).

**Reasons** (``REASONS``, the ``IChannelReasons`` of ``web``): no live subscription of the
unit's feed that takes the item (its filters) means it cannot arrive (failed); when every
such subscription is failing, the last error is the reason (failed, retries go on);
otherwise the site is waiting for an acknowledgement (pending).
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.ledger.coverage import FAILED
from nguon.ledger.coverage import PENDING
from nguon.ledger.interfaces import IChannelReasons
from nguon.ledger.kinds import ProofKind
from nguon.ledger.record import record
from nguon.publication.store import storage
from nguon.syndication.subscriptions import ACTIVE
from urllib.parse import urlsplit
from ZODB.POSException import ConflictError
from zope.i18nmessageid import Message
from zope.interface import implementer

import logging


logger = logging.getLogger("nguon.syndication")

PUSHED = ProofKind(
    "web-push",
    "web",
    _("proof_kind_web_push", default="Trang của đơn vị xác nhận đã nhận tin"),
)


def acknowledged(portal, subscription, push, now=None):
    """Enter the items of an acknowledged ``push`` (``pusher.Push``) for the subscription's
    unit; returns how many records were new."""
    at = datetime.fromtimestamp(now, UTC) if now else datetime.now(UTC)
    detail = {"status": push.code, "subscriber": urlsplit(push.callback).hostname}
    try:
        return sum(
            record(
                portal, PUSHED.name, uid, subscription.unit_code, push.sid, at, detail
            )
            for uid in push.items
        )
    except ConflictError:
        raise
    except Exception:
        logger.exception("push %s acknowledged; recording it failed", push.delivery_id)
        return 0


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


def _last_error(delivery):
    """``(message, time)`` of the delivery's last failure noted in its log."""
    for entry in reversed(delivery.log):
        if entry.get("status") in ("failed", "dead"):
            return entry.get("message") or "", entry.get("time")
    return "", None


def _iso(seconds):
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC).isoformat()


@implementer(IChannelReasons)
class WebReasons:
    """The reasons of the web channel (see the module). One coverage asks for every pair with
    the same ``now``: the subscriptions are grouped by unit once per ``now``."""

    _grouped = (None, {})  # (now, {unit code: [(subscription, delivery)]})

    def _by_unit(self, portal, now):
        moment, groups = self._grouped
        if moment != now:
            store = storage(portal)
            groups = {}
            for sid, subscription in store.subscriptions.items() if store else ():
                delivery = store.deliveries.get(sid)
                if delivery is not None and not subscription.expired(now.timestamp()):
                    groups.setdefault(subscription.unit_code, []).append(
                        (subscription, delivery)
                    )
            self._grouped = (now, groups)
        return groups

    def reason(self, portal, unit_code, obligation, now):
        facts = obligation.facts
        wanted = (facts.get("channels", ()), facts.get("category"), facts["priority"])
        taking = [
            delivery
            for subscription, delivery in self._by_unit(portal, now).get(unit_code, ())
            if subscription.filters.match(wanted)
        ]
        if not taking:
            return FAILED, NO_SUBSCRIBER, None
        if any(d.state == ACTIVE and not d.failures for d in taking):
            return PENDING, WAITING, None
        active = [d for d in taking if d.state == ACTIVE]
        error, at = _last_error(active[-1] if active else taking[-1])
        message = Message(FAILING if active else STOPPED, mapping={"error": error})
        return FAILED, message, _iso(at)


REASONS = WebReasons()
