"""What one unit's feed holds, read from the change log.

A unit reads the items whose reach names it, or names a unit above it with ``below`` set
(``targeting.reaches``): its feed merges the anchors of its lineage. Two views of it:

- ``current``: the items live for the unit now, newest effective date first, in pages;
- ``changes``: every event for the unit after a cursor, oldest first, upserts and tombstones.

A change request examines at most ``SCAN`` events of the log, whatever its filters: a filter
that matches nothing answers with no entries, ``more`` set and the cursor where it stopped
(the next request goes on from there). A cursor older than the log's horizon raises
``store.CursorExpired``.

``version`` is the last sequence number that touched any anchor of the lineage: when it has
not moved, no representation of the unit's feed has changed (the ``ETag``).
"""

from dataclasses import dataclass
from dataclasses import field
from nguon.publication.store import CursorExpired
from nguon.publication.store import DELETE
from nguon.publication.store import Event
from nguon.publication.store import Facts

import heapq
import itertools
import operator


SCAN = 5000  # events of the log one change request examines at most


@dataclass(frozen=True)
class Filters:
    channels: tuple = ()
    categories: tuple = ()
    priorities: tuple = ()
    # Also what only test devices may have (Test and Exercise alerts): radio and boards ask
    # for it and choose per device; every reader for people (feeds, pushes, pages) never.
    tests: bool = False

    def match(self, facts):
        return Facts(*facts).match(
            self.channels, self.categories, self.priorities, self.tests
        )

    def as_dict(self):
        return {
            "channel": list(self.channels),
            "category": list(self.categories),
            "priority": list(self.priorities),
        }


@dataclass
class Change:
    seq: int
    kind: str
    uid: str
    time: float
    entry: dict = None  # the snapshot for an upsert


@dataclass
class Page:
    entries: list = field(
        default_factory=list
    )  # snapshots, or Change objects for ``changes``
    more: bool = False
    cursor: int = 0  # where to ask ``since=`` next
    version: int = 0
    changed: float = 0.0


class UnitFeed:
    """The feed of the unit whose lineage codes (top first, the unit last) are given."""

    def __init__(self, store, lineage_codes, filters=Filters()):
        self.store = store
        self.lineage = list(lineage_codes)
        self.own = self.lineage[-1]
        self.filters = filters
        self.anchors = [(code, store.anchors.get(code)) for code in self.lineage]
        self.anchors = [
            (code, anchor) for code, anchor in self.anchors if anchor is not None
        ]

    def _for_me(self, code, below):
        return code == self.own or below

    def version(self):
        """``(sequence, time)`` of the last change that may concern the unit."""
        touched = [(anchor.version, anchor.changed) for _code, anchor in self.anchors]
        return max(touched, default=(0, 0.0))

    def current(self, page=1, size=50):
        def live(code, anchor):
            for (negative_effective, uid), (below, facts) in anchor.live.items():
                if self._for_me(code, below) and self.filters.match(facts):
                    yield (negative_effective, uid)

        merged = heapq.merge(*(live(code, anchor) for code, anchor in self.anchors))
        keys = _unique(merged)
        window = list(itertools.islice(keys, (page - 1) * size, page * size + 1))
        version, changed = self.version()
        return Page(
            entries=[self.store.items[uid].entry for _effective, uid in window[:size]],
            more=len(window) > size,
            cursor=version,
            version=version,
            changed=changed,
        )

    def changes(self, since, size=200, scan=None):
        scan = scan or SCAN
        if since < self.store.horizon:
            raise CursorExpired(self.store.horizon)

        def events(code, anchor):
            for seq, below in anchor.events.items(min=since, excludemin=True):
                yield seq, self._for_me(code, below)

        merged = heapq.merge(*(events(code, anchor) for code, anchor in self.anchors))
        found, more, last = [], False, since
        for examined, (seq, group) in enumerate(
            itertools.groupby(merged, operator.itemgetter(0))
        ):
            if examined >= scan:
                more = True
                break
            if not any(mine for _seq, mine in group):
                last = seq
                continue
            event = Event(self.store.log[seq])
            if not self.filters.match(event.facts):
                last = seq
                continue
            if len(found) >= size:
                more = True
                break
            found.append(self._change(seq, event))
            last = seq
        version, changed = self.version()
        # The cursor of a complete answer is the unit's version: nothing after it concerns
        # the unit, and it stays put (the same URL, a 304) until something does.
        cursor = last if more else max(last, version)
        return Page(
            entries=found, more=more, cursor=cursor, version=version, changed=changed
        )

    def _change(self, seq, event):
        change = Change(seq=seq, kind=event.kind, uid=event.uid, time=event.time)
        if event.kind != DELETE:
            record = self.store.items.get(event.uid)
            # A later event for the item follows in the same stream; the snapshot is its last.
            change.entry = record.entry if record is not None and record.entry else None
            if change.entry is None:
                change.kind = DELETE
        return change


def _unique(keys):
    previous = object()
    for key in keys:
        if key != previous:
            yield key
        previous = key
