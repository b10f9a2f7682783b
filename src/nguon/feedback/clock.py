"""The SLA clock: every ``ROUND_SECONDS`` a thread of the Zope process runs
``nguon.feedback.lifecycle.tick`` on each site (the warnings before a report's due date, the
escalations to the unit above once it passed), in one Zope process at a time.

Like the device-health round (``nguon.devices.watcher``), each round is claimed first with
the site's ``Lease`` (``nguon.outbox.lease``, stored under ``KEY`` by ``install``): the
holder renews it round after round, another process finds it taken and waits, and takes it
over once it has run out (its holder stopped or died). ``NGUON_OUTBOX_WORKER=0`` switches the
clock off with the delivery threads; tests and scripts call :func:`run` (or ``tick``) with
the moment they choose.

A round that misses its moment loses nothing: the timers stay in the store until a round
at or after their moment takes them, so a clock stopped over a weekend warns and escalates
on its first round after.
"""

from nguon.annotations import site_state
from nguon.feedback import lifecycle
from nguon.feedback.store import utcnow
from nguon.outbox.lease import hold
from nguon.outbox.lease import Lease
from nguon.outbox.lifecycle import start_thread
from nguon.outbox.thread import LeasedThread
from ZODB.POSException import ConflictError


KEY = "nguon.feedback.clock"
ROUND_SECONDS = 300.0  # a due date is 17:00 of a working day: minutes late are nothing
LEASE_SECONDS = 3 * ROUND_SECONDS  # a holder that stopped is replaced after this long


def install(portal):
    """The lease of the clock (setup and upgrade steps; idempotent)."""
    return site_state(portal, KEY, Lease, create=True)


def lease(portal):
    """The site's lease of the clock, or None in a site without one."""
    return site_state(portal, KEY, Lease)


def run(portal, holder, tm, now=None):
    """One round of the clock on ``portal`` (the current site) at ``now``, when ``holder``
    holds the lease: the number of steps taken (warnings and escalations, committed), or
    None when another holder has the round."""
    now = now or utcnow()
    if not hold(lease(portal), holder, tm, LEASE_SECONDS, now.timestamp()):
        return None
    steps = lifecycle.tick(now)
    tm.commit()
    return steps


class Clock(LeasedThread):
    """The clock's thread of a Zope process (one round per site every ``ROUND_SECONDS``)."""

    title = "feedback clock"

    def __init__(self, db, poll_seconds=ROUND_SECONDS):
        super().__init__(db, poll_seconds)

    def work(self, tm, site):
        try:
            run(site, self.holder, tm)
        except ConflictError:  # an official changed one of the reports meanwhile
            tm.abort()
            return True
        return False


def start_clock(event):
    start_thread(Clock)
