"""The thread that watches device health: every ``ROUND_SECONDS`` it runs the alarm round
(``nguon.devices.alarms.check``) on each site, in one Zope process at a time.

Several processes may serve one database (ZEO, RelStorage); each starts a watcher, and each
round is claimed first with the site's ``Lease`` (``nguon.outbox.lease``, stored under
``KEY`` by ``install``): the holder renews it round after round, the others find it taken
and wait, and take it over once it has expired (its holder stopped or died). The claim is
committed before the round, so of two processes claiming at once only one goes on (the other
gets a ``ConflictError``). ``NGUON_OUTBOX_WORKER=0`` switches the watcher off with the
delivery threads.
"""

from nguon.annotations import site_state
from nguon.devices import alarms
from nguon.outbox.lease import hold
from nguon.outbox.lease import Lease
from nguon.outbox.lifecycle import start_thread
from nguon.outbox.thread import LeasedThread


KEY = "nguon.devices.watcher"
ROUND_SECONDS = 60.0
LEASE_SECONDS = 5 * ROUND_SECONDS  # a holder that stopped is replaced after this long


def install(portal):
    """The lease of the health round (setup and upgrade steps; idempotent)."""
    return site_state(portal, KEY, Lease, create=True)


def lease(portal):
    """The site's lease of the health round, or None in a site without one."""
    return site_state(portal, KEY, Lease)


def claim(portal, holder, tm, now=None):
    """True when ``holder`` holds the round of ``portal`` (claimed and committed)."""
    return hold(lease(portal), holder, tm, LEASE_SECONDS, now)


class Watcher(LeasedThread):
    """The health thread of a Zope process (one round per site every ``ROUND_SECONDS``)."""

    title = "device health"

    def __init__(self, db, poll_seconds=ROUND_SECONDS):
        super().__init__(db, poll_seconds)

    def work(self, tm, site):
        if claim(site, self.holder, tm):
            alarms.check(site, tm=tm)
        return False


def start_watcher(event):
    start_thread(Watcher)
