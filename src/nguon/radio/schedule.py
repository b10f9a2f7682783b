"""The signed schedule a station fetches: its slots for the next hours with their playlists,
and the emergencies it must air at once.

Candidates are the radio-channel items the syndication change log holds as live for the
station's unit (its own and those of the units above targeted at it), so radio shows exactly
what was approved and is in effect, by the same targeting as every other channel; an alert
that is not ``Actual`` (Test, Exercise) only for a station marked ``receives_tests``
(``audible``). Each item needs its prepared delivery audio; one still being prepared waits
for the next fetch. An emergency's entry says how often it airs (``repeat``: an alert's
``repeat_times`` and ``repeat_minutes``, once for any other); the same entry goes to stations
through the messaging engine (``nguon.radio.broadcast``).

The document carries its issue time, its validity window and a sequence number (the issue
instant in milliseconds: every document is newer than the one before it); stations refuse a
document that is tampered with, expired, or not newer than the last one they accepted.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.content.alert import is_alert
from nguon.content.alert import is_public
from nguon.content.slots import occurrences
from nguon.content.slots import ZONE
from nguon.content.timezone import TIMEZONE
from nguon.devices import keys
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import storage
from nguon.radio import overrides
from nguon.radio import playlist
from nguon.radio import prepared
from nguon.radio import signing
from nguon.units.tree import item_unit
from nguon.units.tree import lineage

import time


HORIZON = timedelta(hours=36)
VALIDITY = timedelta(hours=24)
EMERGENCY_WINDOW = timedelta(
    hours=6
)  # an emergency older than this is not interrupted for
ONCE = {"times": 1, "minutes": 0}
# Test and Exercise alerts too: each station keeps them only if it receives tests.
RADIO = Filters(channels=("radio",), tests=True)
RADIO_EMERGENCIES = Filters(channels=("radio",), priorities=("emergency",), tests=True)


def audible(item, station):
    """Whether ``station`` airs ``item``: a Test or Exercise alert only on a test station."""
    return is_public(item) or bool(getattr(station, "receives_tests", False))


def repeat_of(item):
    """An alert's ``{"times", "minutes"}``; None for any other item (it airs once)."""
    if not is_alert(item):
        return None
    return {
        "times": int(item.repeat_times or 1),
        "minutes": int(item.repeat_minutes or 0),
    }


def candidate(item, record, title, effective, choice=None):
    """The ``Candidate`` of ``item`` whose prepared audio is ``record``."""
    choice = choice or {}
    return playlist.Candidate(
        uid=item.UID(),
        title=title,
        priority=getattr(item, "priority", None) or "normal",
        effective=effective,
        duration=record["duration"],
        audio={"sha256": record["sha256"], "size": record["size"]},
        pinned=bool(choice.get("pinned")),
        dropped=bool(choice.get("dropped")),
        order=choice.get("order"),
        repeat=repeat_of(item),
    )


def candidates(portal, station, filters=RADIO):
    """``Candidate``s for the station, and the items still waiting for their audio."""
    store = storage(portal)
    unit = item_unit(station)
    if store is None or unit is None:
        return [], []
    feed = UnitFeed(store, [code for code, _level in lineage(unit)], filters)
    entries = feed.current(size=200).entries
    brains = {
        b.UID: b
        for b in portal.portal_catalog.unrestrictedSearchResults(
            UID=[entry["uid"] for entry in entries]
        )
    }
    choices = overrides.of(station)
    found, waiting = [], []
    for entry in entries:
        brain = brains.get(entry["uid"])
        item = brain._unrestrictedGetObject() if brain is not None else None
        if item is not None and not audible(item, station):
            continue
        record = prepared.prepared(item) if item is not None else None
        if record is None:
            waiting.append(entry["uid"])
            continue
        found.append(
            candidate(
                item,
                record,
                entry["title"],
                entry["effective"],
                choices.get(entry["uid"]),
            )
        )
    return found, waiting


def _iso(moment):
    return moment.astimezone(ZONE).isoformat(timespec="seconds")


def _item(candidate, audio_url):
    return {
        "uid": candidate.uid,
        "title": candidate.title,
        "priority": candidate.priority,
        "duration": round(candidate.duration, 3),
        "audio": {**candidate.audio, "url": audio_url(candidate.uid)},
    }


def emergency(candidate, audio_url):
    """An emergency as a station airs it (``@station-events``, the schedule, the broadcast):
    its item, when it took effect and how often it airs."""
    return dict(
        _item(candidate, audio_url),
        effective=candidate.effective,
        repeat=candidate.repeat or ONCE,
    )


def emergencies(portal, station, audio_url, now=None, found=None):
    """The emergencies the station must air at once: in effect, with their audio ready, and
    approved recently enough that interrupting still makes sense (an alert: while it is in
    force, as its own expiry says)."""
    now = now or datetime.now(UTC)
    if found is None:
        found, _waiting = candidates(portal, station, RADIO_EMERGENCIES)
    recent = now.timestamp() - EMERGENCY_WINDOW.total_seconds()
    return [
        emergency(c, audio_url)
        for c in sorted(found, key=lambda c: c.effective)
        if c.priority == "emergency" and (c.repeat is not None or c.effective >= recent)
    ]


def document(portal, station, audio_url, now=None):
    """The schedule of ``station`` from ``now`` (an aware datetime)."""
    now = now or datetime.now(UTC)
    found, waiting = candidates(portal, station)
    plan = station.plan()
    slots = occurrences(plan, now - timedelta(minutes=1), now + HORIZON)
    playlists, _emergencies, never_fits = playlist.assemble(slots, found)
    return {
        "station": station.UID(),
        "station_title": station.Title(),
        "unit": item_unit(station).code,
        # What the agent subscribes to on the messaging engine (``messaging.topics``).
        "lineage": [code for code, _level in lineage(item_unit(station))],
        "receives_tests": bool(getattr(station, "receives_tests", False)),
        "sequence": time.time_ns() // 1_000_000,
        "issued": _iso(now),
        "valid_from": _iso(now),
        "valid_until": _iso(now + VALIDITY),
        "timezone": TIMEZONE,
        "quiet_hours": [
            plan.quiet[0].strftime("%H:%M"),
            plan.quiet[1].strftime("%H:%M"),
        ],
        "clusters": station.cluster_list(),
        "slots": [
            {
                "start": _iso(p.slot.start),
                "end": _iso(p.slot.end),
                "items": [_item(c, audio_url) for c in p.items],
                "deferred": [c.uid for c in p.deferred],
            }
            for p in playlists
        ],
        "emergencies": emergencies(portal, station, audio_url, now, found),
        "never_fits": [c.uid for c in never_fits],
        "waiting_for_audio": waiting,
    }


def signed(portal, station, audio_url, now=None):
    """The schedule, signed for ``station`` and for its kind (``signing.SCHEDULE``)."""
    return signing.sign(
        document(portal, station, audio_url, now),
        keys.private_keys(portal, now),
        signing.SCHEDULE,
        station.UID(),
    )


EVENTS_VALIDITY = timedelta(minutes=5)


def signed_emergencies(portal, station, audio_url, emergencies_now, now=None):
    """The emergencies document, signed like a schedule (issue time, a five-minute validity,
    a sequence), for ``station`` and for its kind (``signing.EMERGENCIES``): a station airs
    nothing that the site's key did not sign for it."""
    now = now or datetime.now(UTC)
    doc = {
        "sequence": time.time_ns() // 1_000_000,
        "issued": _iso(now),
        "valid_from": _iso(now),
        "valid_until": _iso(now + EVENTS_VALIDITY),
        "emergencies": emergencies_now,
    }
    return signing.sign(
        doc, keys.private_keys(portal, now), signing.EMERGENCIES, station.UID()
    )


def m3u(doc):
    """The next slot's playlist as extended M3U (for players without the agent)."""
    lines = ["#EXTM3U"]
    for slot in doc["slots"][:1]:
        for item in slot["items"]:
            lines.append(f"#EXTINF:{round(item['duration'])},{item['title']}")
            lines.append(item["audio"]["url"])
    return "\n".join(lines) + "\n"
