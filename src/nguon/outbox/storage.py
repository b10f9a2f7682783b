"""Where the outbox lives: one pending set per consumer, in the portal's annotations.

Writers (content transactions) only ever insert into a consumer's ``pending`` BTree, keyed by
UID: concurrent writers insert different keys, which BTrees merge without conflict, and a
second change of the same item before delivery is the same key again. The worker alone writes
everything else; it removes a UID only if nobody changed it since it was read, so a change made
while the item was being delivered is never forgotten (that removal conflicts and is retried).
"""

from BTrees.Length import Length
from BTrees.OOBTree import OOBTree
from nguon.annotations import site_state
from persistent import Persistent

import random
import time


KEY = "nguon.outbox"
MAX_ATTEMPTS = 5
# Never removed, and sorts before every UID: a bucket whose first key is removed, or that is
# emptied, conflicts with any concurrent insert; with the sentinel the first bucket never is.
SENTINEL = ""


class PendingSet(Persistent):
    """What one consumer has yet to take."""

    def __init__(self):
        self.pending = OOBTree({SENTINEL: None})  # uid -> (time recorded, path, token)
        self.attempts = OOBTree()  # uid -> refusals so far (worker only)
        self.dead = (
            OOBTree()
        )  # uid -> (message, attempts, time): refused MAX_ATTEMPTS times
        self.delivered = Length()
        self.last_delivery = None  # time of the last successful delivery
        self.last_failure = (
            None  # (time, message) of the last time the channel was down
        )

    def record(self, uid, path):
        # The token makes every recording a new value, so ``taken`` can tell that an item
        # was recorded again while it was being delivered, whatever the clock's resolution.
        self.pending[uid] = (time.time(), path, random.getrandbits(63))

    def count(self):
        return len(self.pending) - (SENTINEL in self.pending)

    def uids(self):
        return [uid for uid in self.pending.keys(min=SENTINEL, excludemin=True)]

    def batch(self, size):
        """Up to ``size`` pending ``(uid, entry)`` pairs."""
        batch = []
        for uid, entry in self.pending.items(min=SENTINEL, excludemin=True):
            batch.append((uid, entry))
            if len(batch) >= size:
                break
        return batch

    def taken(self, entries, refused):
        """The consumer took ``entries`` (pairs from ``batch``) except the uids in
        ``refused`` (uid -> message), which stay pending until MAX_ATTEMPTS refusals."""
        now = time.time()
        for uid, entry in entries:
            if uid in refused:
                attempts = self.attempts.get(uid, 0) + 1
                if attempts < MAX_ATTEMPTS:
                    self.attempts[uid] = attempts
                    continue
                self.dead[uid] = (refused[uid], attempts, now)
            elif uid in self.dead:
                del self.dead[uid]
            if self.attempts.get(uid) is not None:
                del self.attempts[uid]
            if self.pending.get(uid) == entry:
                del self.pending[uid]
        delivered = len(entries) - len(refused)
        if delivered:
            self.delivered.change(delivered)
            self.last_delivery = now
        self.last_failure = None

    def failed(self, message):
        self.last_failure = (time.time(), message)

    def retry_dead(self):
        """Offer the dead letters again (after the cause was fixed); returns how many."""
        uids = list(self.dead.keys())
        for uid in uids:
            self.record(uid, None)
            del self.dead[uid]
        return len(uids)


class Outbox(Persistent):
    def __init__(self):
        self.consumers = OOBTree()  # consumer name -> PendingSet

    def pending_set(self, name):
        """The consumer's pending set, made on first use."""
        pending = self.consumers.get(name)
        if pending is None:
            pending = self.consumers[name] = PendingSet()
        return pending


def outbox(portal, create=False):
    """The site's outbox, or None when it has none (and ``create`` is False)."""
    return site_state(portal, KEY, Outbox, create)


def install(portal, names):
    """Make the outbox and the pending sets of ``names`` (setup handlers, upgrade steps), so
    that no request ever writes the portal or the consumer list."""
    box = outbox(portal, create=True)
    for name in names:
        box.pending_set(name)
    return box
