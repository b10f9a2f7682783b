"""A lease: which one of several Zope processes does a background job that must run once.

Several processes may share one database (ZEO, RelStorage). A job that must run in one of them
at a time (the device-health round) keeps a ``Lease`` in the ZODB: who holds it and until
when. A holder ``claim``\\ s it before each round: it takes a free or expired lease, renews its
own (writing only once less than half of the term is left, so a holder's rounds do not write
every time) and is refused while another holder's term runs. Two processes that claim a free
lease at once both write the same object, so the ZODB lets one commit and raises
``ConflictError`` in the other: a claim counts only once its transaction has committed.

Holders are named by ``holder_id()``: the process's slot (its host and Zope instance home: one
process at a time runs in a slot), its process id and a random part. A lease is never given
back, it runs out (a process may stop without a chance to write); but a process that starts in
the slot of the holder takes the lease over at once, since the holder that ran there is gone
(a restarted single-process site delivers at once, not after the term). ``hold`` claims a lease and commits
the claim, as the threads that share one do before each round; ``site_lease`` finds (or
makes, from a thread) a site's lease by name, and ``term`` is how long a delivery lease runs
(``NGUON_LEASE_SECONDS``): how long the work of a process that died waits for another.
"""

from nguon.annotations import site_state
from persistent import Persistent
from ZODB.POSException import ConflictError

import os
import socket
import time
import uuid


class Lease(Persistent):
    """Who holds a job (``holder``) and until when (``expires``, seconds since the epoch)."""

    holder = None
    expires = 0.0

    def held_by(self, holder, now=None):
        """True when ``holder`` holds the lease at ``now``."""
        now = time.time() if now is None else now
        return self.holder == holder and self.expires > now

    def claim(self, holder, seconds, now=None):
        """Take, keep or renew the lease for ``seconds`` from ``now``; False while another
        holder's term runs. Writes only when taking it over or when less than half of the
        term is left."""
        now = time.time() if now is None else now
        if (
            self.holder != holder
            and self.expires > now
            and not succeeds(holder, self.holder)
        ):
            return False
        if self.holder != holder or self.expires - now < seconds / 2:
            self.holder, self.expires = holder, now + seconds
        return True


DEFAULT_TERM = 20.0  # seconds; a holder renews once less than half of it is left


def term(environ=None):
    """The term of the delivery threads' leases, ``NGUON_LEASE_SECONDS`` (at least 2 s)."""
    raw = (os.environ if environ is None else environ).get("NGUON_LEASE_SECONDS", "")
    try:
        return max(2.0, float(raw)) if raw.strip() else DEFAULT_TERM
    except ValueError:
        return DEFAULT_TERM


def site_lease(portal, key):
    """The lease ``key`` of ``portal``, made on first use (only threads call this: they
    commit what they write; requests never do)."""
    return site_state(portal, key, Lease, create=True)


SEPARATOR = "|"


def slot():
    """Where this process runs: its host and its Zope instance home."""
    try:
        from App.config import getConfiguration

        home = getattr(getConfiguration(), "instancehome", None) or ""
    except ImportError:  # pragma: no cover - Zope is always there in the product
        home = ""
    return f"{socket.gethostname()}:{home}"


def holder_id():
    """A name for a new holder: ``slot|pid|random``."""
    return SEPARATOR.join((slot(), str(os.getpid()), uuid.uuid4().hex[:8]))


def succeeds(holder, previous):
    """True when ``holder`` runs in ``previous``'s slot in another process: ``previous`` is
    a process that ran there before and is gone."""
    new, old = str(holder).split(SEPARATOR), str(previous).split(SEPARATOR)
    return len(new) == len(old) == 3 and new[0] == old[0] and new[1] != old[1]


def hold(found, holder, tm, seconds, now=None):
    """True when ``holder`` holds the lease ``found`` (None: no lease) for ``seconds``,
    claimed and committed; a claim that loses a conflict is abandoned."""
    if found is None:
        return False
    try:
        if not found.claim(holder, seconds, now):
            tm.abort()
            return False
        tm.commit()
    except ConflictError:
        tm.abort()
        return False
    return True
