"""The alerts benchmark's figures are right: percentiles, who counts as reached, held and
cleared times per device (tests/bench/bench_alerts.py, tests/bench/device_farm.py). No
timing is measured here."""

from tests.bench.bench_alerts import delivery
from tests.bench.bench_alerts import goal
from tests.bench.bench_alerts import GOAL_SECONDS
from tests.bench.bench_alerts import percentile
from tests.bench.bench_alerts import polling_devices
from tests.bench.device_farm import Times

import pytest
import random
import statistics


def test_percentile_agrees_with_the_standard_library():
    rng = random.Random(16)
    for size in (2, 3, 10, 101, 6642):
        values = sorted(rng.uniform(0, 5) for _ in range(size))
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        assert percentile(values, 0.5) == pytest.approx(statistics.median(values))
        assert percentile(values, 0.99) == pytest.approx(cuts[98])
        assert percentile(values, 0.01) == pytest.approx(cuts[0])
        assert percentile(values, 0) == values[0]
        assert percentile(values, 1) == values[-1]


def test_percentile_of_one_value_and_of_none():
    assert percentile([1.5], 0.99) == 1.5
    with pytest.raises(ValueError):
        percentile([], 0.5)


def test_delivery_counts_from_the_approving_answer():
    since = 1000.0
    times = {1: 1000.5, 2: 1001.0, 3: 1004.0, 9: 1000.2}
    figures = delivery(times, expected={1, 2, 3, 4}, since=since)
    assert figures["expected"] == 4
    assert figures["reached"] == 3  # device 4 never got there
    assert figures["wrong"] == 1  # device 9 is outside the area and held it
    assert figures["first"] == pytest.approx(0.5)
    assert figures["p50"] == pytest.approx(1.0)
    assert figures["max"] == pytest.approx(4.0)
    assert figures["within_goal"] == sum(
        1 for d in (0.5, 1.0, 4.0) if d <= GOAL_SECONDS
    )


def test_delivery_when_nobody_got_there():
    figures = delivery({}, expected={1, 2}, since=0)
    assert figures == {"expected": 2, "reached": 0, "wrong": 0}


def test_times_keep_the_first_hold_and_the_first_release():
    times = Times()
    times.update(7, set(), {"a"}, 10.0)
    times.update(7, {"a"}, {"a", "b"}, 11.0)  # "a" again: still its first time
    times.update(7, {"a", "b"}, {"b"}, 12.0)
    times.update(8, set(), {"a"}, 13.0)
    assert times.answer(("held", "a")) == [(7, 10.0), (8, 13.0)]
    assert times.answer(("held", "b")) == [(7, 11.0)]
    assert times.answer(("cleared", "a")) == [(7, 12.0)]
    assert times.answer(("cleared", "b")) == []


def test_pollers_spread_over_the_country_with_both_kinds():
    devices = [
        {"id": n, "kind": "radio" if n % 2 == 0 else "board"} for n in range(3321 * 2)
    ]
    chosen = polling_devices(devices, 400)
    assert len(chosen) == 400
    assert sum(1 for d in chosen if d["kind"] == "radio") == 200
    assert chosen[-1]["id"] > 3321  # not just the first communes
    assert len({d["id"] for d in chosen}) == 400


def _round(max_seconds, reached=10, beside=False):
    figures = {"expected": 10, "reached": reached, "wrong": 0, "max": max_seconds}
    step = {"figures": {"mqtt": {"all": figures}}}
    return {"beside": beside, "held": step, "cleared": step}


def test_the_goal_holds_only_when_every_device_got_there_in_time():
    assert goal([_round(2.5), _round(1.0)]) == (True, 2.5)
    assert goal([_round(2.5), _round(3.2)]) == (False, 3.2)
    assert goal([_round(1.0, reached=9)])[0] is False  # a device never got there
    # The round with pollers beside is reported, not judged.
    assert goal([_round(1.0), _round(9.0, beside=True)]) == (True, 1.0)
