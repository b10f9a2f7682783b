"""Hand pending changes to their consumers, and forget them only once taken.

``deliver_pending`` does one round for one site inside the caller's transaction (tests and the
``nguon-search`` command call it directly). A ``Worker`` runs rounds in a thread of the Zope
process with its own ZODB connection, one thread per consumer (``lifecycle``), so that no
consumer waits for another: it is woken by every commit that recorded a change (and polls
every second for changes committed by other processes), backs off while its channel is
down, and retries a round that hit a ZODB conflict. Before each round it claims the site's
lease of that consumer (``LEASE_PREFIX`` + name): of several processes sharing the database
one delivers each consumer's changes, and when it dies another takes over once the lease has
run out; what the dead one was delivering when it died is offered again (its taking was never
committed), which every consumer absorbs (deliveries are idempotent).
"""

from nguon.outbox.backoff import Backoff
from nguon.outbox.interfaces import ConsumerUnavailable
from nguon.outbox.interfaces import Delivered
from nguon.outbox.interfaces import IOutboxConsumer
from nguon.outbox.interfaces import IScheduledConsumer
from nguon.outbox.processor import WAKE
from nguon.outbox.storage import outbox
from nguon.outbox.thread import DeliveryThread
from ZODB.POSException import ConflictError
from zope.component import getUtilitiesFor
from zope.event import notify

import logging
import transaction


logger = logging.getLogger("nguon.outbox")
BATCH_SIZE = 200
LEASE_PREFIX = "nguon.outbox.consumer."


class RoundResult:
    """What one round did for one consumer."""

    def __init__(self, name):
        self.name = name
        self.delivered = 0
        self.refused = {}
        self.unavailable = None  # the error message when the channel was down

    @property
    def busy(self):
        return self.delivered > 0 or bool(self.refused)


def deliver_pending(portal, name, consumer, batch_size=BATCH_SIZE):
    """Offer one batch of the consumer's pending items; the caller commits."""
    result = RoundResult(name)
    box = outbox(portal)
    if box is None or not consumer.active(portal):
        return result
    pending = box.pending_set(name)
    # A slow consumer (speech synthesis, audio) takes small batches, so that one round of the
    # worker never keeps the other consumers waiting long.
    batch_size = min(batch_size, getattr(consumer, "batch_size", batch_size))
    for uid in consumer.due(portal) if IScheduledConsumer.providedBy(consumer) else ():
        pending.record(uid, None)  # a time the consumer waited for has come
    entries = pending.batch(batch_size)
    if not entries:
        return result
    try:
        refused = consumer.deliver(portal, [uid for uid, _entry in entries])
    except ConsumerUnavailable as error:
        pending.failed(str(error))
        result.unavailable = str(error)
        return result
    for uid, message in refused.items():
        logger.warning("%s refused %s: %s", name, uid, message)
    pending.taken(entries, refused)
    result.delivered = len(entries) - len(refused)
    result.refused = refused
    return result


def drain(portal, names=None, batch_size=BATCH_SIZE, commit=True):
    """Deliver until nothing is pending or a channel is down; returns {name: RoundResult}
    summed over the rounds. Commits after every round when ``commit``."""
    totals = {}
    for name, consumer in consumers(names):
        total = totals[name] = RoundResult(name)
        while True:
            result = deliver_pending(portal, name, consumer, batch_size)
            if commit:
                transaction.commit()
                if result.delivered:
                    notify(Delivered(name, result.delivered))
            total.delivered += result.delivered
            total.refused.update(result.refused)
            total.unavailable = result.unavailable
            if not result.busy:
                break
    return totals


def consumers(names=None):
    return sorted(
        (name, consumer)
        for name, consumer in getUtilitiesFor(IOutboxConsumer)
        if names is None or name in names
    )


class Worker(DeliveryThread):
    """An outbox delivery thread of a Zope process, for the consumers ``names`` (all when
    None). The process runs one per consumer (``lifecycle.start_worker``): each consumer has its own
    thread, connection, rounds and back-off, so a slow one (the radio audio's speech
    synthesis) never keeps a retraction waiting in the change log, Solr or anywhere else."""

    def __init__(self, db, poll_seconds=1.0, names=None):
        self.names = names
        self.title = "outbox worker" + (f" {'-'.join(names)}" if names else "")
        self.wake = WAKE.listener()
        super().__init__(db, poll_seconds)
        self.backoffs = {}

    def stop(self, timeout=5):
        super().stop(timeout)
        WAKE.forget(self.wake)

    def work(self, tm, site):
        busy = False
        for name, consumer in consumers(self.names):
            busy |= self._deliver(tm, site, name, consumer)
        return busy

    def _deliver(self, tm, site, name, consumer):
        key = (site.getId(), name)
        backoff = self.backoffs.setdefault(key, Backoff())
        if not backoff.ready() or not self.holds(tm, site, LEASE_PREFIX + name):
            return False
        try:
            result = deliver_pending(site, name, consumer)
            tm.commit()
        except ConflictError:
            tm.abort()
            return True
        if result.delivered:
            notify(Delivered(name, result.delivered))
        if result.unavailable:
            if backoff.failed():
                logger.warning(
                    "%s unavailable, changes kept for later: %s",
                    name,
                    result.unavailable,
                )
            return False
        if backoff.succeeded():
            logger.warning("%s available again, delivering what was kept", name)
        return (
            result.delivered > 0
        )  # refused items are offered again at the next poll, not at once
