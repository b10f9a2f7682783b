"""The faults of issue 18, each under a steady mixed load (tests/cluster/load.py): citizens
searching and viewing pages and communes polling feeds through Varnish, an editor and an
approver publishing through HAProxy, a commune's push receiver subscribed to the editor's unit
(tests/cluster/fault_counters.py). The runs are tests/cluster/fault_runs.py's (the cluster
benchmark reports the same runs).

Each test prints its figures line (``FAULT <name>: sent …, failed …, lost …, doubled …``) and
asserts them; the shared running cluster (the ``cluster`` fixture) is put back as it was after
each fault (the instance or node started again, PostgreSQL running).
"""

from tests.cluster import fault_runs

import pytest


# 20-50 s each under the load, on the session's cluster (minutes to start)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def setting(cluster):
    setting = fault_runs.Setting(cluster).start()
    yield setting
    setting.stop()


def unknown_commits(run):
    """Failed POSTs whose effect could not be checked (each must be: committed or not)."""
    return run.figures.posts_failed()[2]


def doubled_beyond_resends(run):
    """Item events the commune received twice that were not in a push whose answer may
    have been lost (in flight when its sender died, or acknowledged while the database was
    down): those are sent again by design and absorbed by (uid, seq); any other is a bug."""
    return set(run.doubled) - run.resendable


def test_killing_one_plone_instance_fails_no_idempotent_request_and_loses_no_delivery(
    setting,
):
    run = fault_runs.kill_instance(setting)
    assert run.figures.published, "the editor published nothing during the run"
    assert run.facts["answered after the kill"] > 0
    # Idempotent requests are retried by the balancer on another instance: none fails.
    assert not run.failed_gets, run.failed_gets
    # A POST that had reached the killed instance is not sent again (the balancer retries
    # only idempotent requests): at most the one in flight, and it was checked afterwards:
    # it committed whole or not at all.
    assert len(run.failed_posts) <= 1, run.failed_posts
    assert unknown_commits(run) == 0
    assert not run.lost and not run.missing
    assert not doubled_beyond_resends(run)


def test_killing_one_solr_node_keeps_searches_answering_and_loses_nothing_from_the_index(
    setting,
):
    run = fault_runs.kill_solr_node(setting)
    assert run.facts["searches"] > 0 and run.facts["failed searches"] == 0
    assert not run.figures.failed(), run.figures.failed()
    assert run.figures.published
    assert not run.missing and not run.lost and not run.doubled


def test_restarting_postgresql_gives_a_clear_503_loses_nothing_and_recovers_by_itself(
    setting,
):
    run = fault_runs.restart_postgres(setting)
    # A clear answer during the outage: a 503, never a 500 or no answer (status 0).
    assert not run.during.failed(allowed=fault_runs.DB_DOWN), run.during.failed()
    assert not run.settling.failed(allowed=fault_runs.DB_DOWN), run.settling.failed()
    # It recovered by itself: nothing fails after it, no Plone instance restarted.
    assert not run.after.failed(), run.after.failed()
    assert run.figures.slowest() < fault_runs.TIMEOUT
    assert unknown_commits(run) == 0
    assert run.published_before and not run.gone
    assert not run.lost and not run.missing
    assert not doubled_beyond_resends(run)


def test_killing_the_lease_holder_mid_delivery_hands_its_work_over_losing_and_doubling_nothing(
    setting,
):
    run = fault_runs.kill_lease_holder(setting)
    assert run.senders_after - {run.holder}, "no other instance pushed after the kill"
    assert run.in_flight, "the killed holder had no push in flight"
    assert not run.lost and not run.missing
    # The only events received twice are those of the push in flight at the kill (its
    # answer never reached the killed sender): the commune absorbs them by (uid, seq).
    assert not doubled_beyond_resends(run), (run.doubled, run.in_flight)
