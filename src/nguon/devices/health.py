"""Device health: when each device was last heard from, since when it is offline, its offline
episodes and the uptime that follows from them.

**Last seen.** Every request a device proves itself with (``credentials.from_request``: a
station's or a board's token header, a paired kiosk's session, GET polls included) calls
``seen(device)``. It writes at most once per ``SEEN_EVERY`` seconds per device, into a small
object of the device's own annotations (``SEEN_KEY``), so devices never conflict with each
other nor with anything else, and marks the write safe for plone.protect (polls are GETs).

**Offline.** A device is offline when it has not been heard from for longer than the threshold
(``NGUON_DEVICE_OFFLINE_MINUTES``, 15 by default); it is then offline *since* it was last
seen, or since its creation when it never was (``offline_since``).

**Episodes.** A device's ``History`` (annotation ``HISTORY_KEY``) holds its offline episodes:
closed ones (start -> end) and the start of the open one. The alarm round
(``nguon.devices.alarms``) opens an episode when it finds a device offline, and the device's
next request closes it; a silence longer than the threshold that no round saw (no round ran)
is recorded as a closed episode by that request. ``uptime(device, start, end)`` is the share
of a period the device existed and was not offline, counting a silence past the threshold that
no round has opened yet.

**Which devices.** A kind of equipment is watched when it registers a named utility providing
``IMonitored``, named after its portal type (radio and boards register theirs in their
``configure.zcml``); ``devices_of(unit)`` finds the watched devices of a unit's area.

Times in the API are aware ``datetime``\\ s; they are stored as seconds since the epoch.
"""

from Acquisition import aq_base
from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from persistent import Persistent
from plone import api
from plone.protect.utils import safeWrite
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtilitiesFor
from zope.interface import implementer
from zope.interface import Interface

import os
import time


SEEN_KEY = "nguon.devices.seen"
HISTORY_KEY = "nguon.devices.health"
SEEN_EVERY = 60  # seconds: a device's last-seen time is written at most this often
DEFAULT_OFFLINE_MINUTES = 15


class IMonitored(Interface):
    """A kind of equipment whose health is watched: a named utility, named after the kind's
    portal type (``RadioStation``, ``PublicBoard``)."""


@implementer(IMonitored)
class Monitored:
    """The utility a watched kind registers (it carries nothing: its name says the type)."""


MONITORED = Monitored()


class Seen(Persistent):
    """When a device was last heard from (``at``, seconds since the epoch); alone in its own
    object so that recording it touches nothing else."""

    at = None


class History(Persistent):
    """A device's offline episodes: ``closed`` (start -> end, seconds since the epoch), the
    start of the open one (``open_since``, set by the alarm round) and ``back_due``, the start
    of a closed episode whose alarm went out and whose return is still to be announced."""

    open_since = None
    back_due = None

    def __init__(self):
        self.closed = OOBTree()

    def open(self, since):
        self.open_since = since

    def close(self, end):
        """End the open episode at ``end`` (its return is then due to be announced)."""
        self.closed[self.open_since] = end
        self.back_due, self.open_since = self.open_since, None


def monitored_types():
    """The portal types of every watched kind of equipment."""
    return sorted(name for name, _utility in getUtilitiesFor(IMonitored))


def threshold():
    """How long a device may stay silent before it counts as offline
    (``NGUON_DEVICE_OFFLINE_MINUTES``, a positive number of minutes)."""
    try:
        minutes = float(
            os.environ.get("NGUON_DEVICE_OFFLINE_MINUTES") or DEFAULT_OFFLINE_MINUTES
        )
    except ValueError:
        minutes = DEFAULT_OFFLINE_MINUTES
    return timedelta(minutes=minutes if minutes > 0 else DEFAULT_OFFLINE_MINUTES)


def _seconds(moment):
    """``moment`` (an aware datetime, or None for now) in seconds since the epoch."""
    return time.time() if moment is None else moment.timestamp()


def _moment(seconds):
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


def _created(device):
    return device.created().timeTime()


def _last(device):
    """When the device was last seen, else created (seconds since the epoch)."""
    state = IAnnotations(device).get(SEEN_KEY)
    return state.at if state is not None and state.at is not None else _created(device)


def history(device, create=False):
    """The device's ``History``, or None when it has none (and ``create`` is False)."""
    annotations = IAnnotations(device)
    found = annotations.get(HISTORY_KEY)
    if found is None and create:
        found = annotations[HISTORY_KEY] = History()
        _safe(device)
    return found


def _safe(*objects):
    """Mark what a device's request writes as intended, for plone.protect: the objects and the
    device's annotation tree (a new key changes it)."""
    for obj in objects:
        safeWrite(obj)
        tree = getattr(aq_base(obj), "__annotations__", None)
        if tree is not None:
            safeWrite(tree)


def seen(device, now=None):
    """Record that ``device`` made a request at ``now`` (default: now). Writes at most once per
    ``SEEN_EVERY`` seconds; closes the device's open offline episode, or records the silence
    it ends when that was longer than the threshold. True when something was written."""
    now = _seconds(now)
    annotations = IAnnotations(device)
    state = annotations.get(SEEN_KEY)
    if state is not None and state.at is not None and now - state.at < SEEN_EVERY:
        return False
    silent_since = _last(device)
    if state is None:
        state = annotations[SEEN_KEY] = Seen()
        _safe(device)
    state.at = now
    _safe(state)
    record = history(device)
    if record is not None and record.open_since is not None:
        record.close(now)
        _safe(record, record.closed)
    elif now - silent_since > threshold().total_seconds():
        record = history(device, create=True)
        record.closed[silent_since] = now
        _safe(record, record.closed)
    return True


def start_watching(device, now=None):
    """Count ``device`` as seen at ``now`` without recording the silence before: for devices
    that existed before their health was watched (the upgrade step), whose past is unknown
    and counts as online."""
    annotations = IAnnotations(device)
    if annotations.get(SEEN_KEY) is None:
        annotations[SEEN_KEY] = Seen()
        annotations[SEEN_KEY].at = _seconds(now)


def last_seen(device):
    """When ``device`` was last heard from (an aware datetime), or None if never."""
    state = IAnnotations(device).get(SEEN_KEY)
    return None if state is None else _moment(state.at)


def offline_since(device, now=None):
    """Since when ``device`` is offline (an aware datetime: last seen, or its creation when it
    never was), or None when it is online at ``now``."""
    last = _last(device)
    return (
        None if _seconds(now) - last <= threshold().total_seconds() else _moment(last)
    )


def is_offline(device, now=None):
    return offline_since(device, now) is not None


def local_time(moment):
    """``moment`` (aware) as Vietnam reads it, as every page and export writes a time:
    ``30/11/2026 08:15``."""
    return moment.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M")


def describe(device, now=None):
    """The device's health in one sentence for its unit's pages (an i18n message)."""
    seen = last_seen(device)
    if seen is None:
        return _("health_never_seen", default="Chưa từng kết nối với hệ thống.")
    since = offline_since(device, now)
    if since is not None:
        return _(
            "health_offline_since",
            default="Mất kết nối từ ${since}.",
            mapping={"since": local_time(since)},
        )
    return _(
        "health_online",
        default="Đang hoạt động, kết nối lần cuối lúc ${seen}.",
        mapping={"seen": local_time(seen)},
    )


def episodes(device, now=None):
    """The device's offline episodes up to ``now``, oldest first, as ``(start, end)`` aware
    datetimes; the current one ends with None (an episode the round opened, or a silence
    past the threshold it has not seen yet)."""
    record = history(device)
    found = [] if record is None else list(record.closed.items())
    current = _current(device, record, _seconds(now))
    if current is not None:
        found.append((current, None))
    return [(_moment(start), _moment(end)) for start, end in found]


def _current(device, record, now):
    """The start of the current offline episode (seconds), or None when online."""
    if record is not None and record.open_since is not None:
        return record.open_since
    last = _last(device)
    return last if now - last > threshold().total_seconds() else None


def _offline_seconds(device, start, end, now):
    """Seconds of ``[start, end]`` inside the device's offline episodes (episodes are disjoint
    and keyed by start: only the one before ``start`` may reach into the period)."""
    record = history(device)
    spans = []
    if record is not None:
        try:
            first = record.closed.maxKey(start)
        except ValueError:  # no episode starts before the period
            pass
        else:
            spans.append((first, record.closed[first]))
        spans.extend(record.closed.items(min=start, max=end, excludemin=True))
    current = _current(device, record, now)
    if current is not None:
        spans.append((current, now))
    return sum(max(0.0, min(b, end) - max(a, start)) for a, b in spans)


def _span(device, start, end, now):
    """The part of ``[start, end]`` the device existed in and that is past (seconds)."""
    return max(_seconds(start), _created(device)), min(_seconds(end), now)


def uptime(device, start, end, now=None):
    """The share (0..1) of ``[start, end]`` the device was not offline, counted over the part
    of the period when it existed and that is past; None when no such part is left."""
    now = _seconds(now)
    first, last = _span(device, start, end, now)
    if last <= first:
        return None
    return 1 - _offline_seconds(device, first, last, now) / (last - first)


def uptime_of(devices, start, end, now=None):
    """The uptime of several devices together: their time online over their time in the
    period (a device that existed for part of it weighs that part); None for none."""
    now = _seconds(now)
    total = online = 0.0
    for device in devices:
        first, last = _span(device, start, end, now)
        if last > first:
            total += last - first
            online += last - first - _offline_seconds(device, first, last, now)
    return online / total if total else None


def devices_of(unit, portal_type=None, area=True):
    """The watched devices (of ``portal_type``: one or a list, default every watched kind) of
    ``unit``'s whole area, or of the unit alone (``area=False``); any folder works as
    ``unit``, the site for every device. Devices are private: found without the caller's
    permissions."""
    types = monitored_types() if portal_type is None else portal_type
    path = {"query": "/".join(unit.getPhysicalPath())}
    if not area:
        path["depth"] = 1
    brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
        portal_type=types, path=path
    )
    return [brain._unrestrictedGetObject() for brain in brains]
