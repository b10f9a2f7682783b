"""What a slot plays: approved, effective radio items for the station's unit, ordered and
packed so that a slot never overflows.

Order: emergency items never wait for a slot (they interrupt at once, ``emergencies``); then
priority items, then normal ones. Among normal items the commune operator's pins come first,
then the operator's order, then the oldest effective date (what waited longest airs first).
An item airs once in the window; an item that does not fit in what is left of a slot moves
to the next slot and is listed there first (``deferred`` shows it in the slot it missed); an
item longer than every slot is reported as never fitting.
"""

from dataclasses import dataclass
from dataclasses import field


RANK = {"emergency": 0, "priority": 1, "normal": 2}


@dataclass
class Candidate:
    uid: str
    title: str
    priority: str
    effective: float
    duration: float
    audio: dict = None
    pinned: bool = False
    dropped: bool = False
    order: int = None
    repeat: dict = (
        None  # an alert's {"times", "minutes"}; None: any other item (airs once)
    )


@dataclass
class SlotPlaylist:
    slot: object
    items: list = field(default_factory=list)
    deferred: list = field(default_factory=list)  # candidates that did not fit here

    @property
    def seconds(self):
        return sum(item.duration for item in self.items)


def sort_key(candidate):
    normal = candidate.priority == "normal"
    return (
        RANK.get(candidate.priority, 2),
        0 if (normal and candidate.pinned) else 1,
        candidate.order if (normal and candidate.order is not None) else 10**9,
        candidate.effective,
        candidate.uid,
    )


def assemble(slots, candidates):
    """``(playlists, emergencies, never_fits)`` for ``slots`` (in order)."""
    live = [c for c in candidates if not (c.dropped and c.priority == "normal")]
    emergencies = sorted(
        (c for c in live if c.priority == "emergency"), key=lambda c: c.effective
    )
    waiting = sorted((c for c in live if c.priority != "emergency"), key=sort_key)
    longest = max((slot.seconds for slot in slots), default=0)
    never_fits = [c for c in waiting if c.duration > longest]
    waiting = [c for c in waiting if c.duration <= longest]
    playlists = []
    for slot in slots:
        playlist = SlotPlaylist(slot)
        left = slot.seconds
        still_waiting = []
        for candidate in waiting:
            if candidate.duration <= left:
                playlist.items.append(candidate)
                left -= candidate.duration
            else:
                playlist.deferred.append(candidate)
                still_waiting.append(candidate)
        waiting = still_waiting
        playlists.append(playlist)
    return playlists, emergencies, never_fits
