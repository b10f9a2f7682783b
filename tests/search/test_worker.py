"""The delivery thread of a Zope process, on the layer's database and the real Solr node: it
delivers what a commit recorded without being asked, keeps changes while Solr is down (saying
so once), and delivers them when Solr is back."""

from nguon.outbox.backoff import Backoff
from nguon.outbox.storage import outbox
from nguon.outbox.worker import Worker
from nguon.testing import tree_user
from tests.search.helpers import indexed
from tests.search.helpers import published
from tests.search.helpers import solr_doc

import logging
import pytest
import time
import transaction


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
TIMEOUT = 30.0


@pytest.fixture
def site(tree_solr):
    return indexed(tree_solr)


def wait_for(condition, what, timeout=TIMEOUT):
    """Poll ``condition`` until it is true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def _title_in_solr(uid, title):
    doc = solr_doc(uid)
    return doc is not None and doc.get("Title") == title


def _pending_set(portal):
    transaction.abort()  # see what the worker committed
    return outbox(portal).pending_set("solr")


def _unavailable_warnings(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "nguon.outbox"
        and record.levelno == logging.WARNING
        and "unavailable" in record.getMessage()
    ]


def test_the_worker_delivers_commits_and_keeps_changes_while_solr_is_down(site, caplog):
    portal, node, db = site
    caplog.set_level(logging.INFO, logger="nguon.outbox")
    worker = Worker(db, poll_seconds=0.5)
    # Short waits between retries, so that the test does not wait out a minute of back-off.
    backoff = worker.backoffs[(portal.getId(), "solr")] = Backoff(first=0.2, cap=1.0)
    worker.start()
    try:
        commune = portal["vn"]["46"]["19786"]
        item = published(
            commune,
            "Bulletin",
            EDITOR,
            APPROVER,
            title="Thông báo lịch tiêm chủng",
            description="Tiêm chủng mở rộng tại phường Thuận Hóa.",
        )
        uid = item.UID()
        transaction.commit()

        wait_for(
            lambda: (solr_doc(uid) or {}).get("review_state") == "published",
            "the published item in Solr",
        )
        wait_for(lambda: _pending_set(portal).count() == 0, "the pending set emptied")
        assert not _unavailable_warnings(caplog)

        node.stop()
        item.title = "Thông báo lịch tiêm chủng (đã dời sang thứ Hai)"
        item.reindexObject()
        transaction.commit()
        wait_for(
            lambda: _pending_set(portal).last_failure,
            "the outage recorded by the worker",
        )
        assert uid in _pending_set(portal).uids()
        wait_for(lambda: backoff.failures >= 3, "more retries while Solr stays down")
        assert (
            uid in _pending_set(portal).uids()
        )  # retried, still kept, still one warning
        warnings = _unavailable_warnings(caplog)
        assert len(warnings) == 1, [record.getMessage() for record in warnings]
        assert (
            warnings[0]
            .getMessage()
            .startswith("solr unavailable, changes kept for later")
        )

        node.start()
        wait_for(
            lambda: _title_in_solr(uid, item.title),
            "the change delivered after restart",
        )
        wait_for(
            lambda: _pending_set(portal).count() == 0, "the pending set emptied again"
        )
        assert _pending_set(portal).last_failure is None
        assert len(_unavailable_warnings(caplog)) == 1
        assert any(
            "available again" in record.getMessage()
            for record in caplog.records
            if record.name == "nguon.outbox"
        )
        assert worker.is_alive()
    finally:
        worker.stop()
        if node.process.poll() is not None:
            node.start()  # the next tests need Solr
    assert not worker.is_alive()
