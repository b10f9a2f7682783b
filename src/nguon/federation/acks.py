"""Acknowledgements of directives, from the province up to central (docs/federation.md).

**On the province** (``collect``, ``send``): a directive (a ``LegalDocument``) that arrived
by a link is acknowledged for the province's unit when it arrives, and for every unit of the
province that the province's own ledger proves it reached (a commune site's signed push or
read, a board, a radio station: every proving record of the local copy). Each
acknowledgement is ``(origin UID, unit, kind, channel, at)``; the province's unit is named by
central's code for it. ``send`` POSTs what was not sent yet to ``<central>/@federation-acks``,
signed like a push (``X-Hub-Signature`` over the body with the link's secret, the body's
``sent`` time within the window), through ``syndication.outbound`` (SSRF-checked). What
central took is remembered and never sent again.

**On central** (``take``): the subscription named in the body must exist, its secret verify
the signature and ``sent`` lie within ``WINDOW``; then each acknowledgement whose unit is the
subscription's unit or one below it, for an item of central, becomes a ledger record of kind
``federation-received`` (channel ``web``) for that unit: central's coverage of the directive
then shows which provinces and communes received it. The same acknowledgement twice is one
record (the ledger keeps the first of a key), so a replayed body adds nothing.

**Opened**: where the province's ledger shows that the unit itself read the directive (its
site fetched it with a signed request: ``OPENED_BY``), an acknowledgement of kind
``opened`` goes up beside ``received``, and central enters it as a ``federation-opened``
record: a note kept beside the unit's proof, counted in no figure (``received`` is the
proof). An acknowledgement of another kind is refused.
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.federation import upward
from nguon.federation.inbox import envelope
from nguon.federation.inbox import MALFORMED
from nguon.federation.inbox import Refused
from nguon.federation.inbox import sender
from nguon.ledger.kinds import kind
from nguon.ledger.kinds import ProofKind
from nguon.ledger.record import record
from nguon.ledger.store import ledger
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone.app.uuid.utils import uuidToObject
from urllib.parse import urlsplit

import time


RECEIVED = ProofKind(
    "federation-received",
    "web",
    _(
        "proof_kind_federation_received",
        default="Trang của cấp dưới xác nhận đã nhận tin",
    ),
)
OPENED = ProofKind(
    "federation-opened",
    "web",
    _(
        "proof_kind_federation_opened",
        default="Trang của cấp dưới xác nhận đơn vị đã mở đọc tin",
    ),
    proves=False,
    note=True,  # kept beside the unit's "received" proof, counted nowhere
)
KINDS = {
    "received": RECEIVED,
    "opened": OPENED,
}  # an acknowledgement's kind -> central's
# Records of the province's ledger that say the unit itself opened the item, not only that
# it was handed over: its site read it from the feed with its signed request.
OPENED_BY = frozenset({"web-fetch"})
BATCH = 500  # acknowledgements in one request


# -- the province ---------------------------------------------------------------------


def _central_code(link, unit):
    return link.unit_code if unit == link.local_unit else unit


def collect(portal, link):
    """Add to ``link.outgoing`` the units the province's ledger proves each directive
    reached; returns how many were added."""
    store = ledger(portal)
    if store is None:
        return 0
    added = 0
    for local_uid, origin in link.directives.items():
        for key in store.records.keys(min=(local_uid,), max=(local_uid, "\U0010ffff")):
            _item, unit, channel, at, _device, name = key
            try:
                proves = kind(name).proves
            except LookupError:
                continue
            if not proves:
                continue
            states = ("received", "opened") if name in OPENED_BY else ("received",)
            for state in states:
                ack = (origin, _central_code(link, unit), state, channel, at)
                if ack not in link.outgoing and ack not in link.acked:
                    link.outgoing[ack] = True
                    added += 1
    return added


def send(portal, link, now=None):
    """POST the acknowledgements not sent yet (at most ``BATCH``); returns how many central
    took. Raises ``outbound.CallFailed`` or ``UserError`` (the address) when it could not."""
    now = now or time.time()
    collect(portal, link)
    batch = list(link.outgoing.keys())[:BATCH]
    if not batch:
        return 0
    status = upward.post(
        link,
        "@federation-acks",
        {
            "acks": [
                {"uid": o, "unit": u, "kind": k, "channel": c, "at": a}
                for o, u, k, c, a in batch
            ]
        },
        now,
    )
    if status != 200:
        link.note(status="acks-failed", code=status)
        return 0
    for ack in batch:
        del link.outgoing[ack]
        link.acked.insert(ack)
    link.note(status="acks-sent", acks=len(batch))
    return len(batch)


# -- central --------------------------------------------------------------------------


def _within(unit_code, subscription):
    unit = find_unit(unit_code)
    return unit is not None and subscription.unit_code in [
        code for code, _level in lineage(unit)
    ]


def take(portal, body, signature, now=None):
    """Enter the acknowledgements of ``body`` (from a province) in central's ledger; returns
    ``{"recorded", "known", "refused"}`` or raises ``inbox.Refused``."""
    now = now if now is not None else time.time()
    try:
        data, sid, sent = envelope(body)
        acks = list(data["acks"])
    except (ValueError, KeyError, TypeError):
        raise Refused(400, MALFORMED) from None
    subscription = sender(portal, sid, sent, body, signature, now)
    counts = {"recorded": 0, "known": 0, "refused": 0}
    host = urlsplit(subscription.callback).hostname
    for ack in acks:
        try:
            uid, unit = str(ack["uid"]), str(ack["unit"])
            at = datetime.fromisoformat(ack["at"]).astimezone(UTC)
            status = str(ack.get("kind") or "received")
            proof = KINDS[status]
            channel = str(ack.get("channel") or "")[:20]
        except (ValueError, KeyError, TypeError, AttributeError):
            counts["refused"] += 1  # malformed, or a kind central does not know
            continue
        if (
            not _within(unit, subscription)
            or uuidToObject(uid, unrestricted=True) is None
        ):
            counts["refused"] += 1
            continue
        detail = {"status": status, "subscriber": host, "message": channel}
        new = record(portal, proof.name, uid, unit, subscription.id, at, detail)
        counts["recorded" if new else "known"] += 1
    return counts
