"""Coverage: for an essential item, each unit it targets and each channel it requires,
delivered, not yet, or failed, with the reason when it can be known; and the gaps of an
area, worst first.

A pair is **delivered** once it has a proof (``nguon.ledger.record``). Without one, the last
failure a device reported (audio refused) makes it **failed** with that message; otherwise
the channel's ``IChannelReasons`` utility, registered by the capability that delivers on it,
says why (station offline since…, board dark, no subscriber): **failed** when delivery cannot
happen as things are, **pending** while it still can. An item is delivered when every pair is.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.ledger.interfaces import IChannelReasons
from nguon.ledger.store import ledger
from zope.component import queryUtility


DELIVERED = "delivered"
PENDING = "pending"
FAILED = "failed"
STATUSES = {
    DELIVERED: _("coverage_delivered", default="Đã đến"),
    PENDING: _("coverage_pending", default="Chưa đến"),
    FAILED: _("coverage_failed", default="Không đến được"),
}
ORDER = {FAILED: 0, PENDING: 1, DELIVERED: 2}


@dataclass
class Pair:
    unit: str
    unit_title: str
    channel: str
    status: str
    reason: object = None  # an i18n message or the device's own words
    since: str = None  # UTC ISO time the reason holds since
    proof: dict = None  # the first proof: at, kind, device


@dataclass
class Coverage:
    item: str
    facts: dict
    pairs: list = field(default_factory=list)

    @property
    def counts(self):
        found = {DELIVERED: 0, PENDING: 0, FAILED: 0}
        for pair in self.pairs:
            found[pair.status] += 1
        return found

    @property
    def delivered(self):
        return bool(self.pairs) and all(p.status == DELIVERED for p in self.pairs)

    @property
    def percent(self):
        return 100.0 * self.counts[DELIVERED] / len(self.pairs) if self.pairs else 100.0


def _device_name(portal, channel, device, names):
    """The name of a device that proved a delivery, asked once per coverage; its id when
    the channel cannot name it."""
    if (channel, device) not in names:
        reasons = queryUtility(IChannelReasons, name=channel)
        name = getattr(reasons, "name", None)
        names[(channel, device)] = (name(portal, device) if name else None) or device
    return names[(channel, device)]


def _pair(portal, obligation, unit_code, channel, now, names):
    title = obligation.titles.get(unit_code, unit_code)
    proof = obligation.proofs.get((unit_code, channel))
    if proof is not None:
        at, kind, device = proof
        return Pair(
            unit_code,
            title,
            channel,
            DELIVERED,
            None,
            at,
            {
                "at": at,
                "kind": kind,
                "device": device,
                "device_title": _device_name(portal, channel, device, names),
            },
        )
    failure = obligation.failures.get((unit_code, channel))
    if failure is not None:
        at, kind, device, message = failure
        reason = message or _(
            "coverage_reason_refused", default="Thiết bị báo không phát được"
        )
        return Pair(unit_code, title, channel, FAILED, reason, at)
    reasons = queryUtility(IChannelReasons, name=channel)
    if reasons is None:
        return Pair(unit_code, title, channel, PENDING)
    status, message, since = reasons.reason(portal, unit_code, obligation, now)
    return Pair(unit_code, title, channel, status, message, since)


def coverage_of(portal, obligation, now=None, area=None):
    """The ``Coverage`` of one obligation, worst pairs first (only the units of ``area``'s
    area when given)."""
    now = now or datetime.now(UTC)
    names = {}
    pairs = [
        _pair(portal, obligation, unit_code, channel, now, names)
        for unit_code, channel in obligation.required
        if area is None or area in obligation.lineages.get(unit_code, ())
    ]
    pairs.sort(key=lambda p: (ORDER[p.status], p.unit_title, p.channel))
    return Coverage(obligation.item, dict(obligation.facts), pairs)


def coverage(portal, item_uid, now=None):
    """The ``Coverage`` of an essential item, or None when it has no obligation (it is not
    essential, or not published yet)."""
    store = ledger(portal)
    obligation = store.obligations.get(item_uid) if store is not None else None
    return None if obligation is None else coverage_of(portal, obligation, now)


def obligations_in(portal, area_code, start=None, end=None):
    """The obligations listed under ``area_code``, newest first; ``start``/``end`` are UTC
    ISO times bounding their publication."""
    store = ledger(portal)
    if store is None:
        return []
    keys = store.by_area.keys(
        min=(area_code, start or ""), max=(area_code, end or "\uffff"), excludemax=True
    )
    return [store.obligations[uid] for _area, _published, uid in reversed(list(keys))]


def gaps(portal, area_code, start=None, end=None, now=None, limit=100):
    """The essential items of the area not delivered everywhere in it, worst first
    (emergencies, then the most pairs failed or missing, then the oldest): a list of
    ``Coverage`` restricted to the area's units, without their delivered pairs."""
    found = []
    for obligation in obligations_in(portal, area_code, start, end):
        if obligation.complete:
            continue
        cover = coverage_of(portal, obligation, now, area=area_code)
        missing = [p for p in cover.pairs if p.status != DELIVERED]
        if missing:
            cover.pairs = missing
            found.append(cover)
    found.sort(
        key=lambda c: (
            c.facts.get("priority") != "emergency",
            -sum(p.status == FAILED for p in c.pairs),
            -len(c.pairs),
            c.facts.get("published", ""),
        )
    )
    return found[:limit]


def summary(portal, item_uid):
    """``{"delivered", "required", "percent"}`` of an essential item's pairs, without asking
    any device why (what lists of many items show), or None when it has no obligation."""
    store = ledger(portal)
    obligation = store.obligations.get(item_uid) if store is not None else None
    if obligation is None:
        return None
    delivered, required = obligation.delivered(), obligation.size
    percent = round(100.0 * delivered / required, 1) if required else 100.0
    percent = int(percent) if percent.is_integer() else percent
    return {"delivered": delivered, "required": required, "percent": percent}
