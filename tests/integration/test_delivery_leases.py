"""Background work runs once, wherever it runs: two outbox workers on one database (two Zope
processes of a cluster, as far as the database can tell: each thread is its own holder with
its own connection) deliver every entry once between them, and when the holder dies (its
thread stops without a word, its lease left to run out) the other takes its work over."""

from nguon.outbox.interfaces import IOutboxConsumer
from nguon.outbox.lease import site_lease
from nguon.outbox.storage import outbox
from nguon.outbox.worker import LEASE_PREFIX
from nguon.outbox.worker import Worker
from nguon.syndication.pusher import LEASE_KEY as PUSHER_LEASE
from nguon.syndication.pusher import Pusher
from zope.component import getGlobalSiteManager
from zope.interface import implementer

import collections
import pytest
import threading
import time
import transaction


NAME = "lease-recorder"
TIMEOUT = 60.0


@implementer(IOutboxConsumer)
class Recorder:
    """A consumer that counts what it is given, by whom (the delivering thread)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.given = collections.Counter()
        self.by = collections.Counter()

    def active(self, portal):
        return True

    def deliver(self, portal, uids):
        with self.lock:
            self.given.update(uids)
            self.by[threading.current_thread()] += len(uids)
        time.sleep(0.05)  # a delivery takes a moment: the other thread has time to try
        return {}


@pytest.fixture
def recorder(tree_functional, monkeypatch):
    monkeypatch.setenv("NGUON_LEASE_SECONDS", "2")
    found = Recorder()
    registry = getGlobalSiteManager()
    registry.registerUtility(found, IOutboxConsumer, name=NAME)
    yield found
    registry.unregisterUtility(found, IOutboxConsumer, name=NAME)


def record(portal, uids):
    transaction.begin()  # on what the threads committed meanwhile
    pending = outbox(portal).pending_set(NAME)
    for uid in uids:
        pending.record(uid, None)
    transaction.commit()


def wait_for(condition, what):
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def lease_holder(portal, key):
    transaction.abort()  # see what the threads committed
    return site_lease(portal, key).holder


def test_two_workers_deliver_every_entry_once_and_the_survivor_takes_over(
    tree_functional, recorder
):
    portal, db = tree_functional["portal"], tree_functional["zodbDB"]
    first = [f"entry-{n:03d}" for n in range(300)]
    record(portal, first)
    workers = [Worker(db, poll_seconds=0.2, names=(NAME,)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        wait_for(lambda: set(recorder.given) >= set(first), "the first entries")
        holder = lease_holder(portal, LEASE_PREFIX + NAME)
        (alive,) = [worker for worker in workers if worker.holder != holder]
        (dead,) = [worker for worker in workers if worker.holder == holder]
        assert recorder.by[dead] == len(first)  # the holder delivered them all
        assert recorder.by[alive] == 0  # the other was refused every round

        dead.stop()  # the holder dies: no goodbye, its lease runs out
        second = [f"entry-{n:03d}" for n in range(300, 400)]
        record(portal, second)
        wait_for(lambda: set(recorder.given) >= set(second), "the survivor's delivery")
        assert lease_holder(portal, LEASE_PREFIX + NAME) == alive.holder
        assert recorder.by[alive] == len(second)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.stop()
    doubled = {uid: n for uid, n in recorder.given.items() if n > 1}
    assert doubled == {}
    assert sorted(recorder.given) == first + second
    transaction.abort()
    assert outbox(portal).pending_set(NAME).count() == 0


def test_a_pusher_that_does_not_hold_the_lease_does_nothing(tree_functional):
    portal, db = tree_functional["portal"], tree_functional["zodbDB"]
    holder, other = Pusher(db), Pusher(db)
    try:
        holder.run_round()
        assert lease_holder(portal, PUSHER_LEASE) == holder.holder
        rounds = []
        other.work = lambda tm, site: rounds.append(site) or False
        other.run_round()  # another process: refused, its work never runs
        assert rounds == []
        assert lease_holder(portal, PUSHER_LEASE) == holder.holder
    finally:
        for pusher in (holder, other):
            pusher.executor.shutdown(wait=False)
