"""The feedback benchmark's plan and figures are right (tests/bench/bench_feedback.py): the
reports it fills are the same every run and their fates hang together, the deep page and the
percentiles are where they say, a lost report is counted, and the section is written from a
run's saved figures. No timing is measured here; tests/feedback/test_bench_feedback.py runs
its fill and the catalog desk on a site."""

from datetime import datetime
from datetime import UTC
from nguon.feedback import store
from nguon.feedback.policy import load_policy
from tests.bench import bench_feedback
from tests.bench.bench_feedback import deep_start
from tests.bench.bench_feedback import plan
from tests.bench.bench_feedback import stats

import pytest
import statistics


NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
COMMUNES = ["19753", "19777", "19786"]


@pytest.fixture(scope="module")
def specs():
    categories = load_policy().offered(["46"])
    return [plan(index, NOW, COMMUNES, categories) for index in range(3000)]


def test_the_plan_is_the_same_every_run(specs):
    categories = load_policy().offered(["46"])
    assert plan(7, NOW, COMMUNES, categories) == specs[7]
    assert specs[7] != specs[8]
    assert {spec.place for spec in specs} == set(COMMUNES)


def test_fates_hang_together(specs):
    levels = {c.code: c.level for c in load_policy().categories}
    for spec in specs:
        assert spec.received <= NOW and spec.received.tzinfo is not None
        assert spec.due > spec.received and spec.due.utcoffset().total_seconds() == 0
        if spec.state in store.OPEN_STATES:
            assert spec.closed_at is None
            assert spec.overdue == (spec.due <= NOW)
            if spec.overdue:  # only commune matters lag and are escalated
                assert levels[spec.category] == "commune"
        else:
            assert spec.received <= spec.closed_at <= NOW
            assert not spec.overdue


def test_most_reports_are_done_some_open_a_few_overdue(specs):
    done = sum(spec.state in store.DONE_STATES for spec in specs)
    overdue = sum(spec.overdue for spec in specs)
    still = sum(spec.state in store.OPEN_STATES and not spec.overdue for spec in specs)
    assert done > 0.9 * len(specs)
    assert 0 < still < 0.05 * len(specs)
    assert 0 < overdue < 0.02 * len(specs)
    kept = {
        store.CLOSED,
        store.WITHDRAWN,
        store.MERGED,
        store.RECEIVED,
        store.IN_PROGRESS,
    }
    assert kept <= {spec.state for spec in specs}


def test_the_deep_page_starts_at_a_page_inside_the_tab():
    assert deep_start(0) == 0
    assert deep_start(50) == 0
    assert deep_start(51) == 50
    assert deep_start(212) == 200
    assert deep_start(108_000) == bench_feedback.DEEP


def test_stats_agree_with_the_standard_library():
    seconds = [n / 1000 for n in (5, 1, 9, 3, 7, 2, 8)]
    figures = stats(seconds)
    assert figures["n"] == 7
    assert figures["p50"] == pytest.approx(5)
    cut = statistics.quantiles([s * 1000 for s in seconds], n=20, method="inclusive")
    assert figures["p95"] == pytest.approx(cut[18])


def _outcome(filed, statuses):
    return {
        "filed": filed,
        "statuses": statuses,
        "seconds": 2.0,
        "latencies": [0.1, 0.2],
    }


def _results(stored):
    case = {"name": "46-open-0", "label": "province, tab open", "agree": True}
    times = {"46-open-0": {"store": [0.01, 0.02], "catalog": [0.03, 0.05]}}
    point = {
        "size": 1000,
        "with_catalog": True,
        "fill": {
            "store": {"reports": 1000, "seconds": 2.0},
            "catalog": {"reports": 1000, "seconds": 0.5},
            "catalogued": 1000,
            "data_fs_bytes": 2**30,
        },
        "in_process": {"cases": [case], "times": times},
        "http": {"times": times, "bytes": {}},
        "filing": {
            "form": {str(n): _outcome(4, {"200": 4}) for n in (1, 4, 16)},
            "rest": {str(n): _outcome(3, {"201": 3, "500": 1}) for n in (1, 4, 16)},
        },
        "solve_seconds": [0.2, 0.3, 0.25],
        "count": {"reports": stored, "catalogued": 1000},
    }
    return {
        "command": ".venv/bin/python -m tests.bench.bench_feedback --reports 1000",
        "reports": 1000,
        "filings": 4,
        "samples": 2,
        "warmup": 1,
        "machine": {
            "cpu": "AMD EPYC",
            "nproc": 2,
            "ram_gib": 23.5,
            "python": "3.11.7",
            "plone": "6.2.2",
            "zodb": "6.3",
        },
        "code": {"commit": "abc1234", "changed": []},
        "started": "2026-11-30T16:00",
        "finished": "2026-11-30T16:10",
        "build": {"build_seconds": 10.0},
        "checkpoints": [point],
        "count": {"reports": stored, "catalogued": 1000},
        "load": (2.0, 3.0),
    }


def test_a_report_answered_as_filed_but_not_stored_is_lost():
    assert bench_feedback.filed_total(_results(1021)) == 21
    assert bench_feedback.lost(_results(1021)) == 0
    assert bench_feedback.lost(_results(1020)) == 1


def test_the_section_is_written_from_saved_figures():
    text = bench_feedback.section(_results(1021))
    assert text.startswith(bench_feedback.BEGIN) and text.endswith(bench_feedback.END)
    assert "--reports 1000" in text
    assert "| province, tab open | 15.0 / 19.5 | 40.0 / 49.0 | 2.7 | yes |" in text
    assert (
        "| public form `gui-phan-anh` (multipart) | 16 | 4 | 2.0 | 150 / 195 | 150 |"
        in text
    )
    assert "3× 201, 1× 500" in text
    assert "median 250 ms per challenge" in text
    assert "lost: 0." in text
