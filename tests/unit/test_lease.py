"""The lease of a background job (``nguon.outbox.lease``): one holder at a time, taken over
once expired, renewed without a write every round, and decided by the ZODB when two
processes claim it at once."""

from nguon.outbox.lease import holder_id
from nguon.outbox.lease import Lease
from ZODB.POSException import ConflictError

import os
import pytest
import socket
import transaction
import ZODB


def test_a_free_lease_goes_to_the_first_holder_and_is_refused_to_a_second():
    lease = Lease()
    assert lease.claim("a", 60, now=1000)
    assert not lease.claim("b", 60, now=1001)
    assert lease.held_by("a", now=1001) and not lease.held_by("b", now=1001)


def test_an_expired_lease_goes_to_the_next_holder():
    lease = Lease()
    lease.claim("a", 60, now=1000)
    assert not lease.claim("b", 60, now=1059.9)
    assert lease.claim("b", 60, now=1060)
    assert lease.held_by("b", now=1060) and not lease.held_by("a", now=1060)
    assert not lease.claim("a", 60, now=1061)


def test_the_holder_renews_once_half_its_term_is_gone():
    lease = Lease()
    lease.claim("a", 60, now=1000)
    assert lease.claim("a", 60, now=1020)
    assert lease.expires == 1060  # more than half left: nothing written
    assert lease.claim("a", 60, now=1040)
    assert lease.expires == 1100  # renewed
    assert not lease.claim("b", 60, now=1090)


def test_holder_ids_differ():
    assert holder_id() != holder_id()


@pytest.fixture
def db():
    database = ZODB.DB(None)  # an in-memory MappingStorage
    with database.transaction() as connection:
        connection.root()["lease"] = Lease()
    yield database
    database.close()


def test_two_processes_claiming_at_once_only_one_commits(db):
    """Two connections (two processes) see the lease free and both claim it: the ZODB lets
    the first commit and refuses the second, which then finds the lease taken."""
    first_tm, second_tm = (
        transaction.TransactionManager(),
        transaction.TransactionManager(),
    )
    first = db.open(transaction_manager=first_tm)
    second = db.open(transaction_manager=second_tm)
    assert first.root()["lease"].claim("a", 60, now=1000)
    assert second.root()["lease"].claim("b", 60, now=1000)
    first_tm.commit()
    with pytest.raises(ConflictError):
        second_tm.commit()
    second_tm.abort()
    assert not second.root()["lease"].claim("b", 60, now=1001)
    assert second.root()["lease"].held_by("a", now=1001)
    first.close()
    second.close()


def test_a_process_restarted_in_the_holders_slot_takes_over_at_once():
    lease = Lease()
    lease.claim("host:/srv/i1|100|aaaa", 60, now=1000)
    # the same instance, started again: its predecessor is gone
    assert lease.claim("host:/srv/i1|200|bbbb", 60, now=1001)
    # another instance, or another thread of the same process, waits for the term
    assert not lease.claim("host:/srv/i2|300|cccc", 60, now=1002)
    assert not lease.claim("host:/srv/i1|200|dddd", 60, now=1002)
    assert not lease.claim("other:/srv/i1|400|eeee", 60, now=1002)
    assert lease.held_by("host:/srv/i1|200|bbbb", now=1002)


def test_holder_ids_name_the_slot_and_the_process():
    slot, pid, _random = holder_id().split("|")
    assert slot.startswith(socket.gethostname() + ":")
    assert pid == str(os.getpid())
