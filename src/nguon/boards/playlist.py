"""What a board shows: approved, effective board-channel items for its unit (its own and
those of the units above targeted at it), read from the syndication change log.

An emergency takes over the whole board until it expires or is retracted (Xibo's interrupt
model): while any is live, the playlist holds the emergencies only, opening hours or not.
Otherwise, within opening hours, the items whose dayparts (times of day, if they have any)
include now are shown: priority items twice in a rotation (at its start and its middle),
normal ones once, newest first; outside opening hours the board is dark. Date ranges are the
items' own effective and expiry dates; an item past its expiry leaves at once, before the
change log's worker removes it.

An alert (``nguon.content.alert``) shows as its takeover (``nguon.boards.takeover``): one slide
per language, Vietnamese first, each carrying the takeover's data (``alert``) and its
``language``. A Test or Exercise alert is shown only on boards marked ``receives_tests``; an
alert that another one in the list updates (its ``references``) gives way to it.
"""

from nguon.boards import takeover
from nguon.content.alert import is_public
from nguon.content.slots import in_quiet_hours
from nguon.content.slots import parse_time
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import storage
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from plone.app.uuid.utils import uuidToObject

import hashlib
import json


BOARD = Filters(channels=("board",), tests=True)  # per board below


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


def alert_slides(entry, board, now):
    """The slides of an alert's entry on ``board``: one per language; none for a Test or
    Exercise alert on a board not marked for tests, nor for an alert no longer in force."""
    item = uuidToObject(entry["uid"], unrestricted=True)
    if item is None or (not is_public(item) and not board.receives_tests):
        return []
    found = takeover.entry(item, now)
    if found is None:
        return []
    return [
        {
            **slide(entry, board),
            "title": language["headline"],
            "text": language["instruction"],
            "language": language["language"],
            "alert": found,
        }
        for language in found["languages"]
    ]


def emergency_slides(entries, board, now):
    """The takeover: every emergency of ``entries``, alerts as their takeover slides, less
    the alerts an Update in the list replaces."""
    slides = []
    for entry in entries:
        if entry["type"] == "Alert":
            slides.extend(alert_slides(entry, board, now))
        else:
            slides.append(slide(entry, board))
    replaced = takeover.superseded(
        {s["uid"]: s["alert"] for s in slides if "alert" in s}.values()
    )
    return [s for s in slides if s["uid"] not in replaced]


def in_force(entry, now):
    expires = entry.get("expires")
    return expires is None or now.timestamp() < expires


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
    entries = [e for e in feed.current(size=100).entries if in_force(e, now)]
    version = feed.version()[0]
    emergencies = emergency_slides(
        [e for e in entries if e["priority"] == "emergency"], board, now
    )
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
        "version": f"{version}.{int(board.modified().timeTime())}.{int(is_open)}."
        + _digest(slides),
        "emergency": bool(emergencies),
        "open": is_open,
        "slides": slides,
    }


def _digest(slides):
    """A short fingerprint of the slides: what time alone changes (an expiry, an alert that
    leaves) changes the version even when the change log did not move."""
    shown = [(s["uid"], s.get("language"), s["modified"]) for s in slides]
    return hashlib.sha256(json.dumps(shown).encode()).hexdigest()[:12]
