"""The retention of device logs (as-run, proof of play) without a site: what is older than
the retention goes, for one device on its report and for all at once; nothing newer is lost."""

from BTrees.OOBTree import OOBTree
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.devices import reports as device_logs

import pytest


NOW = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def _item_key(record):
    return (record["item"], record["at"], record["device"])


def _log(ages):
    by_device, by_item = OOBTree(), OOBTree()
    for device, days in ages:
        at = device_logs.moment((NOW - timedelta(days=days)).isoformat(), now=NOW)
        record = {"device": device, "item": "i1", "at": at}
        by_device[(device, at, "i1")] = record
        by_item[_item_key(record)] = record
    return by_device, by_item


def test_a_devices_old_records_go_and_the_others_stay():
    by_device, by_item = _log([("a", 400), ("a", 100), ("a", 1), ("b", 400)])
    assert device_logs.prune(by_device, by_item, "a", _item_key, now=NOW) == 2
    assert [key[0] for key in by_device.keys()] == [
        "a",
        "b",
    ]  # b is pruned when b reports
    assert len(by_item) == 2


def test_prune_all_reaches_devices_that_stopped_reporting():
    by_device, by_item = _log([("a", 400), ("b", 400), ("b", 2), ("c", 91), ("d", 89)])
    assert device_logs.prune_all(by_device, by_item, _item_key, now=NOW) == 3
    assert (
        sorted(key[0] for key in by_device.keys()) == ["b", "d"] and len(by_item) == 2
    )


def test_a_prune_is_bounded_per_report():
    by_device, by_item = _log([("a", 100 + day) for day in range(5)])
    assert device_logs.prune(by_device, by_item, "a", _item_key, now=NOW, limit=2) == 2
    assert len(by_device) == 3


def test_times_are_kept_in_utc_and_a_far_future_is_refused():
    assert (
        device_logs.moment("2026-11-30T13:00:00+07:00", now=NOW)
        == "2026-11-30T06:00:00.000+00:00"
    )
    assert (
        device_logs.moment("2026-11-30T13:00:00", now=NOW)
        == "2026-11-30T06:00:00.000+00:00"
    )  # Vietnam
    with pytest.raises(ValueError):
        device_logs.moment("2027-11-30T13:00:00+07:00", now=NOW)
    with pytest.raises(ValueError):
        device_logs.moment("hôm qua", now=NOW)
