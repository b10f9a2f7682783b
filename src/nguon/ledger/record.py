"""``record``: the one way a delivery enters the ledger.

A record is immutable: ``(item, unit, channel, at, device, kind)`` and its proof's detail (a
few short fields: an as-run status, seconds aired, a message). Recording the same key twice
keeps the first. A proving record also counts the unit's ``deliveries`` (and ``seconds``
aired or shown); when it is the first proof of an essential item's required pair, the pair
is marked delivered (``delivered``, and the time from publication in ``latency_s`` /
``latency_n``, ``emergency_latency_*`` for emergencies). A failing record (audio refused)
is kept as the pair's last failure, which coverage shows as the reason; a note (a broadcast
that started) is only kept.

Writes touch only keys of the receiving unit and of one item, so devices of different units
reporting at once do not conflict (docs/ledger.md); the benchmark measures what it adds to
the request that proves a delivery.
"""

from datetime import datetime
from datetime import UTC
from nguon.ledger.counters import bump
from nguon.ledger.counters import local_day
from nguon.ledger.kinds import kind
from nguon.ledger.store import ledger

import logging


logger = logging.getLogger("nguon.ledger")
DETAIL_FIELDS = ("status", "seconds", "message", "clusters", "subscriber", "slide")
TEXT_LIMIT = 500


def _detail(detail):
    """The proof's detail as an immutable tuple of ``(field, value)``, short values only."""
    cleaned = []
    for field in DETAIL_FIELDS:
        value = (detail or {}).get(field)
        if value is None or value == "":
            continue
        if isinstance(value, list | tuple):
            value = tuple(str(v)[:64] for v in value[:100])
        elif isinstance(value, bool | int | float):
            value = value if isinstance(value, bool) else round(float(value), 3)
        else:
            value = str(value)[:TEXT_LIMIT]
        cleaned.append((field, value))
    return tuple(cleaned)


def _at(moment):
    moment = moment or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("a delivery time must carry its offset")
    return moment


def record(portal, kind_name, item_uid, unit_code, device="", at=None, detail=None):
    """Enter one delivery; True when it is new. ``at`` is an aware datetime (now when
    omitted), ``detail`` a dict of the proof's fields (``DETAIL_FIELDS``)."""
    store = ledger(portal)
    if store is None:
        logger.warning("no ledger in %s: delivery of %s not recorded", portal, item_uid)
        return False
    proof = kind(kind_name)
    at = _at(at)
    at_iso = at.astimezone(UTC).isoformat(timespec="milliseconds")
    key = (item_uid, unit_code, proof.channel, at_iso, device or "", proof.name)
    if key in store.records:
        return False
    cleaned = _detail(detail)
    store.records[key] = cleaned
    if proof.proves:
        day = local_day(at)
        bump(store, unit_code, "deliveries", proof.channel, day)
        seconds = dict(cleaned).get("seconds")
        if seconds:
            bump(store, unit_code, "seconds", proof.channel, day, int(seconds))
    obligation = store.obligations.get(item_uid)
    if obligation is not None:
        _fulfil(store, obligation, proof, unit_code, at, at_iso, device, cleaned)
    return True


def _fulfil(store, obligation, proof, unit_code, at, at_iso, device, cleaned):
    pair = (unit_code, proof.channel)
    if not obligation.requires(pair):
        return
    if proof.note:
        return
    if not proof.proves:
        message = dict(cleaned).get("message", "")
        obligation.failures[pair] = (at_iso, proof.name, device or "", message)
        return
    if pair in obligation.proofs:
        return
    obligation.proofs[pair] = (at_iso, proof.name, device or "")
    obligation.delivered.change(1)
    published = datetime.fromisoformat(obligation.published)
    day = local_day(published)
    latency = max(0, int((at - published).total_seconds()))
    bump(store, unit_code, "delivered", proof.channel, day)
    bump(store, unit_code, "latency_s", proof.channel, day, latency)
    bump(store, unit_code, "latency_n", proof.channel, day)
    if obligation.emergency:
        bump(store, unit_code, "emergency_latency_s", proof.channel, day, latency)
        bump(store, unit_code, "emergency_latency_n", proof.channel, day)


def of_item(portal, item_uid):
    """Every record of an item: ``(unit, channel, at, device, kind, detail)``, by unit."""
    store = ledger(portal)
    if store is None:
        return []
    return [
        (key[1], key[2], key[3], key[4], key[5], dict(value))
        for key, value in store.records.items(
            min=(item_uid,), max=(item_uid, "\uffff"), excludemax=True
        )
    ]
