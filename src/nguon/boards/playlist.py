"""What a board shows: approved, effective board-channel items for its unit (its own and
those of the units above targeted at it), read from the syndication change log.

An emergency takes over the whole board until it expires or is retracted (Xibo's interrupt
model): while any is live, the playlist holds the emergencies only, opening hours or not.
Otherwise, within opening hours, the items whose dayparts (times of day, if they have any)
include now are shown: priority items twice in a rotation (at its start and its middle),
normal ones once, newest first; outside opening hours the board is dark. Date ranges are the
items' own effective and expiry dates.
"""

from nguon.content.slots import in_quiet_hours
from nguon.content.slots import parse_time
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import storage
from nguon.units.tree import item_unit
from nguon.units.tree import lineage


BOARD = Filters(channels=("board",))


def _image(entry):
    return next(
        (
            a["path"]
            for a in entry["attachments"]
            if a["mime_type"].startswith("image/")
        ),
        None,
    )


def slide(entry, board):
    return {
        "uid": entry["uid"],
        "title": entry["title"],
        "text": entry["text"] or entry["summary"],
        "priority": entry["priority"],
        "duration": entry.get("display_duration") or board.default_duration,
        "image": _image(entry),
        "modified": entry["modified"],
    }


def in_daypart(entry, now):
    """True when the item has no dayparts, or ``now`` (aware) falls in one of them."""
    parts = entry.get("dayparts") or []
    if not parts:
        return True
    return any(
        not in_quiet_hours(now, (parse_time(end, None), parse_time(start, None)))
        for start, end in parts
    )


def build(portal, board, now):
    store = storage(portal)
    unit = item_unit(board)
    if store is None or unit is None:
        return {"version": "0", "emergency": False, "open": False, "slides": []}
    feed = UnitFeed(store, [code for code, _level in lineage(unit)], BOARD)
    entries = feed.current(size=100).entries
    version = feed.version()[0]
    emergencies = [slide(e, board) for e in entries if e["priority"] == "emergency"]
    is_open = board.is_open(now)
    if emergencies:
        slides = emergencies
    elif not is_open:
        slides = []
    else:
        shown = [e for e in entries if in_daypart(e, now)]
        priority = [slide(e, board) for e in shown if e["priority"] == "priority"]
        normal = [slide(e, board) for e in shown if e["priority"] == "normal"]
        middle = len(normal) // 2
        slides = (
            priority + normal[:middle] + priority + normal[middle:]
            if normal
            else priority + priority
        )
    return {
        "board": board.UID(),
        "width": board.width,
        "height": board.height,
        "version": f"{version}.{int(board.modified().timeTime())}.{int(is_open)}",
        "emergency": bool(emergencies),
        "open": is_open,
        "slides": slides,
    }
