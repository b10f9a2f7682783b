"""What the logs devices write (the as-run log of stations, the proof of play of boards) share:
times kept in UTC, a retention by age, and reads by range.

Each log keeps two insert-only BTrees: by device ``(device, at, …)`` and by item
``(item, at, device, …)``. ``at`` is the device's report time, normalised to UTC ISO 8601 so
that keys sort by time (a time without offset is Vietnam's). A report dated more than a day
ahead is refused (it would outlive every retention). When a device reports, its records older
than the retention (``NGUON_DEVICE_LOG_DAYS``, 90 days by default) are removed, a bounded
number per report, so every device's log stays within its window without a separate job;
``prune_all`` does the same for every device (an upgrade step or a maintenance script may
call it for devices that stopped reporting).
"""
from datetime import datetime
from datetime import timedelta
from datetime import timezone
from itertools import islice
from zoneinfo import ZoneInfo

import os


DEFAULT_DAYS = 90
AHEAD = timedelta(days=1)  # a device's clock may be this far ahead
PRUNE_BATCH = 2000         # records removed per report at most (bounded write)
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
END = "\uffff"


def retention():
    """How long records are kept (``NGUON_DEVICE_LOG_DAYS``, a positive number of days)."""
    try:
        days = float(os.environ.get("NGUON_DEVICE_LOG_DAYS") or DEFAULT_DAYS)
    except ValueError:
        days = DEFAULT_DAYS
    return timedelta(days=days if days > 0 else DEFAULT_DAYS)


def _iso(moment):
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds")


def moment(raw, now=None):
    """``raw`` (ISO 8601) as the UTC key text; ``ValueError`` if it is not a time or is more
    than ``AHEAD`` in the future."""
    parsed = datetime.fromisoformat(str(raw))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZONE)
    if parsed > (now or datetime.now(timezone.utc)) + AHEAD:
        raise ValueError("in the future")
    return _iso(parsed)


def cutoff(now=None):
    return _iso((now or datetime.now(timezone.utc)) - retention())


def prune(by_device, by_item, device, item_key, now=None, limit=PRUNE_BATCH):
    """Remove ``device``'s records older than the retention (at most ``limit``) from both
    trees; ``item_key(record)`` is a record's key in ``by_item``. Returns how many went."""
    old = list(islice(by_device.keys(min=(device,), max=(device, cutoff(now)), excludemax=True), limit))
    for key in old:
        by_item.pop(item_key(by_device.pop(key)), None)
    return len(old)


def prune_all(by_device, by_item, item_key, now=None):
    """``prune`` every device of the log; returns how many records went."""
    removed, device = 0, None
    while True:
        following = by_device.keys(min=(device, END), excludemin=True) if device is not None else by_device.keys()
        first = next(iter(following), None)
        if first is None:
            return removed
        device = first[0]
        while (count := prune(by_device, by_item, device, item_key, now)):
            removed += count


def of(tree, first):
    """The records whose key starts with ``first``, oldest first (a lazy BTree range: ``len``
    and indexing without loading them all)."""
    return tree.values(min=(first,), max=(first, END))
