"""The life of a delivery thread of the Zope process: woken by an event or every
``poll_seconds``, rounds over the opened sites until a round finds nothing to do, never dies
of an error (it is logged and the thread waits a little), stops cleanly at exit.

Several Zope processes may share the database (RelStorage, ZEO), and each starts the same
threads: work that must be done once is claimed with a per-site lease first
(``nguon.outbox.lease``). A thread with a ``lease_key`` claims that lease before each round on
a site and skips the site while another process holds it; a thread may also claim finer leases
itself (``holds``: the outbox worker claims one per consumer). ``LeasedThread``: one that runs
on its clock alone (not woken by commits)."""

from nguon.outbox.lease import hold
from nguon.outbox.lease import holder_id
from nguon.outbox.lease import site_lease
from nguon.outbox.lease import term
from nguon.outbox.site import opened_sites
from zope.component.hooks import setSite

import logging
import threading


logger = logging.getLogger("nguon.outbox")


class DeliveryThread(threading.Thread):
    wake = None  # the threading.Event that starts a round at once
    title = "delivery thread"
    lease_key = None  # when set, each round on a site first claims the site's lease of this name

    def __init__(self, db, poll_seconds=1.0):
        super().__init__(name=f"nguon-{self.title.replace(' ', '-')}", daemon=True)
        self.db = db
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()
        self.holder = holder_id()

    @property
    def lease_seconds(self):
        """How long a claim runs: a dead holder's work waits this long for another process."""
        return term()

    def holds(self, tm, site, key):
        """True when this thread holds ``site``'s lease ``key`` (claimed and committed)."""
        return hold(site_lease(site, key), self.holder, tm, self.lease_seconds)

    def stop(self, timeout=5):
        self.stopping.set()
        self.wake.set()
        self.join(timeout)

    def run(self):
        logger.info("%s started", self.title)
        while not self.stopping.is_set():
            self.wake.wait(self.poll_seconds)
            self.wake.clear()
            try:
                self.run_round()
            except Exception:  # never let the thread die: log and try again later
                logger.exception("%s: round failed", self.title)
                self.stopping.wait(5)
        logger.info("%s stopped", self.title)

    def run_round(self):
        busy = True
        while busy and not self.stopping.is_set():
            busy = False
            with opened_sites(self.db) as (tm, sites):
                for site in sites:
                    setSite(site)
                    if self.lease_key is None or self.holds(tm, site, self.lease_key):
                        busy |= self.work(tm, site)

    def work(self, tm, site):
        """One unit of work on ``site`` (the current site), committing through ``tm``;
        returns True when another round should follow at once."""
        raise NotImplementedError


class LeasedThread(DeliveryThread):
    """A thread woken only every ``poll_seconds`` (and by ``stop``) whose rounds claim a
    lease first, as ``holder`` (``nguon.outbox.lease.hold``), so that of several processes
    sharing the database one runs them."""

    def __init__(self, db, poll_seconds):
        super().__init__(db, poll_seconds)
        self.wake = threading.Event()  # only ``stop`` sets it
