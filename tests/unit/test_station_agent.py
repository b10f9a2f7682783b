"""The station agent's decisions, with a recording stand-in for Liquidsoap (the end-to-end
test runs the real one): which schedules it accepts, what it queues when, what it reports."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.radio import signing
from nguon.station.acceptance import accept
from nguon.station.acceptance import Refused
from nguon.station.agent import Agent
from nguon.station.cache import Cache

import hashlib
import pytest


NOW = datetime(2026, 11, 30, 5, 59, 50, tzinfo=UTC)
PRIVATE = signing.new_private_key()
PUBLIC = signing.public_key(PRIVATE)
STATION = "s1"  # the station the agent's token names


def sign(document, private, kind=signing.SCHEDULE):
    return signing.sign(document, [private], kind, STATION)


def _audio(uid, data):
    return {
        "sha256": hashlib.sha256(data).hexdigest(),
        "size": len(data),
        "url": f"http://nguon.invalid/@@station-audio/{uid}",
    }


def schedule(
    sequence=1,
    valid_from=NOW - timedelta(minutes=1),
    hours=24,
    slots=(),
    emergencies=(),
):
    return {
        "station": "s1",
        "station_title": "Đài phường Thuận Hóa",
        "unit": "19786",
        "sequence": sequence,
        "issued": valid_from.isoformat(),
        "valid_from": valid_from.isoformat(),
        "valid_until": (valid_from + timedelta(hours=hours)).isoformat(),
        "clusters": [
            {"device_id": "LOA-001", "status": "hoạt động"},
            {"device_id": "LOA-002", "status": "hỏng"},
        ],
        "slots": list(slots),
        "emergencies": list(emergencies),
    }


def test_a_valid_newer_schedule_is_accepted():
    first = accept(
        sign(schedule(1), PRIVATE), PUBLIC, signing.SCHEDULE, STATION, now=NOW
    )
    assert (
        accept(
            sign(schedule(2), PRIVATE),
            PUBLIC,
            signing.SCHEDULE,
            STATION,
            last=first,
            now=NOW,
        )["sequence"]
        == 2
    )


@pytest.mark.parametrize(
    "envelope, reason",
    [
        ({**sign(schedule(2), PRIVATE), "schedule": schedule(3)}, "chữ ký"),
        (sign(schedule(2), signing.new_private_key()), "khóa khác"),
        (sign(schedule(2, valid_from=NOW - timedelta(hours=30)), PRIVATE), "hết hạn"),
        (sign(schedule(2, valid_from=NOW + timedelta(hours=1)), PRIVATE), "chưa đến"),
        (sign(schedule(1), PRIVATE), "cũ hơn"),  # replayed: not newer than the last
        (sign(schedule(0), PRIVATE), "cũ hơn"),  # older
        ({"schedule": schedule(5)}, "chữ ký"),
    ],
)
def test_tampered_foreign_expired_early_and_replayed_schedules_are_refused(
    envelope, reason
):
    last = schedule(1)
    with pytest.raises(Refused) as refused:
        accept(envelope, PUBLIC, signing.SCHEDULE, STATION, last=last, now=NOW)
    assert reason in str(refused.value)


class RecordingPlayer:
    def __init__(self):
        self.queued, self.interrupts, self.commands = [], [], []
        self.on_track = None

    def queue(self, path):
        self.queued.append(path)

    def interrupt(self, path):
        self.interrupts.append(path)

    def command(self, text):
        self.commands.append(text)


def _agent(tmp_path, doc):
    cache = Cache(tmp_path)
    agent = Agent(
        "http://nguon.invalid/Plone",
        f"{STATION}.token",
        PUBLIC,
        cache,
        RecordingPlayer(),
    )
    agent.schedule = doc
    agent._learn(doc)
    return agent, cache


def test_the_slot_airs_once_at_its_time_with_what_fits(tmp_path):
    items = [
        {
            "uid": f"u{i}",
            "title": f"Tin {i}",
            "priority": "normal",
            "duration": 190.0,
            "audio": _audio(f"u{i}", f"mp3-{i}".encode()),
        }
        for i in range(3)
    ]
    slot = {
        "start": "2026-11-30T13:00:00+07:00",
        "end": "2026-11-30T13:10:00+07:00",
        "items": items,
        "deferred": [],
    }
    agent, cache = _agent(tmp_path, schedule(slots=[slot]))
    for i, item in enumerate(items):
        cache.store_audio(item, f"mp3-{i}".encode())
    assert agent.tick(NOW) == []  # 12:59:50 local: not yet
    assert agent.tick(NOW + timedelta(seconds=15)) == ["u0", "u1", "u2"]
    assert agent.tick(NOW + timedelta(seconds=20)) == []  # once
    late, cache2 = _agent(tmp_path / "late", schedule(slots=[slot]))
    for i, item in enumerate(items):
        cache2.store_audio(item, f"mp3-{i}".encode())
    assert late.tick(NOW + timedelta(minutes=4)) == [
        "u0"
    ]  # 370 s left: one of 190 s fits


def test_audio_that_does_not_match_its_checksum_is_not_kept(tmp_path):
    cache = Cache(tmp_path)
    item = {"uid": "u1", "audio": _audio("u1", b"the real audio")}
    with pytest.raises(ValueError):
        cache.store_audio(item, b"something else")
    assert not cache.has_audio(item)


def test_the_as_run_log_says_started_finished_and_interrupted(tmp_path):
    items = [
        {
            "uid": "u1",
            "title": "Tin 1",
            "priority": "normal",
            "duration": 10.0,
            "audio": _audio("u1", b"1"),
        },
        {
            "uid": "u2",
            "title": "Tin 2",
            "priority": "normal",
            "duration": 30.0,
            "audio": _audio("u2", b"2"),
        },
    ]
    alarm = {
        "uid": "e1",
        "title": "Khẩn cấp",
        "priority": "emergency",
        "duration": 8.0,
        "audio": _audio("e1", b"e"),
    }
    slot = {
        "start": "2026-11-30T13:00:00+07:00",
        "end": "2026-11-30T13:10:00+07:00",
        "items": items,
        "deferred": [],
    }
    agent, cache = _agent(tmp_path, schedule(slots=[slot], emergencies=[alarm]))
    agent.track_started("/cache/audio/u1-aaaa.mp3", 1000.0)
    agent.track_started("/cache/audio/u2-bbbb.mp3", 1010.2)  # u1 ran its 10 s: finished
    agent.track_started("/cache/audio/e1-cccc.mp3", 1015.0)  # u2 cut after 5 of 30 s
    agent.track_started("", 1023.0)  # silence: the emergency finished
    reports = [(r["item"], r["status"]) for r in cache.pending_reports()]
    assert reports == [
        ("u1", "started"),
        ("u1", "finished"),
        ("u2", "started"),
        ("u2", "interrupted"),
        ("e1", "started"),
        ("e1", "finished"),
    ]
    assert cache.pending_reports()[0]["clusters"] == [
        "LOA-001"
    ]  # the broken cluster is not counted


class Answer:
    def __init__(self, data, status=200):
        self.data, self.status_code, self.headers = data, status, {"ETag": '"e1"'}

    def json(self):
        return self.data


def test_emergencies_air_only_when_signed_by_the_pinned_key(tmp_path, monkeypatch):
    alarm = {
        "uid": "e1",
        "title": "Khẩn cấp",
        "priority": "emergency",
        "duration": 8.0,
        "audio": _audio("e1", b"emergency audio"),
    }
    agent, cache = _agent(tmp_path, schedule())
    cache.store_audio(alarm, b"emergency audio")
    events = {
        "kind": "emergencies",
        "station": "s1",
        "sequence": 5,
        "valid_from": (datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
        "valid_until": (datetime.now(UTC) + timedelta(minutes=5)).isoformat(),
        "issued": NOW.isoformat(),
        "emergencies": [alarm],
    }
    forged = sign(events, signing.new_private_key(), signing.EMERGENCIES)
    monkeypatch.setattr(agent.session, "get", lambda *a, **k: Answer(forged))
    assert agent.poll_events() == [] and agent.player.interrupts == []
    monkeypatch.setattr(
        agent.session,
        "get",
        lambda *a, **k: Answer(sign(events, PRIVATE, signing.EMERGENCIES)),
    )
    assert agent.poll_events() == ["e1"] and len(agent.player.interrupts) == 1
    replayed = sign(dict(events, sequence=4), PRIVATE, signing.EMERGENCIES)
    monkeypatch.setattr(agent.session, "get", lambda *a, **k: Answer(replayed))
    assert agent.poll_events() == []


def test_a_verified_push_of_the_emergency_feed_rings_the_agent(tmp_path):
    from nguon.station.agent import EmergencyDoorbell
    from nguon.sync.receiver import Receiver
    from nguon.syndication import signing as hub_signing

    import json

    agent, _cache = _agent(tmp_path, schedule())
    receiver = Receiver(
        EmergencyDoorbell(agent),
        "bí-mật-của-đài-xã-16",
        "https://nguon.invalid/x/emergency.json",
    )
    body = json.dumps(
        {
            "items": [{"_nguon": {"uid": "e1", "seq": 9}}],
            "_nguon": {
                "delivery": {"id": "d:9-9", "sent": datetime.now(UTC).isoformat()},
                "deleted": [],
            },
        }
    ).encode()
    assert (
        receiver.deliver(body, "sha256=00")[0] == 403 and not agent.events_wake.is_set()
    )
    assert (
        receiver.deliver(body, hub_signing.sign("bí-mật-của-đài-xã-16", body))[0] == 200
    )
    assert agent.events_wake.is_set()
