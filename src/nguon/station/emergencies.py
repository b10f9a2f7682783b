"""The emergencies a station holds now, from every source it hears, and when each airs.

Sources are the station's poll of ``@station-events`` and each topic it subscribed to on the
messaging engine; each gives a whole signed list (already accepted: pinned key, this station
or this topic, newer than the last one of that source, within its validity). ``InForce``
keeps the last list of each source until its ``valid_until``; an item is in force while one
of the lists holds it, unless a newer list dropped it (a Cancel, a retraction, an Update that
replaced it): a poll answered a moment before the broker's withdrawal does not bring the
item back. Lists whose validity ran out are simply left out; that is not a withdrawal (a
station cut off from the site keeps what it is airing).

``due_round``: an item with ``"repeat": {"times", "minutes"}`` airs round 0 when it takes
effect, round ``r`` ``r × minutes`` later, until ``times`` rounds; a station that hears it
late airs only the round due now. Rounds count from the item's effective time, so every
station of an area airs a round at the same moment. Nothing airs more than ``WINDOW`` after
its last round: the messaging engine lists an emergency for as long as it is in force, and a
station installed (or its cache wiped) weeks later must not interrupt for it (the site's
``@station-events`` stops listing a plain emergency after the same six hours).
"""

from datetime import datetime
from datetime import timedelta

import threading


ONCE = {"times": 1, "minutes": 0}
WINDOW = timedelta(hours=6)  # as ``nguon.radio.schedule.EMERGENCY_WINDOW``


class InForce:
    def __init__(self):
        self._lists = {}  # source -> (sequence, valid_until, {uid: entry})
        self._withdrawn = {}  # uid -> sequence of the newest list that dropped it
        self._lock = threading.Lock()

    def update(self, source, doc, entries, now):
        """Keep ``entries`` (a list accepted from ``source``, ``doc`` its document) as what
        ``source`` says now; returns the uids it withdrew (in force before, not any more)."""
        sequence = int(doc["sequence"])
        listed = {entry["uid"]: entry for entry in entries}
        with self._lock:
            before = self._held(now)
            previous = self._lists.get(source)
            for uid in (previous[2].keys() if previous else set()) - listed.keys():
                self._withdrawn[uid] = max(self._withdrawn.get(uid, 0), sequence)
            self._lists[source] = (
                sequence,
                datetime.fromisoformat(doc["valid_until"]),
                listed,
            )
            self._forget_withdrawals()
            return set(before) - set(self._held(now))

    def forget(self, source):
        """Stop hearing ``source`` (a topic the station no longer subscribes to)."""
        with self._lock:
            self._lists.pop(source, None)
            self._forget_withdrawals()

    def items(self, now):
        """The entries in force at ``now`` (aware), oldest effective first."""
        with self._lock:
            held = self._held(now)
        return sorted(held.values(), key=lambda entry: entry.get("effective") or 0)

    def _held(self, now):
        found = {}
        newest_first = sorted(self._lists.values(), key=lambda kept: -kept[0])
        for sequence, valid_until, listed in newest_first:
            if now >= valid_until:
                continue
            for uid, entry in listed.items():
                if sequence > self._withdrawn.get(uid, 0):
                    found.setdefault(uid, entry)
        return found

    def _forget_withdrawals(self):
        """A withdrawal only matters while an older list still holds the item."""
        listed = set()
        for _sequence, _until, entries in self._lists.values():
            listed.update(entries)
        for uid in set(self._withdrawn) - listed:
            del self._withdrawn[uid]


def due_round(entry, now):
    """The round of ``entry`` due at ``now`` (0 for the first airing), or None when its
    last round is more than ``WINDOW`` ago."""
    repeat = entry.get("repeat") or ONCE
    times = max(1, int(repeat.get("times") or 1))
    seconds = max(0.0, float(repeat.get("minutes") or 0)) * 60
    effective = entry.get("effective")
    if effective is None:
        return 0  # a site that does not say when: air it once, as before
    elapsed = now.timestamp() - float(effective)
    if elapsed > (times - 1) * seconds + WINDOW.total_seconds():
        return None
    if times == 1 or not seconds:
        return 0
    return max(0, min(times - 1, int(elapsed // seconds)))
