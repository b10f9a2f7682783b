"""What a station trusts, attack first: a document signed for another station or of another
kind is refused, what aired is never forgotten emergencies first, and the signing key can be
rotated (the old key trusted until the time its operator pinned)."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.radio import signing
from nguon.station.acceptance import accept
from nguon.station.acceptance import Refused
from nguon.station.agent import Agent
from nguon.station.agent import pinned_key
from nguon.station.cache import bounded
from nguon.station.cache import Cache

import base64
import hashlib
import pytest


NOW = datetime.now(UTC)
PRIVATE = signing.new_private_key()
PUBLIC = signing.public_key(PRIVATE)
A, B = "station-a", "station-b"


def _document(sequence=10, minutes=60, **content):
    return {
        "sequence": sequence,
        "issued": NOW.isoformat(),
        "valid_from": (NOW - timedelta(minutes=1)).isoformat(),
        "valid_until": (NOW + timedelta(minutes=minutes)).isoformat(),
        "slots": [],
        "emergencies": [],
        "clusters": [],
        **content,
    }


def _alarm(data=b"emergency audio"):
    return {
        "uid": "e1",
        "title": "Khẩn cấp",
        "priority": "emergency",
        "duration": 8.0,
        "audio": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "url": "http://nguon.invalid/@@station-audio/e1",
        },
    }


class Player:
    def __init__(self):
        self.interrupts, self.on_track = [], None

    def queue(self, path):
        pass

    def interrupt(self, path):
        self.interrupts.append(path)

    def command(self, text):
        pass


class Answer:
    status_code, headers = 200, {"ETag": '"x"'}

    def __init__(self, data):
        self.data = data

    def raise_for_status(self):
        pass

    def json(self):
        return self.data


LIMIT = 50  # the cache's bound, small for the test (5,000 on a station)


def _cache(tmp_path):
    cache = Cache(tmp_path)
    cache.aired_limit = LIMIT
    return cache


def _agent(tmp_path, station, pins=PUBLIC):
    return Agent(
        "http://nguon.invalid/Plone",
        f"{station}.secret",
        pins,
        _cache(tmp_path),
        Player(),
    )


def test_a_schedule_signed_for_station_a_is_refused_by_station_b(tmp_path, monkeypatch):
    for_a = signing.sign(_document(), [PRIVATE], signing.SCHEDULE, A)
    assert accept(for_a, PUBLIC, signing.SCHEDULE, A)["station"] == A  # genuine for A
    agent_b = _agent(tmp_path, B)
    mine = signing.sign(_document(sequence=5), [PRIVATE], signing.SCHEDULE, B)
    monkeypatch.setattr(agent_b.session, "get", lambda *a, **k: Answer(mine))
    assert agent_b.fetch_schedule()
    # The attack: A's valid, newer schedule is served to B (a proxy, a copied cache).
    monkeypatch.setattr(agent_b.session, "get", lambda *a, **k: Answer(for_a))
    assert not agent_b.fetch_schedule()
    assert (
        agent_b.schedule["station"] == B and agent_b.schedule["sequence"] == 5
    )  # nothing lost
    with pytest.raises(Refused, match="đài khác"):
        accept(for_a, PUBLIC, signing.SCHEDULE, B)


def test_a_forged_station_field_breaks_the_signature():
    for_a = signing.sign(_document(), [PRIVATE], signing.SCHEDULE, A)
    relabelled = {**for_a, "schedule": {**for_a["schedule"], "station": B}}
    with pytest.raises(Refused, match="chữ ký"):
        accept(relabelled, PUBLIC, signing.SCHEDULE, B)


def test_an_emergencies_document_is_not_a_schedule_and_back(tmp_path, monkeypatch):
    events = signing.sign(
        _document(emergencies=[_alarm()]), [PRIVATE], signing.EMERGENCIES, A
    )
    schedule = signing.sign(
        _document(emergencies=[_alarm()], minutes=24 * 60),
        [PRIVATE],
        signing.SCHEDULE,
        A,
    )
    with pytest.raises(Refused, match="không phải «schedule»"):
        accept(events, PUBLIC, signing.SCHEDULE, A)
    with pytest.raises(Refused, match="không phải «emergencies»"):
        accept(schedule, PUBLIC, signing.EMERGENCIES, A)
    # The attack on the agent: a 24-hour schedule answered where emergencies are polled.
    agent = _agent(tmp_path, A)
    agent.cache.store_audio(_alarm(), b"emergency audio")
    monkeypatch.setattr(agent.session, "get", lambda *a, **k: Answer(schedule))
    assert (
        agent.poll_events() == []
        and agent.player.interrupts == []
        and agent.last_events is None
    )


def test_the_aired_list_forgets_slots_before_emergencies(tmp_path):
    cache = _cache(tmp_path)
    cache.mark_aired("emergency:e1:abcd")
    for number in range(LIMIT + 10):  # the attack: a long life of slots
        cache.mark_aired(f"slot:2026-11-{number:06d}")
    aired = cache.aired()
    assert "emergency:e1:abcd" in aired and len(aired) == LIMIT
    assert "slot:2026-11-000000" not in aired  # the oldest slot went first


def test_an_emergency_remembered_as_aired_does_not_air_again_after_many_slots(
    tmp_path, monkeypatch
):
    agent = _agent(tmp_path, A)
    agent.cache.store_audio(_alarm(), b"emergency audio")
    for sequence in (1, 2):
        events = signing.sign(
            _document(sequence=sequence, emergencies=[_alarm()]),
            [PRIVATE],
            signing.EMERGENCIES,
            A,
        )
        monkeypatch.setattr(
            agent.session, "get", lambda *a, events=events, **k: Answer(events)
        )
        agent.poll_events()
        for number in range(LIMIT):
            agent.cache.mark_aired(f"slot:{sequence}-{number:06d}")
    assert len(agent.player.interrupts) == 1


def test_when_only_emergencies_are_left_the_oldest_go():
    keys = [f"emergency:e{number}:x" for number in range(5)]
    assert bounded(keys, 3) == keys[2:]
    assert bounded(["slot:1", *keys[:3]], 3) == keys[:3]


def test_a_rotated_key_is_trusted_until_the_pinned_time_and_no_later():
    new = signing.new_private_key()
    retire = NOW + timedelta(days=7)
    both = signing.sign(
        _document(), [new, PRIVATE], signing.SCHEDULE, A
    )  # during the overlap
    old_only = [pinned_key(f"{base64.b64encode(PUBLIC).decode()}@{retire.isoformat()}")]
    pins = [signing.Pin(signing.public_key(new))] + old_only
    assert accept(both, old_only, signing.SCHEDULE, A, now=NOW)
    assert accept(both, pins, signing.SCHEDULE, A, now=NOW)
    # The attack: the old key (retired, perhaps stolen) signs after its time.
    later = retire + timedelta(minutes=1)
    stolen = signing.sign(_document(), [PRIVATE], signing.SCHEDULE, A)
    with pytest.raises(Refused, match="hết hạn dùng"):
        accept(stolen, old_only, signing.SCHEDULE, A, now=later)
    with pytest.raises(Refused, match="hết hạn dùng"):
        accept(stolen, pins, signing.SCHEDULE, A, now=later)
    fresh = signing.sign(_document(), [new], signing.SCHEDULE, A)
    with pytest.raises(Refused, match="khóa khác"):
        accept(
            fresh, old_only, signing.SCHEDULE, A, now=NOW
        )  # the old pin alone: re-pin first


def test_a_pin_needs_an_aware_time():
    with pytest.raises(ValueError, match="múi giờ"):
        pinned_key(f"{base64.b64encode(PUBLIC).decode()}@2026-12-31T00:00:00")
    with pytest.raises(ValueError):
        pinned_key("không-phải-base64")
