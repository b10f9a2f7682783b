"""The broadcast: emergency items fanned out to devices through the messaging engine.

Zope never holds a device's connection. After an emergency item on a device channel changes
(published, retracted, edited while published, cancelled, expired), the outbox consumer
``broadcast`` recomputes every *topic* (``nguon.messaging.topics``: audience, channel, place)
the item is on now or was on before, and publishes on each the signed list of ALL the
emergency items in force there (``nguon.messaging.envelope``), retained on the broker: a
device that connects at any time receives at once what is in force for its places. An empty
list is published too: that is how a retraction or a Cancel clears the devices.

- *In force on a topic*: published, priority emergency, in effect and not expired, on the
  topic's channel, for the topic's audience (``public``; ``test`` for an alert that is not
  ``Actual``, ``nguon.content.alert.is_public``), and one of whose deliverable reach pairs
  (``nguon.publication.targeting.reach``) is the topic's place. The catalog index
  ``emergency_reach`` (``nguon.devices.indexers``) finds the candidates of one place.
- *What a device gets of an item* is its channel's entry: the named utility
  ``IBroadcastChannel`` of that channel (``radio``, ``board``) gives it, or None while the
  item is not ready for the channel (its audio being made): the item is looked at again
  after ``RETRY_SECONDS``. A channel with no such utility is not broadcast.
- *Time* changes lists too: the consumer is offered an item again when it takes effect and
  when it expires (``due``); the refresh thread re-publishes every list with items in force
  every ``REFRESH_SECONDS`` (a list is valid ``envelope.VALIDITY``), in one Zope process at a
  time (the lease in the state, as ``nguon.devices.watcher`` does).

The state (annotation ``KEY``) keeps, per topic, the last sequence number and what was
listed, and per item the topics it is listed on: a retraction clears exactly those.
Publishing waits for the broker's acknowledgement; while the broker is unreachable the
outbox keeps the changes and offers them again (``ConsumerUnavailable``). A process whose
environment does not name the broker's login does not broadcast
(``nguon.messaging.settings.configured``).
"""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import UTC
from nguon.annotations import site_state
from nguon.content.alert import is_public
from nguon.content.channels import channels
from nguon.content.channels import is_distributed
from nguon.devices import keys
from nguon.devices.indexers import EMERGENCY
from nguon.devices.indexers import place_key
from nguon.devices.interfaces import IBroadcastChannel
from nguon.messaging import envelope
from nguon.messaging import settings
from nguon.messaging import topics
from nguon.messaging.publisher import BrokerUnavailable
from nguon.messaging.publisher import Publisher
from nguon.messaging.publisher import PublishRefused
from nguon.outbox.interfaces import ConsumerUnavailable
from nguon.outbox.interfaces import IScheduledConsumer
from nguon.outbox.lease import hold
from nguon.outbox.lease import Lease
from nguon.outbox.lifecycle import start_thread
from nguon.outbox.thread import LeasedThread
from nguon.outbox.wakeups import Wakeups
from nguon.publication import targeting
from nguon.publication.entries import effective_time
from nguon.publication.entries import expiry_time
from nguon.workflow.state import review_state
from persistent import Persistent
from plone.uuid.interfaces import IUUID
from ZODB.POSException import ConflictError
from zope.component import queryUtility
from zope.interface import implementer

import logging
import threading


logger = logging.getLogger("nguon.devices.broadcast")
KEY = "nguon.devices.broadcast"
NAME = "broadcast"  # the consumer's name in the outbox
REFRESH_SECONDS = 300
RETRY_SECONDS = 30
ROUND_SECONDS = 30.0  # how often the refresh thread looks for lists to refresh
LEASE_SECONDS = 5 * ROUND_SECONDS


class Listed(Persistent):
    """The last list published on one topic."""

    sequence = 0
    published = 0.0  # when (seconds since the epoch)
    uids = ()


class Broadcasts(Wakeups, Persistent):
    """The broadcast's state in a site (see the module's docstring)."""

    def __init__(self):
        self.topics = OOBTree()  # topic -> Listed
        self.live = OOBTree()  # topic -> None, for the topics whose list has items
        self.items = OOBTree()  # uid -> the topics it is listed on
        self.schedule = OOBTree()  # (time, uid) -> None: look at the item again then
        self.lease = Lease()  # which process refreshes

    def record(self, topic, uids, sequence, when):
        listed = self.topics.get(topic)
        if listed is None:
            listed = self.topics[topic] = Listed()
        for uid in set(listed.uids) - set(uids):
            remaining = tuple(t for t in self.items.get(uid, ()) if t != topic)
            if remaining:
                self.items[uid] = remaining
            else:
                self.items.pop(uid, None)
        for uid in set(uids) - set(listed.uids):
            self.items[uid] = tuple(self.items.get(uid, ())) + (topic,)
        listed.sequence, listed.published, listed.uids = sequence, when, tuple(uids)
        if uids:
            self.live[topic] = None
        else:
            self.live.pop(topic, None)


def install(portal):
    """The broadcast's state and the keys that sign it (setup and upgrade; idempotent)."""
    keys.signing_key(portal, create=True)
    return site_state(portal, KEY, Broadcasts, create=True)


def state(portal):
    return site_state(portal, KEY, Broadcasts)


# -- what is in force where -----------------------------------------------------------


def device_channels(item):
    """The item's channels that devices receive by broadcast (a registered channel)."""
    return [
        channel
        for channel in topics.CHANNELS
        if channel in channels(item) and queryUtility(IBroadcastChannel, channel)
    ]


def in_force(item, now):
    """Published, an emergency, in effect and not expired at ``now`` (aware datetime)."""
    moment = now.timestamp()
    expires = expiry_time(item)
    return (
        getattr(item, "priority", None) == EMERGENCY
        and review_state(item) == "published"
        and effective_time(item) <= moment
        and (expires is None or moment < expires)
    )


def topics_of(item, now):
    """The topics whose list holds ``item`` at ``now``."""
    if item is None or not is_distributed(item) or not in_force(item, now):
        return []
    audience = topics.PUBLIC if is_public(item) else topics.TEST
    return [
        topics.topic(audience, channel, code, below)
        for channel in device_channels(item)
        for code, below in targeting.reach(item)
    ]


def candidates(portal, code, below):
    """The published emergency items that ask to reach the place ``(code, below)``."""
    return [
        brain._unrestrictedGetObject()
        for brain in portal.portal_catalog.unrestrictedSearchResults(
            emergency_reach=place_key(code, below), review_state="published"
        )
    ]


def listing(portal, topic, now, memo=None):
    """``(items, entries)`` of ``topic`` at ``now``: the items in force there, newest
        first, and the entries their channel gives (None for an item not ready, or whose entry
    failed: it is looked at again after ``RETRY_SECONDS``). ``memo``: a
        dict shared by the listings of one publication, so that an item listed on many topics
        has its topics and its entry computed once."""
    memo = {} if memo is None else memo

    def once(key, compute, item):
        if key not in memo:
            try:
                memo[key] = compute(item)
            except Exception:  # one broken item leaves the list, the others go out
                logger.exception("cannot list %s on %s", IUUID(item), topic)
                memo[key] = None
        return memo[key]

    place = topics.parse(topic)
    channel = queryUtility(IBroadcastChannel, place.channel)
    items = sorted(
        (
            item
            for item in candidates(portal, place.code, place.below)
            if topic
            in (once(IUUID(item), lambda item: topics_of(item, now), item) or ())
        ),
        key=effective_time,
        reverse=True,
    )
    entries = {
        IUUID(item): once((place.channel, IUUID(item)), channel.entry, item)
        for item in items
    }
    return items, entries


# -- publishing -----------------------------------------------------------------------

_publishers = {}
_publishers_lock = threading.Lock()


def publisher():
    """This process's publisher for the broker its environment names."""
    broker = settings.from_environment()
    with _publishers_lock:
        if broker not in _publishers:
            _publishers[broker] = Publisher(broker)
        return _publishers[broker]


def publish(portal, names, now=None):
    """Publish the signed list of each topic of ``names`` and record it; returns
    ``{topic: document}``. ``ConsumerUnavailable`` when the broker did not take them all
    (nothing is recorded then)."""
    now = now or datetime.now(UTC)
    found = state(portal)
    private_keys = keys.private_keys(portal, now)
    messages, documents, listed, memo = [], {}, {}, {}
    for name in sorted(names):
        items, entries = listing(portal, name, now, memo)
        previous = found.topics.get(name)
        doc = envelope.document(
            name,
            [entry for entry in entries.values() if entry is not None],
            envelope.next_sequence(previous.sequence if previous else None, now),
            now,
        )
        messages.append((name, envelope.encode(envelope.sign(doc, private_keys))))
        documents[name], listed[name] = doc, [IUUID(item) for item in items]
        for uid, entry in entries.items():
            if entry is None:  # not ready for the channel yet: look again soon
                found.wake(uid, now.timestamp() + RETRY_SECONDS)
    if not messages:
        return documents
    try:
        publisher().publish(messages)
    except (BrokerUnavailable, PublishRefused) as error:
        raise ConsumerUnavailable(str(error)) from error
    for name, doc in documents.items():
        found.record(name, listed[name], doc["sequence"], now.timestamp())
    return documents


@implementer(IScheduledConsumer)
class BroadcastConsumer:
    """The outbox consumer ``broadcast`` (see the module's docstring)."""

    title = "Device broadcast"

    def active(self, portal):
        return settings.configured() and state(portal) is not None

    def wants(self, obj):
        # Every information item: one that stops being an emergency, or leaves a device
        # channel, must leave the lists it was on.
        return is_distributed(obj)

    def due(self, portal, now=None):
        found = state(portal)
        moment = now.timestamp() if now else datetime.now(UTC).timestamp()
        return found.due(moment) if found is not None else []

    def deliver(self, portal, uids):
        now = datetime.now(UTC)
        found = state(portal)
        items = {
            brain.UID: brain._unrestrictedGetObject()
            for brain in portal.portal_catalog.unrestrictedSearchResults(UID=list(uids))
        }
        affected, refused = set(), {}
        for uid in uids:
            item = items.get(uid)
            affected.update(
                found.items.get(uid, ())
            )  # its lists are redone in any case
            try:
                affected.update(topics_of(item, now))
            except Exception as error:  # a broken item must not hold up the others
                logger.exception("cannot place %s in the broadcast", uid)
                refused[uid] = f"{error.__class__.__name__}: {error}"
                continue
            if item is not None and getattr(item, "priority", None) == EMERGENCY:
                for moment in (effective_time(item), expiry_time(item)):
                    if moment is not None and moment > now.timestamp():
                        found.wake(uid, moment)
        publish(portal, affected, now)
        return refused


# -- the refresh ----------------------------------------------------------------------


def refresh(portal, now=None):
    """Re-publish the lists with items in force that are older than ``REFRESH_SECONDS``;
    returns their topics."""
    now = now or datetime.now(UTC)
    found = state(portal)
    limit = now.timestamp() - REFRESH_SECONDS
    stale = [topic for topic in found.live if found.topics[topic].published <= limit]
    if stale:
        publish(portal, stale, now)
    return stale


class Refresher(LeasedThread):
    """The refresh thread of a Zope process: every ``ROUND_SECONDS``, on each site, in one
    process at a time."""

    title = "device broadcast refresh"

    def __init__(self, db, poll_seconds=ROUND_SECONDS):
        super().__init__(db, poll_seconds)

    def work(self, tm, site):
        found = state(site)
        if not settings.configured() or found is None:
            return False
        if not hold(found.lease, self.holder, tm, LEASE_SECONDS):
            return False
        try:
            refresh(site)
            tm.commit()
        except ConsumerUnavailable as error:
            tm.abort()
            logger.warning("broadcast refresh postponed: %s", error)
        except ConflictError:  # the consumer published one of these lists meanwhile
            tm.abort()
            return True
        return False


def start_refresher(event):
    start_thread(Refresher)
