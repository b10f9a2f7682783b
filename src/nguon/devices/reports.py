"""ONE report log for what devices say they did: a radio station's as-run (what it played), a
board's proof of play (what it showed), and any kind that comes next.

A **kind** (``Kind``) says how its records look: the field naming the device (``station``,
``board``), the field holding the report time (``at``, ``shown_at``), the fields that complete
a key (an as-run record's ``status``) and ``clean(raw, device_uid, **context)``, which turns
one raw JSON object into a record or raises ``UserError``. Radio and boards declare theirs
(``nguon.radio.asrun.ASRUN``, ``nguon.boards.proof.PROOF``); everything else is here.

A kind may say what follows a stored report: ``then(portal, log, device_uid, records,
**context)``, ``log`` being the kind's ``ReportLog`` (radio and boards enter the deliveries
the report proves in the delivery ledger). It runs in the same transaction, after the
records are stored; if it fails, the failure is logged and the report is kept all the same:
the device's word is never lost to it.

Storage: one ``ReportLog`` per kind, held in the site's annotations under ``KEY`` (a mapping
kind name -> log). A log keeps two insert-only BTrees, so many devices reporting at once do
not conflict: by device ``(device, time, item, …)`` and by item ``(item, time, device, …)``.
Times are normalised to UTC ISO 8601 so that keys sort by time (a time without offset is
Vietnam's); a report dated more than ``AHEAD`` ahead is refused (it would outlive every
retention). When a device reports, its records older than the retention
(``NGUON_DEVICE_LOG_DAYS``, 90 days by default) are removed, a bounded number per report, so
every device's log stays within its window without a separate job; ``prune_log`` does the same
for every device of a kind (for devices that stopped reporting).

Before issue 13 the two logs were ``nguon.radio.asrun.AsRunLog`` (key ``nguon.radio.asrun``,
trees ``by_station``/``by_item``) and ``nguon.boards.proof.ProofLog`` (key
``nguon.boards.proof``, ``by_board``/``by_item``). Those classes stay loadable
(``AsRunLog``/``ProofLog`` below, importable at their old paths) and the upgrade step
"Device credentials and reports in nguon.devices" hands their trees, unchanged, to the
``ReportLog`` of their kind (``migrate``).
"""

from BTrees.OOBTree import OOBTree
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from itertools import islice
from nguon import _
from nguon.annotations import site_state
from nguon.content.timezone import LOCAL_ZONE
from nguon.errors import UserError
from persistent import Persistent
from persistent.mapping import PersistentMapping
from ZODB.POSException import ConflictError

import logging
import os


logger = logging.getLogger("nguon.devices")
KEY = "nguon.devices.reports"
DEFAULT_DAYS = 90
AHEAD = timedelta(days=1)  # a device's clock may be this far ahead
PRUNE_BATCH = 2000  # records removed per report at most (bounded write)
MAX_RECORDS = 500  # records per report at most
ZONE = LOCAL_ZONE
END = "\uffff"


@dataclass(frozen=True)
class Kind:
    """What a kind of report looks like (see the module's docstring)."""

    name: str
    device: str
    time: str
    clean: Callable
    detail: tuple = ()
    old_key: str = None  # where the log lived before issue 13
    old_tree: str = None  # its by-device tree's name there
    then: Callable = None  # what follows a stored report (see the module)

    def device_key(self, record):
        return (
            record[self.device],
            record[self.time],
            record["item"],
            *(record[field] for field in self.detail),
        )

    def item_key(self, record):
        return (
            record["item"],
            record[self.time],
            record[self.device],
            *(record[field] for field in self.detail),
        )


class ReportLog(Persistent):
    """The records of one kind, by device and by item."""

    def __init__(self, by_device=None, by_item=None):
        self.by_device = OOBTree() if by_device is None else by_device
        self.by_item = OOBTree() if by_item is None else by_item


class AsRunLog(Persistent):
    """Before issue 13 (``nguon.radio.asrun.AsRunLog``): kept so stored logs load."""


class ProofLog(Persistent):
    """Before issue 13 (``nguon.boards.proof.ProofLog``): kept so stored logs load."""


def install(portal, *kinds):
    """Create the report log of the site and of each kind (setup and upgrade steps)."""
    logs = site_state(portal, KEY, PersistentMapping, create=True)
    for kind in kinds:
        if kind.name not in logs:
            logs[kind.name] = ReportLog()
    return logs


def log(portal, kind):
    """The ``ReportLog`` of ``kind``, or None (requests never create it)."""
    logs = site_state(portal, KEY, PersistentMapping)
    return None if logs is None else logs.get(kind.name)


def migrate(portal, kind):
    """Hand a log stored the pre-issue-13 way (``kind.old_key``) to the report log; returns how
    many records it held. Its trees are moved as they are (no record is copied) unless the
    new log already has records, in which case they are added to it."""
    from zope.annotation.interfaces import IAnnotations

    annotations = IAnnotations(portal)
    old = annotations.get(kind.old_key) if kind.old_key else None
    if old is None:
        install(portal, kind)
        return 0
    by_device, by_item = getattr(old, kind.old_tree), old.by_item
    logs = install(portal)
    current = logs.get(kind.name)
    if current is None or not len(current.by_device):
        logs[kind.name] = ReportLog(by_device, by_item)
    else:
        current.by_device.update(by_device)
        current.by_item.update(by_item)
    del annotations[kind.old_key]
    return len(by_device)


def retention():
    """How long records are kept (``NGUON_DEVICE_LOG_DAYS``, a positive number of days)."""
    try:
        days = float(os.environ.get("NGUON_DEVICE_LOG_DAYS") or DEFAULT_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    return timedelta(days=days if days > 0 else DEFAULT_DAYS)


def _iso(moment):
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def moment(raw, now=None):
    """``raw`` (ISO 8601) as the UTC key text; ``ValueError`` if it is not a time or is more
    than ``AHEAD`` in the future."""
    parsed = datetime.fromisoformat(str(raw))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZONE)
    if parsed > (now or datetime.now(UTC)) + AHEAD:
        raise ValueError("in the future")
    return _iso(parsed)


def cutoff(now=None):
    return _iso((now or datetime.now(UTC)) - retention())


def prune(by_device, by_item, device, item_key, now=None, limit=PRUNE_BATCH):
    """Remove ``device``'s records older than the retention (at most ``limit``) from both
    trees; ``item_key(record)`` is a record's key in ``by_item``. Returns how many went."""
    old = list(
        islice(
            by_device.keys(min=(device,), max=(device, cutoff(now)), excludemax=True),
            limit,
        )
    )
    for key in old:
        by_item.pop(item_key(by_device.pop(key)), None)
    return len(old)


def prune_all(by_device, by_item, item_key, now=None):
    """``prune`` every device of the trees; returns how many records went."""
    removed, device = 0, None
    while True:
        following = (
            by_device.keys(min=(device, END), excludemin=True)
            if device is not None
            else by_device.keys()
        )
        first = next(iter(following), None)
        if first is None:
            return removed
        device = first[0]
        while count := prune(by_device, by_item, device, item_key, now):
            removed += count


def of(tree, first):
    """The records whose key starts with ``first``, oldest first (a lazy BTree range: ``len``
    and indexing without loading them all)."""
    return tree.values(min=(first,), max=(first, END))


def report(portal, kind, device_uid, records, **context):
    """Store a device's report (all records or none: ``UserError`` says what is wrong) and drop
    its records past the retention; returns how many records were stored. ``context`` goes to
    ``kind.clean`` (a station's unit code)."""
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise UserError(
            _(
                "reports_error_records",
                default="«records» phải là danh sách 1 đến ${max} bản ghi.",
                mapping={"max": MAX_RECORDS},
            )
        )
    clean = [kind.clean(raw, device_uid, **context) for raw in records]
    store = log(portal, kind)
    for record in clean:
        store.by_device[kind.device_key(record)] = record
        store.by_item[kind.item_key(record)] = record
    prune(store.by_device, store.by_item, device_uid, kind.item_key)
    if kind.then is not None:
        _follow(kind, portal, store, device_uid, clean, context)
    return len(clean)


def _follow(kind, portal, store, device_uid, records, context):
    """Run ``kind.then``; a failure there is logged, never the report's (a conflict is left
    to the transaction's retry, which stores the report again)."""
    try:
        kind.then(portal, store, device_uid, records, **context)
    except ConflictError:
        raise
    except Exception:
        logger.exception(
            "report of %s by %s stored; what follows it failed", kind.name, device_uid
        )


def prune_log(portal, kind, now=None):
    """Drop every device's records of ``kind`` past the retention; returns how many went."""
    store = log(portal, kind)
    return (
        0
        if store is None
        else prune_all(store.by_device, store.by_item, kind.item_key, now)
    )


def of_device(portal, kind, device_uid):
    """The device's records of ``kind``, oldest first (a lazy range)."""
    store = log(portal, kind)
    return () if store is None else of(store.by_device, device_uid)
