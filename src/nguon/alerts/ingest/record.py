"""What the site has received from other systems: every message ingested, keyed as CAP names
a message across the world (sender, identifier, sent), with the alerts it made, and the
latest refusals with their reasons.

The messages make duplicates detectable and let an Update or Cancel find the alerts of the
message it refers to; the refusals (the newest ``KEEP``) are what the site's managers read
at ``GET /@cap-ingest``. Both live in the portal's annotations (``install`` makes them).
"""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from nguon.annotations import site_state
from nguon.cap.times import format_time
from persistent import Persistent
from persistent.list import PersistentList
from persistent.mapping import PersistentMapping


KEY = "nguon.alerts.ingest"
KEEP = 200  # refusals kept (a noisy sender must not grow the site without bound)


def message_key(sender, identifier, sent):
    """CAP's "sender,identifier,sent", the time in UTC so one instant has one key."""
    return f"{sender},{identifier},{format_time(sent.astimezone(UTC))}"


def _now():
    return datetime.now(UTC).isoformat(timespec="seconds")


class IngestLog(Persistent):
    """The messages received (``messages``), the latest refusals (``refusals``) and, per
    polled source, the version of each index entry fetched (``polled``)."""

    def __init__(self):
        self.messages = OOBTree()
        self.refusals = PersistentList()
        self.polled = OOBTree()

    def seen(self, key):
        return key in self.messages

    def entry(self, key):
        """What was recorded of the message ``key``, or None."""
        return self.messages.get(key)

    def add(self, key, *, source, msg_type, via, alerts, notes=()):
        """Record a message ingested: its source, how it came, the alerts it made (UIDs) and
        what was noted about it (units left out, languages kept only in the original)."""
        self.messages[key] = PersistentMapping(
            source=source,
            msg_type=msg_type,
            via=via,
            received=_now(),
            alerts=list(alerts),
            notes=list(notes),
        )

    def refuse(self, *, code, reason, via, source=None, key=None):
        """Keep a refusal (``reason``: the Vietnamese text), dropping the oldest past KEEP."""
        self.refusals.append(
            {
                "time": _now(),
                "code": code,
                "reason": reason,
                "via": via,
                "source": source,
                "message": key,
            }
        )
        del self.refusals[:-KEEP]

    def latest_refusals(self, limit=KEEP):
        """The newest refusals first."""
        return list(reversed(self.refusals[-limit:]))


def install(portal):
    return site_state(portal, KEY, IngestLog, create=True)


def ingest_log(portal):
    """The site's log, made on first use where an upgrade has not made it yet."""
    return install(portal)


def read_log(portal):
    """The site's log for reading (None when nothing was ever received)."""
    return site_state(portal, KEY, IngestLog)
