"""The change log of what the site has published, kept in the portal's annotations.

Every change that a consumer must see gets the next sequence number, in commit order of the
delivery worker (the only writer here), so a cursor is a plain number: "everything after 41".
An *upsert* event says the item is published for its reach (with the snapshot in its
record); a *delete* event is the tombstone that tells consumers to remove it (retracted,
expired, deleted, moved out of a unit's reach).

For each unit code that items name in their reach (an *anchor*) the store keeps the events and
the live items naming it, and the last sequence number that touched it: a unit's feed is the
merge of the anchors of its lineage, and its version (for ``ETag``) the highest of theirs.
Items that take effect or expire later wait in ``schedule`` until the worker's clock reaches
them.

Old events are compacted (``compact``): every event up to a *horizon* is dropped, with the
tombstoned items' records. A cursor at or after the horizon reads on as before; one before it
would miss dropped tombstones, so reading from it raises ``CursorExpired`` and the reader
must read the whole current feed again.
"""

from BTrees.LOBTree import LOBTree
from BTrees.OOBTree import OOBTree
from nguon.annotations import site_state
from persistent import Persistent

import time


KEY = "nguon.syndication"  # the annotation key of existing sites (data): it keeps its name
UPSERT = "upsert"
DELETE = "delete"


class CursorExpired(Exception):
    """The cursor is older than the log's horizon: what came between was compacted away."""

    def __init__(self, horizon):
        super().__init__(horizon)
        self.horizon = horizon


class Facts(tuple):
    """``(channels, category, priority, public)`` of an item, what feed filters test. Stored
    as a plain tuple (no class of ours in the database); wrap it again to read it. ``public``
    is False for what only test devices may have (``Test`` and ``Exercise`` alerts); events
    logged before it existed have three facts and were all public."""

    __slots__ = ()

    def __new__(cls, channels, category, priority, public=True):
        return super().__new__(cls, (tuple(channels), category, priority, bool(public)))

    def match(self, channels=(), categories=(), priorities=(), tests=False):
        """Whether a reader asking for these sees the item; only readers that serve test
        devices (``tests``) see what is not public."""
        own_channels, category, priority, public = self
        return (
            (public or tests)
            and (not channels or bool(set(channels) & set(own_channels)))
            and (not categories or category in categories)
            and (not priorities or priority in priorities)
        )


class Event(tuple):
    """``(uid, kind, reach, facts, time)``; stored as a plain tuple like ``Facts``."""

    __slots__ = ()
    uid = property(lambda self: self[0])
    kind = property(lambda self: self[1])
    reach = property(lambda self: self[2])
    facts = property(lambda self: Facts(*self[3]))
    time = property(lambda self: self[4])


class Record(Persistent):
    """The last state of one item the log knows."""

    def __init__(self, uid):
        self.uid = uid
        self.entry = None
        self.reach = ()
        self.facts = None
        self.live = False
        self.seq = 0
        self.scheduled = ()  # keys of this item in the schedule


class Anchor(Persistent):
    """Events and live items naming one unit code in their reach."""

    def __init__(self):
        self.events = LOBTree()  # seq -> below
        self.live = OOBTree()  # (-effective, uid) -> (below, facts)
        self.version = 0
        self.changed = 0.0


class ChangeLog(Persistent):
    """The change log of one site (see the module's docstring). Sites made before the
    publication core store it under the old class path ``nguon.syndication.store.Syndication``,
    which ``nguon.syndication.store`` keeps importable."""

    horizon = 0  # every event up to this sequence number was compacted away
    compacted_at = 0.0  # when ``compact`` last ran

    def __init__(self):
        self.sequence = 0
        self.log = LOBTree()  # seq -> Event
        self.items = OOBTree()  # uid -> Record
        self.anchors = OOBTree()  # unit code -> Anchor
        self.schedule = OOBTree()  # (time, uid) -> None
        # Push subscriptions of ``nguon.syndication`` have always been kept on this object
        # (moving them would move stored data); only nguon.syndication.subscriptions reads them.
        self.subscriptions = (
            OOBTree()
        )  # id -> subscriptions.Subscription (admins write)
        self.deliveries = OOBTree()  # id -> subscriptions.Delivery (the pusher writes)

    # -- writing (the delivery worker only) --------------------------------------------

    def publish(self, uid, entry, reach, facts, now=None):
        """The item is live for ``reach`` with this snapshot. Returns the events logged."""
        now = now or time.time()
        record = self.items.get(uid)
        if record is None:
            record = self.items[uid] = Record(uid)
        if record.live and record.entry == entry and record.reach == reach:
            return []
        events = []
        if record.live and record.reach != reach:
            events.append(self._retract(record, now))
        self._unlist(record)
        facts = tuple(facts)
        record.entry, record.reach, record.facts, record.live = (
            entry,
            reach,
            facts,
            True,
        )
        events.append(self._append((uid, UPSERT, reach, facts, now), now))
        record.seq = events[-1]
        for code, below in reach:
            self._anchor(code).live[(-entry["effective"], uid)] = (below, facts)
        return events

    def withdraw(self, uid, now=None):
        """The item is no longer published (or never was). Returns the events logged."""
        record = self.items.get(uid)
        if record is None or not record.live:
            return []
        return [self._retract(record, now or time.time())]

    def forget(self, uid):
        """Drop the record of an item that is gone and not live (after ``withdraw``)."""
        record = self.items.get(uid)
        if record is not None and not record.live:
            self.plan(uid, ())
            del self.items[uid]

    def plan(self, uid, times):
        """Replace the times at which the item must be looked at again."""
        record = self.items.get(uid)
        if record is None:
            if not times:
                return
            record = self.items[uid] = Record(uid)
        for key in record.scheduled:
            self.schedule.pop(key, None)
        record.scheduled = tuple((when, uid) for when in sorted(set(times)))
        for key in record.scheduled:
            self.schedule[key] = None

    def due(self, now=None):
        """UIDs whose scheduled time has come, removed from the schedule."""
        now = now or time.time()
        keys = list(self.schedule.keys(max=(now, "\uffff")))
        for key in keys:
            del self.schedule[key]
            record = self.items.get(key[1])
            if record is not None:
                record.scheduled = tuple(k for k in record.scheduled if k != key)
        return sorted({uid for _when, uid in keys})

    def compact(self, before, keep_after=None, limit=None):
        """Drop the events logged before the time ``before`` (never one after the sequence
        ``keep_after``, never more than ``limit``), and the records of items they left
        tombstoned. Moves the horizon; returns how many events were dropped."""
        dropped = 0
        for seq, event in self.log.items(max=keep_after):
            if Event(event).time >= before or (limit is not None and dropped >= limit):
                break
            dropped += 1
            self.horizon = seq
        if not dropped:
            return 0
        for seq in list(self.log.keys(max=self.horizon)):
            event = Event(self.log.pop(seq))
            for code, _below in event.reach:
                self._anchor(code).events.pop(seq, None)
            record = self.items.get(event.uid)
            if (
                record is not None
                and not record.live
                and not record.scheduled
                and record.seq <= self.horizon
            ):
                del self.items[event.uid]
        return dropped

    def _retract(self, record, now):
        self._unlist(record)
        seq = self._append((record.uid, DELETE, record.reach, record.facts, now), now)
        record.live, record.seq = False, seq
        return seq

    def _unlist(self, record):
        if not record.live:
            return
        for code, _below in record.reach:
            self._anchor(code).live.pop((-record.entry["effective"], record.uid), None)

    def _append(self, event, now):
        self.sequence += 1
        seq = self.sequence
        self.log[seq] = event
        for code, below in event[2]:
            anchor = self._anchor(code)
            anchor.events[seq] = below
            anchor.version, anchor.changed = seq, now
        return seq

    def _anchor(self, code):
        if code not in self.anchors:
            self.anchors[code] = Anchor()
        return self.anchors[code]


def storage(portal, create=False):
    """The site's change log, or None when it has none (and ``create`` is False)."""
    return site_state(portal, KEY, ChangeLog, create)
