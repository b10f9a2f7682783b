"""The outbox's back-off and pending sets, without Plone: a fake clock and jitter for the
back-off; plain objects and a real ZODB (two connections, as a content transaction and the
worker) for the pending sets."""

from nguon.outbox import storage
from nguon.outbox.backoff import Backoff
from nguon.outbox.storage import MAX_ATTEMPTS
from nguon.outbox.storage import PendingSet
from ZODB.POSException import ConflictError

import itertools
import pytest
import transaction


class Clock:
    def __init__(self, now=1000.0):
        self.now = now

    def __call__(self):
        return self.now


def fixed_jitter(factor):
    calls = []

    def jitter(low, high):
        calls.append((low, high))
        return factor

    jitter.calls = calls
    return jitter


# -- Backoff ------------------------------------------------------------------------------


def test_a_fresh_backoff_is_ready_and_waits_nothing():
    backoff = Backoff(clock=Clock(), jitter=fixed_jitter(1.0))
    assert backoff.ready() and backoff.delay() == 0.0
    assert backoff.succeeded() is False  # nothing to recover from


def test_waits_double_up_to_the_cap_and_only_the_first_failure_is_worth_a_log_line():
    clock = Clock()
    backoff = Backoff(first=1.0, cap=10.0, clock=clock, jitter=fixed_jitter(1.0))
    waits, first = [], []
    for _ in range(6):
        first.append(backoff.failed())
        waits.append(backoff.not_before - clock.now)
    assert first == [True, False, False, False, False, False]
    assert waits == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_not_ready_until_the_clock_reaches_the_wait():
    clock = Clock()
    backoff = Backoff(first=4.0, clock=clock, jitter=fixed_jitter(1.0))
    backoff.failed()
    assert not backoff.ready()
    clock.now += 3.9
    assert not backoff.ready()
    clock.now += 0.1
    assert backoff.ready()


def test_jitter_spreads_the_wait_between_half_and_one_and_a_half():
    clock = Clock()
    low = Backoff(first=2.0, clock=clock, jitter=fixed_jitter(0.5))
    high = Backoff(first=2.0, clock=clock, jitter=(jitter := fixed_jitter(1.5)))
    low.failed(), high.failed()
    assert low.not_before - clock.now == 1.0
    assert high.not_before - clock.now == 3.0
    assert jitter.calls == [(0.5, 1.5)]
    for _ in range(10):
        high.failed()
    assert high.not_before - clock.now == 60.0 * 1.5  # the cap is jittered too


def test_success_ends_the_run_once_and_resets_the_wait():
    clock = Clock()
    backoff = Backoff(clock=clock, jitter=fixed_jitter(1.0))
    backoff.failed(), backoff.failed()
    assert backoff.succeeded() is True
    assert backoff.succeeded() is False
    assert backoff.ready() and backoff.delay() == 0.0
    assert backoff.failed() is True  # a new run logs again


# -- PendingSet, plain --------------------------------------------------------------------


@pytest.fixture
def ticking(monkeypatch):
    """A clock for ``storage`` that moves one second at every reading."""

    class Time:
        ticks = itertools.count(1_700_000_000)

        def time(self):
            return float(next(self.ticks))

    monkeypatch.setattr(storage, "time", Time())


def test_the_sentinel_is_never_counted_listed_or_offered(ticking):
    pending = PendingSet()
    assert pending.count() == 0 and pending.uids() == [] and pending.batch(10) == []
    for uid in ("c", "a", "b"):
        pending.record(uid, f"/plone/{uid}")
    assert pending.count() == 3 and pending.uids() == ["a", "b", "c"]
    assert [uid for uid, _entry in pending.batch(2)] == ["a", "b"]
    pending.record("a", "/plone/a")  # again: the same key
    assert pending.count() == 3


def test_taken_items_are_forgotten_and_counted(ticking):
    pending = PendingSet()
    for uid in "abc":
        pending.record(uid, None)
    pending.failed("down")
    pending.taken(pending.batch(2), {})
    assert pending.uids() == ["c"]
    assert pending.delivered() == 2 and pending.last_delivery is not None
    assert pending.last_failure is None


def test_a_refused_item_stays_pending_until_its_last_attempt_then_is_a_dead_letter(
    ticking,
):
    pending = PendingSet()
    pending.record("bad", "/plone/bad")
    pending.record("good", "/plone/good")
    for attempt in range(1, MAX_ATTEMPTS):
        pending.taken(pending.batch(10), {"bad": "HTTP 400: unknown field"})
        assert pending.uids() == ["bad"] and pending.attempts["bad"] == attempt
        assert "bad" not in pending.dead
    assert pending.delivered() == 1  # "good", taken in the first round
    pending.taken(pending.batch(10), {"bad": "HTTP 400: unknown field"})
    assert pending.count() == 0 and "bad" not in pending.attempts
    message, attempts, _when = pending.dead["bad"]
    assert message == "HTTP 400: unknown field" and attempts == MAX_ATTEMPTS


def test_a_refusal_followed_by_a_delivery_clears_the_attempts(ticking):
    pending = PendingSet()
    pending.record("flaky", None)
    pending.taken(pending.batch(10), {"flaky": "HTTP 400"})
    pending.taken(pending.batch(10), {})
    assert pending.count() == 0 and "flaky" not in pending.attempts and not pending.dead


def test_retry_dead_offers_dead_letters_again_and_a_delivery_forgets_them(ticking):
    pending = PendingSet()
    pending.record("bad", None)
    for _ in range(MAX_ATTEMPTS):
        pending.taken(pending.batch(10), {"bad": "HTTP 400"})
    assert list(pending.dead) == ["bad"]
    assert pending.retry_dead() == 1
    assert pending.uids() == ["bad"] and not pending.dead
    pending.taken(pending.batch(10), {})
    assert pending.count() == 0 and not pending.dead and pending.retry_dead() == 0


def test_a_change_recorded_after_the_batch_was_read_is_not_forgotten(ticking):
    pending = PendingSet()
    pending.record("a", "/plone/a")
    pending.record("b", "/plone/b")
    batch = pending.batch(10)
    pending.record("a", "/plone/a")  # edited again while the batch was being delivered
    pending.taken(batch, {})
    assert pending.uids() == ["a"]
    assert pending.delivered() == 2  # both were delivered; "a" must go once more


# -- PendingSet in a real ZODB: the content transaction and the worker at once ----------


@pytest.fixture
def database(tmp_path):
    from ZODB import DB
    from ZODB.FileStorage import FileStorage

    db = DB(FileStorage(str(tmp_path / "Data.fs")))
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    connection.root()["pending"] = PendingSet()
    tm.commit()
    connection.close()
    yield db
    db.close()


def _open(db):
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    tm.begin()
    return tm, connection.root()["pending"]


def test_an_edit_committed_during_delivery_makes_the_removal_conflict_and_survives(
    database,
):
    writer_tm, writer = _open(database)
    writer.record("a", "/plone/a")
    writer.record("b", "/plone/b")
    writer_tm.commit()

    worker_tm, worker = _open(database)
    batch = worker.batch(10)
    writer_tm.begin()
    writer.record("a", "/plone/a")  # the item is edited again meanwhile
    writer_tm.commit()
    worker.taken(batch, {})
    with pytest.raises(ConflictError):
        worker_tm.commit()
    worker_tm.abort()

    worker_tm.begin()
    assert worker.uids() == [
        "a",
        "b",
    ]  # nothing was lost; the round is simply run again
    worker.taken(worker.batch(10), {})
    worker_tm.commit()
    writer_tm.begin()
    assert writer.count() == 0


def test_new_items_recorded_during_delivery_merge_without_conflict(database):
    writer_tm, writer = _open(database)
    writer.record("m", "/plone/m")
    writer_tm.commit()

    worker_tm, worker = _open(database)
    batch = worker.batch(10)
    writer_tm.begin()
    for uid in ("a", "z"):  # before and after the key the worker removes
        writer.record(uid, f"/plone/{uid}")
    writer_tm.commit()
    worker.taken(
        batch, {}
    )  # removes "m", the only real key it saw: the bucket keeps the sentinel
    worker_tm.commit()

    worker_tm.begin()
    assert worker.uids() == ["a", "z"] and worker.delivered() == 1
