"""Compaction of the change log: events older than ``RETENTION`` are dropped, on a schedule.

The push thread of every Zope process runs it (``Pusher.work``) once every ``EVERY`` seconds,
``BATCH`` events per transaction until nothing old is left. Everything up to the new horizon
goes, tombstones and the records of items they tombstoned included, except what an active
subscription has not acknowledged yet: the horizon never passes the cursor of a subscription
that is active and within its lease, so a healthy subscriber never has to read everything
again. A feed reader with an older cursor gets ``410 Gone`` (``browser.feed``), a dead-lettered
or expired subscription a resync delivery (``pusher``).
"""

from nguon.publication.store import storage
from nguon.syndication.subscriptions import ACTIVE

import logging
import time


logger = logging.getLogger("nguon.syndication")
RETENTION = 90 * 24 * 3600  # seconds an event stays in the log
EVERY = 6 * 3600  # seconds between two compactions of a site
BATCH = 10_000  # events dropped in one transaction


def held(store, now):
    """The lowest cursor of the active, unexpired subscriptions (None when there is none)."""
    cursors = [
        store.deliveries[sid].cursor
        for sid, subscription in store.subscriptions.items()
        if sid in store.deliveries
        and store.deliveries[sid].state == ACTIVE
        and not subscription.expired(now)
    ]
    return min(cursors, default=None)


def due(portal, now=None):
    store = storage(portal)
    return store is not None and (now or time.time()) - store.compacted_at >= EVERY


def compact(portal, now=None, retention=RETENTION, batch=BATCH):
    """Drop up to ``batch`` events older than ``retention``; returns how many. The run counts
    as done (``compacted_at``) when fewer than ``batch`` were left."""
    store = storage(portal)
    now = now or time.time()
    dropped = store.compact(now - retention, keep_after=held(store, now), limit=batch)
    if dropped < batch:
        store.compacted_at = now
    if dropped:
        logger.info(
            "change log compacted: %d events dropped, horizon %d",
            dropped,
            store.horizon,
        )
    return dropped
