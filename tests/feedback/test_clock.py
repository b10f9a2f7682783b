"""The SLA clock (``nguon.feedback.clock``) on the small tree (Huế 46 > Thuận Hóa 19786):
a report is warned before its due date and escalated to the province once it passed, in
working days with Tết 2027 (4 to 10 February) in between; a finished report never is; and of
two Zope processes only the one holding the lease runs the clock, the other taking over once
the lease of a dead holder has run out. Every moment is the test's own (``now``)."""

from datetime import datetime
from datetime import timedelta
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback import clock
from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.store import ESCALATED
from nguon.feedback.store import feedback_store
from nguon.feedback.store import OPEN
from nguon.testing import tree_user
from tests.integration.upgrade_steps import run_only
from tests.mail import smtp_server
from tests.mail import use_server
from zope.annotation.interfaces import IAnnotations

import pytest
import threading
import time
import transaction


# Monday 1 February 2027, 09:00 in Huế: two working days, then Tết (Thursday 4 to Wednesday
# 10 February), then the eight working days left of ten: due Monday 22 February at 17:00,
# warned two working days before, Thursday 18 February at 17:00.
FILED = datetime(2027, 2, 1, 9, 0, tzinfo=LOCAL_ZONE)
WARN = datetime(2027, 2, 18, 17, 0, tzinfo=LOCAL_ZONE)
DUE = datetime(2027, 2, 22, 17, 0, tzinfo=LOCAL_ZONE)
MINUTE = timedelta(minutes=1)
TEXT = "Cống thoát nước ở kiệt 7 bị tắc, nước tràn vào nhà dân mỗi khi mưa."


def _category():
    """A public category of the communes, offered everywhere, due in 10 working days and
    warned 2 before."""
    return next(
        c
        for c in load_policy().categories
        if c.level == "commune"
        and c.public
        and not c.offered_in
        and (c.due_days, c.warn_days) == (10, 2)
    )


def _file(now=FILED):
    report, _code = lifecycle.file_report(_category().code, "19786", TEXT, now=now)
    return report


@pytest.fixture
def store(tree):
    return feedback_store(tree["portal"])


def test_a_report_is_warned_then_escalated_to_the_province_after_tet(store):
    report = _file()
    assert (report.warn_at, report.due) == (WARN, DUE)
    # Ten working days as if Tết were worked would end on 15 February: nothing then.
    assert lifecycle.tick(datetime(2027, 2, 15, 17, 1, tzinfo=LOCAL_ZONE)) == 0
    assert lifecycle.tick(WARN - MINUTE) == 0
    assert not report.warned

    assert lifecycle.tick(WARN) == 1
    assert report.warned and report.escalated_to is None
    assert report.history[-1]["action"] == "warned"

    assert lifecycle.tick(DUE - MINUTE) == 0
    assert report.escalated_to is None
    assert lifecycle.tick(DUE + MINUTE) == 1
    assert report.escalated_to == "46" and report.escalated_at == DUE + MINUTE
    assert report.history[-1]["action"] == "escalated"
    # Visible to both: on the province's desk, and still the commune's to answer.
    assert store.listing("46", ESCALATED)[1] == [report]
    assert store.listing("19786", OPEN)[1] == [report]
    assert store.figure("19786", "escalated", "m2027-02") == 1
    assert lifecycle.tick(DUE + timedelta(days=30)) == 0


def test_a_finished_report_is_never_warned_nor_escalated(store):
    answered, withdrawn = _file(), _file(FILED + MINUTE)
    answer = lifecycle.start_answer(
        answered, tree_user("19786", "editors"), "Phường đã nạo vét cống."
    )
    lifecycle.answer_published(answer, now=FILED + timedelta(days=1))
    lifecycle.withdraw(withdrawn, now=FILED + timedelta(days=1))
    assert lifecycle.tick(DUE + timedelta(days=30)) == 0
    for report in (answered, withdrawn):
        assert not report.warned and report.escalated_to is None
    assert store.listing("46", ESCALATED)[0] == 0
    assert store.figure("19786", "closed_on_time", "m2027-02") == 1


def _run(portal, holder, now):
    return clock.run(portal, holder, transaction.manager, now)


def test_of_two_holders_only_the_one_holding_the_lease_runs_the_clock(tree_functional):
    portal = tree_functional["portal"]
    report = _file()
    transaction.commit()
    assert _run(portal, "first", WARN - 10 * MINUTE) == 0  # takes the lease
    assert _run(portal, "second", WARN + MINUTE) is None  # refused: the first holds it
    assert not report.warned
    assert _run(portal, "first", WARN + 2 * MINUTE) == 1
    assert report.warned
    assert clock.lease(portal).held_by("first", (WARN + 2 * MINUTE).timestamp())


def test_a_dead_holder_is_replaced_once_its_lease_has_run_out(tree_functional):
    portal = tree_functional["portal"]
    report = _file()
    transaction.commit()
    assert _run(portal, "first", WARN) == 1  # ... and the first process dies
    term = timedelta(seconds=clock.LEASE_SECONDS)
    assert _run(portal, "second", WARN + term - MINUTE) is None
    assert _run(portal, "second", DUE + MINUTE) == 1
    assert report.escalated_to == "46"
    assert clock.lease(portal).held_by("second", (DUE + MINUTE).timestamp())


def test_the_clock_thread_escalates_by_itself_and_the_province_is_told(tree_functional):
    """A clock started as the Zope process starts it (a round every 0.2 s here), at the
    real time: a report due long ago is escalated in its first round, the province's staff
    get the mail, and the thread stops cleanly."""
    portal = tree_functional["portal"]
    with smtp_server() as server:
        use_server(server)
        report = _file(datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_ZONE))
        transaction.commit()
        thread = clock.Clock(portal._p_jar.db(), poll_seconds=0.2)
        thread.start()
        try:
            deadline = time.monotonic() + 60
            while not server.messages and time.monotonic() < deadline:
                time.sleep(0.2)
        finally:
            thread.stop()
        assert not thread.is_alive()
        transaction.begin()
        assert report.escalated_to == "46"
        assert report.warned
        recipients = {m["To"] for m in server.messages}
        assert tree_user("46", "approvers") + "@nguon.invalid" in recipients
    assert not [t for t in threading.enumerate() if t is thread]


def test_the_upgrade_step_makes_the_lease_of_a_site_made_before(tree):
    portal = tree["portal"]
    del IAnnotations(portal)[clock.KEY]
    assert clock.lease(portal) is None
    run_only(portal, "Citizen feedback and surveys.")
    assert clock.lease(portal) is not None and clock.lease(portal).holder is None
