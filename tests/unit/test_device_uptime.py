"""Device health's arithmetic (``nguon.devices.health``) on a device object without a site:
last seen and its throttle, offline since, the episodes a return closes, and uptime over
any period."""

from DateTime import DateTime
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.devices import health
from zope.annotation.attribute import AttributeAnnotations
from zope.annotation.interfaces import IAttributeAnnotatable
from zope.component import provideAdapter
from zope.interface import implementer

import pytest


T0 = datetime(2026, 11, 1, tzinfo=UTC)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@implementer(IAttributeAnnotatable)
class Device:
    def __init__(self, created):
        self._created = DateTime(created)

    def created(self):
        return self._created


@pytest.fixture(autouse=True)
def annotations(monkeypatch):
    provideAdapter(AttributeAnnotations)
    monkeypatch.delenv("NGUON_DEVICE_OFFLINE_MINUTES", raising=False)


@pytest.fixture
def device():
    return Device(T0)


def test_a_device_never_seen_is_offline_since_its_creation(device):
    assert health.last_seen(device) is None
    assert health.offline_since(device, at(15)) is None  # within the threshold
    assert health.offline_since(device, at(16)) == T0
    assert health.is_offline(device, at(16))


def test_last_seen_is_written_at_most_once_a_minute(device):
    assert health.seen(device, at(1))
    assert not health.seen(device, at(1.5))
    assert health.last_seen(device) == at(1)
    assert health.seen(device, at(2))
    assert health.last_seen(device) == at(2)
    assert health.offline_since(device, at(17)) is None
    assert health.offline_since(device, at(17.5)) == at(2)


def test_the_threshold_is_a_setting(device, monkeypatch):
    monkeypatch.setenv("NGUON_DEVICE_OFFLINE_MINUTES", "5")
    health.seen(device, at(0))
    assert health.offline_since(device, at(6)) == at(0)
    monkeypatch.setenv("NGUON_DEVICE_OFFLINE_MINUTES", "nonsense")
    assert health.threshold() == timedelta(minutes=15)


def test_an_open_episode_is_closed_by_the_next_request(device):
    health.seen(device, at(0))
    health.history(device, create=True).open(at(0).timestamp())  # the round saw it
    assert health.episodes(device, at(30)) == [(at(0), None)]
    health.seen(device, at(40))
    assert health.episodes(device, at(50)) == [(at(0), at(40))]
    assert health.history(device).back_due == at(0).timestamp()


def test_a_silence_no_round_saw_is_recorded_by_the_return(device):
    health.seen(device, at(0))
    health.seen(device, at(10))  # 10 minutes: not offline
    health.seen(device, at(70))  # an hour of silence
    assert health.episodes(device, at(71)) == [(at(10), at(70))]
    assert health.history(device).back_due is None  # no alarm went out for it


def test_uptime_over_a_period(device):
    health.seen(device, at(0))
    health.seen(device, at(60))  # offline 0..60 (past the threshold)
    health.seen(device, at(70))
    # Over 0..120 with the device seen at 70 and 'now' at 120: offline 0..60 and, since
    # 70 + 15 < 120, again from 70 on.
    assert health.uptime(device, at(0), at(120), now=at(120)) == pytest.approx(
        (120 - 60 - 50) / 120
    )
    # A period before 'now' only counts the closed episode.
    assert health.uptime(device, at(30), at(90), now=at(80)) == pytest.approx(
        1 - 30 / 50
    )


def test_uptime_counts_only_the_past_while_the_device_existed():
    device = Device(at(60))
    health.seen(device, at(61))
    assert health.uptime(device, at(0), at(120), now=at(70)) == 1.0
    assert health.uptime(device, at(0), at(30), now=at(70)) is None  # before creation
    assert health.uptime(device, at(80), at(90), now=at(70)) is None  # the future


def test_an_episode_begun_before_the_period_counts_for_its_part_in_it(device):
    health.seen(device, at(0))
    health.seen(device, at(100))  # offline 0..100
    assert health.uptime(device, at(50), at(150), now=at(110)) == pytest.approx(
        1 - 50 / 60
    )


def test_uptime_of_several_devices_weighs_their_time_in_the_period():
    always = Device(T0)
    for minute in range(0, 121, 10):
        health.seen(always, at(minute))
    late = Device(at(60))  # exists for half the period, never seen: offline throughout
    assert health.uptime(always, at(0), at(120), now=at(120)) == 1.0
    assert health.uptime(late, at(0), at(120), now=at(120)) == 0.0
    assert health.uptime_of([always, late], at(0), at(120), now=at(120)) == (
        pytest.approx(120 / 180)
    )
    assert health.uptime_of([], at(0), at(120)) is None


def test_a_device_from_before_health_was_watched_starts_online(device):
    health.start_watching(device, at(600))
    assert health.offline_since(device, at(601)) is None
    assert health.episodes(device, at(601)) == []
