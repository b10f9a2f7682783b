"""The fault tests' own instruments, without a cluster: the commune's push receiver counts what
it gets (signed pushes only, each item event, doubles, the sender's process) and the load's
figures add up."""

from nguon.syndication import signing
from tests.cluster import fault_counters
from tests.cluster import load as mixed

import json
import os
import requests
import time


def push(counter, events, delivery="s:1-2"):
    body = json.dumps(
        {"items": [{"_nguon": {"uid": uid, "seq": seq}} for uid, seq in events]}
    ).encode()
    return requests.post(
        counter.callback,
        data=body,
        headers={
            signing.HEADER: signing.sign(counter.secret, body),
            "X-Nguon-Delivery": delivery,
        },
        timeout=10,
    )


def test_the_push_receiver_counts_each_item_event_and_what_came_twice():
    counter = fault_counters.WebSubCounter().start()
    try:
        counter.topic = "http://127.0.0.1/Plone/don-vi/feed.json"
        answer = requests.get(
            counter.callback,
            params={"hub.topic": counter.topic, "hub.challenge": "abc"},
            timeout=10,
        )
        assert answer.text == "abc"
        other = requests.get(counter.callback, params={"hub.topic": "x"}, timeout=10)
        assert other.status_code == 404

        started = time.time()
        assert push(counter, [("a", 1), ("b", 2)]).status_code == 200
        mark = counter.mark()
        assert push(counter, [("b", 2), ("c", 3)], "s:2-3").status_code == 200
        forged = requests.post(counter.callback, data=b"{}", timeout=10)
        assert forged.status_code == 403 and counter.refused == 1

        assert counter.uids() == {"a", "b", "c"}
        assert counter.doubled() == {("b", 2): 2}
        assert counter.doubled(since=mark) == {("b", 2): 2}
        assert counter.doubled(since=counter.mark()) == {}
        assert counter.events_between(started, time.time()) == {
            ("a", 1),
            ("b", 2),
            ("c", 3),
        }
        # the sender is this process (the instance that pushed, in the fault runs)
        assert counter.senders(started) == {os.getpid(): 2}
        assert fault_counters.process_of(os.getpid(), [os.getpid()]) == os.getpid()
        lost, doubled = fault_counters.deliveries(["a", "z"], counter, mark)
        assert lost == {"z"} and doubled == {("b", 2): 2}
        assert counter.wait_for(["a", "c"], 1) and not counter.wait_for(["z"], 0.5)
    finally:
        counter.stop()


def test_the_figures_of_a_run_count_failures_by_status_and_failed_posts_by_outcome():
    records = [
        mixed.Record("search", "GET", 200, 0.0, 0.1),
        mixed.Record("search", "GET", 200, 0.1, 0.3),
        mixed.Record("feed", "GET", 304, 0.2, 0.01),
        mixed.Record("feed", "GET", 503, 0.3, 0.01),
        mixed.Record("page", "GET", 0, 0.4, 30.0, "ReadTimeout"),
        mixed.Record("approve", "POST", 201, 0.5, 0.5),
        mixed.Record("approve", "POST", 502, 0.6, 0.2, committed=False),
        mixed.Record("approve", "POST", 0, 0.7, 0.2, committed=True),
    ]
    figures = mixed.Figures(2.0, records)
    assert figures.sent == 8 and figures.rate == 4.0
    assert figures.failed() == {0: 2, 502: 1, 503: 1}
    assert figures.failed(allowed=(503,)) == {0: 2, 502: 1}
    assert figures.posts_failed() == (1, 1, 0)
    assert figures.slowest() == 30.0
    table = figures.by_kind()
    assert table["search"]["requests"] == 2 and table["search"]["failed"] == 0
    assert table["search"]["p50"] == 200.0
    assert table["feed"]["failed"] == 1 and table["page"]["p50"] is None
    line = mixed.report("try", figures, lost=0, doubled=1)
    assert "sent 8" in line and "lost 0, doubled 1" in line
