"""The station agent and alerts, with a fake player (no Liquidsoap, no broker): the poll and
the messaging engine air through one code path, an alert repeats as it says, whatever the
hour, a withdrawn alert is cut or skipped, a list signed for another topic is refused, a
station subscribes to the test audience only when it receives tests, and every emergency
the station newly holds is reported as received."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.messaging import envelope
from nguon.messaging import topics
from nguon.messaging.subscriber import Subscriber
from nguon.radio import signing
from nguon.station import agent as agent_module
from nguon.station.agent import Agent
from nguon.station.cache import Cache
from nguon.station.emergencies import due_round
from nguon.station.emergencies import InForce
from zoneinfo import ZoneInfo

import hashlib
import pytest


PRIVATE = signing.new_private_key()
PUBLIC = signing.public_key(PRIVATE)
STATION = "station-a"
LINEAGE = ["VN", "46", "19786"]
TOPIC = topics.topic(topics.PUBLIC, "radio", "46", True)
AUDIO = b"alert audio: tone, Vietnamese, English"


def _entry(uid="alert1", effective=None, times=3, minutes=10, data=AUDIO):
    return {
        "uid": uid,
        "title": "Lũ quét trên sông Hương",
        "priority": "emergency",
        "duration": 40.0,
        "audio": {
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
            "url": f"http://nguon.invalid/@@station-audio/{uid}",
        },
        "effective": effective if effective is not None else NOW.timestamp(),
        "repeat": {"times": times, "minutes": minutes},
    }


NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture(autouse=True)
def _now():
    """``NOW`` is when each test starts: the agent checks a list's validity against the real
    clock, and the whole suite may run for many minutes after this module is collected."""
    global NOW
    NOW = datetime.now(UTC).replace(microsecond=0)


def _doc(items, sequence, now=None, minutes=15):
    now = now or NOW
    return {
        "sequence": sequence,
        "issued": now.isoformat(),
        "valid_from": (now - timedelta(minutes=1)).isoformat(),
        "valid_until": (now + timedelta(minutes=minutes)).isoformat(),
        "items": items,
        "emergencies": items,
    }


class Player:
    """Liquidsoap as the agent sees it: what was pushed and which commands it got."""

    def __init__(self):
        self.interrupts, self.queued, self.commands, self.on_track = [], [], [], None

    def queue(self, path):
        self.queued.append(path)

    def interrupt(self, path):
        self.interrupts.append(path)

    def command(self, text):
        self.commands.append(text)


class Answer:
    def __init__(self, data, status=200):
        self.data, self.status_code, self.headers = data, status, {"ETag": '"e"'}

    def json(self):
        return self.data


@pytest.fixture
def agent(tmp_path):
    found = Agent(
        "http://nguon.invalid/Plone",
        f"{STATION}.secret",
        PUBLIC,
        Cache(tmp_path),
        Player(),
    )
    found.cache.store_audio(_entry(), AUDIO)
    return found


def _aired(agent):
    return len(agent.player.interrupts)


def test_an_alert_airs_its_rounds_minutes_apart_and_no_more(agent):
    agent.hear(TOPIC, _doc([_entry()], 1), [_entry()])
    assert agent.air_emergencies(NOW) == ["alert1"]
    steps = ((5, 1), (10, 2), (19, 2), (20, 3), (45, 3), (90, 3))
    for sequence, (minutes, total) in enumerate(steps, start=2):
        moment = NOW + timedelta(minutes=minutes, seconds=1)
        # The site refreshes the list long before it runs out (every five minutes).
        agent.hear(TOPIC, _doc([_entry()], sequence, now=moment), [_entry()])
        agent.air_emergencies(moment)
        assert _aired(agent) == total, minutes
    assert {key for key in agent.cache.aired() if key.startswith("emergency:")} == {
        f"emergency:alert1:{_entry()['audio']['sha256'][:16]}",
        f"emergency:alert1:{_entry()['audio']['sha256'][:16]}:1",
        f"emergency:alert1:{_entry()['audio']['sha256'][:16]}:2",
    }


def test_a_station_that_hears_an_alert_late_airs_only_the_round_due(agent):
    late = NOW - timedelta(minutes=25)
    item = _entry(effective=late.timestamp())
    agent.hear(TOPIC, _doc([item], 1), [item])
    agent.air_emergencies(NOW)
    agent.air_emergencies(NOW + timedelta(minutes=10))
    assert _aired(agent) == 1
    assert due_round(item, NOW) == 2


def test_an_emergency_long_past_is_held_but_never_interrupted_for(agent):
    """The broker lists an emergency for as long as it is in force: a station that starts
    (or lost its cache) a day later does not air last night's emergency."""
    old = _entry(effective=(NOW - timedelta(hours=7)).timestamp(), times=1, minutes=0)
    alert = _entry(
        uid="alert2", effective=(NOW - timedelta(hours=7)).timestamp(), times=3
    )
    agent.hear(TOPIC, _doc([old, alert], 1), [old, alert])
    assert len(agent.in_force.items(NOW)) == 2
    assert agent.air_emergencies(NOW) == []
    # An alert whose last round was an hour ago still airs that round once.
    recent = _entry(uid="alert3", effective=(NOW - timedelta(hours=1)).timestamp())
    agent.cache.store_audio(recent, AUDIO)
    agent.hear(TOPIC, _doc([old, alert, recent], 2), [old, alert, recent])
    assert agent.air_emergencies(NOW) == ["alert3"]
    assert due_round(recent, NOW) == 2


def test_other_emergencies_air_once(agent):
    item = {**_entry(), "repeat": {"times": 1, "minutes": 0}}
    plain = {k: v for k, v in item.items() if k not in ("repeat", "effective")}
    agent.hear("poll", _doc([plain], 1), [plain])
    for minutes in (0, 10, 60):
        agent.air_emergencies(NOW + timedelta(minutes=minutes))
    assert _aired(agent) == 1


def test_quiet_hours_and_days_off_do_not_hold_an_alert(agent):
    """The schedule's quiet hours and days off only shape slots: an emergency airs at 23:30
    local time on a day without slots, while no slot is queued."""
    night = datetime(2026, 12, 31, 23, 30, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    item = _entry(effective=night.timestamp())
    agent.schedule = {
        "valid_until": (night + timedelta(days=1)).isoformat(),
        "slots": [],  # quiet hours and the day off left no slot
        "emergencies": [],
        "clusters": [],
    }
    doc = _doc([item], 1, now=night)
    agent.hear(TOPIC, doc, [item])
    assert agent.tick(night) == [] and agent.player.queued == []
    assert agent.air_emergencies(night) == ["alert1"]


def test_the_poll_and_the_broker_air_through_one_path_once(agent, monkeypatch):
    item = _entry()
    events = signing.sign(
        _doc([item], 5, minutes=5), [PRIVATE], signing.EMERGENCIES, STATION
    )
    monkeypatch.setattr(agent.session, "get", lambda *a, **k: Answer(events))
    assert agent.poll_events() == ["alert1"]
    agent.on_broadcast(TOPIC, _doc([item], 6))
    assert agent.air_emergencies() == [] and _aired(agent) == 1
    assert agent.air_wake.is_set()  # the broker's list wakes the emergency clock


def test_a_withdrawn_alert_is_cut_while_it_plays(agent):
    item = _entry()
    agent.hear(TOPIC, _doc([item], 1), [item])
    agent.hear("poll", _doc([item], 2), [item])
    agent.air_emergencies(NOW)
    agent.track_started(str(agent.cache.audio_path(item)), NOW.timestamp())
    assert agent.playing[0] == "alert1" and agent.playing[3]
    # A Cancel: the topic's newer list no longer holds the alert.
    agent.hear(TOPIC, _doc([], 3), [])
    assert agent.player.commands == ["urgent.skip"]
    # The poll's list, older than the withdrawal, does not bring it back for a next round.
    assert agent.in_force.items(NOW) == []
    agent.air_emergencies(NOW + timedelta(minutes=10, seconds=1))
    assert _aired(agent) == 1


def test_a_withdrawn_alert_still_waiting_is_skipped_as_it_starts(agent):
    other = _entry(uid="alert0", data=b"the first alert")
    agent.cache.store_audio(other, b"the first alert")
    item = _entry()
    agent.hear(TOPIC, _doc([other, item], 1), [other, item])
    agent.air_emergencies(NOW)
    agent.track_started(str(agent.cache.audio_path(other)), NOW.timestamp())
    agent.hear(TOPIC, _doc([other], 2), [other])
    assert agent.player.commands == []  # alert0 plays on
    agent.track_started(str(agent.cache.audio_path(item)), NOW.timestamp() + 40)
    assert agent.player.commands == ["urgent.skip"]
    assert agent.urgent_queue == [] and agent.withdrawn == set()


def test_an_expired_list_is_not_a_withdrawal(agent):
    item = _entry()
    agent.hear(TOPIC, _doc([item], 1, minutes=15), [item])
    agent.air_emergencies(NOW)
    agent.track_started(str(agent.cache.audio_path(item)), NOW.timestamp())
    later = NOW + timedelta(minutes=20)
    assert agent.in_force.items(later) == []
    assert agent.player.commands == []


def test_every_newly_held_emergency_is_reported_received_once(agent):
    item = _entry()
    agent.hear(TOPIC, _doc([item], 1), [item])
    agent.hear(TOPIC, _doc([item], 2), [item])
    agent.hear("poll", _doc([item], 3), [item])
    received = [r for r in agent.cache.pending_reports() if r["status"] == "received"]
    assert [r["item"] for r in received] == ["alert1"]
    # New audio (the alert was edited) is a new receipt.
    edited = _entry(data=b"edited")
    agent.hear(TOPIC, _doc([edited], 4), [edited])
    received = [r for r in agent.cache.pending_reports() if r["status"] == "received"]
    assert len(received) == 2


def test_a_list_signed_for_another_topic_is_refused_and_nothing_airs(agent):
    """The attack: the province's list replayed on the commune's own topic (or any list not
    signed for the topic the station subscribed)."""
    item = _entry()
    mine = topics.topic(topics.PUBLIC, "radio", "19786", False)
    refused = []
    subscriber = Subscriber(
        "127.0.0.1",
        1,
        [mine, TOPIC],
        [signing.Pin(PUBLIC)],
        on_list=agent.on_broadcast,
        on_refused=lambda topic, reason: refused.append(reason),
    )
    signed_for_province = envelope.sign(envelope.document(TOPIC, [item], 10), [PRIVATE])
    assert subscriber.receive(mine, envelope.encode(signed_for_province)) is None
    assert refused and "nơi khác" in refused[0]
    forged = envelope.sign(
        envelope.document(mine, [item], 11), [signing.new_private_key()]
    )
    assert subscriber.receive(mine, envelope.encode(forged)) is None
    assert agent.air_emergencies() == [] and agent.cache.pending_reports() == []
    # The genuine list of the province's topic airs.
    assert subscriber.receive(TOPIC, envelope.encode(signed_for_province)) is not None
    assert agent.air_emergencies() == ["alert1"]


class FakeSubscriber:
    started = []

    def __init__(self, host, port, wanted, pins, on_list=None, on_refused=None):
        self.topics, self.stopped = wanted, False

    def start(self):
        FakeSubscriber.started.append(self)
        return self

    def stop(self):
        self.stopped = True


@pytest.mark.parametrize("tests", [False, True])
def test_a_station_subscribes_to_its_units_topics_and_to_tests_only_if_marked(
    agent, monkeypatch, tests
):
    monkeypatch.setattr(agent_module, "Subscriber", FakeSubscriber)
    FakeSubscriber.started = []
    agent.broker = ("127.0.0.1", 1883)
    schedule = {"slots": [], "emergencies": [], "lineage": LINEAGE}
    agent._learn({**schedule, "receives_tests": tests})
    agent._learn(
        {**schedule, "receives_tests": tests}
    )  # unchanged: no new subscription
    (subscriber,) = FakeSubscriber.started
    assert subscriber.topics == topics.subscriptions(LINEAGE, "radio", tests)
    audiences = {topics.parse(name).audience for name in subscriber.topics}
    assert audiences == ({"public", "test"} if tests else {"public"})
    # Marked or unmarked later: the subscription follows the signed schedule.
    agent._learn({**schedule, "receives_tests": not tests})
    assert subscriber.stopped and len(FakeSubscriber.started) == 2


def test_without_a_broker_the_agent_only_polls(agent):
    agent._learn({"slots": [], "emergencies": [], "lineage": LINEAGE})
    assert agent.subscriber is None and agent._events_interval() == 2.0


def test_the_poll_asks_for_a_fresh_list_before_the_one_held_runs_out(
    agent, monkeypatch
):
    asked = []

    def get(url, headers=None, **options):
        asked.append(headers)
        return Answer(None, status=304)

    monkeypatch.setattr(agent.session, "get", get)
    agent.events_etag = '"e"'
    agent.last_events = _doc([], 1, minutes=5)
    agent.poll_events()
    agent.last_events = _doc([], 1, minutes=1)
    agent.poll_events()
    assert asked == [{"If-None-Match": '"e"'}, {}]


def test_in_force_keeps_an_item_another_topic_still_lists_newer():
    held = InForce()
    item = _entry()
    held.update("a", _doc([item], 1), [item], NOW)
    held.update("b", _doc([item], 3), [item], NOW)
    assert held.update("a", _doc([], 2), [], NOW) == set()
    assert [e["uid"] for e in held.items(NOW)] == ["alert1"]
    assert held.update("b", _doc([], 4), [], NOW) == {"alert1"}


def test_the_broker_option_takes_host_and_port_only(capsys):
    from nguon.station.cli import main

    arguments = ["run", "--site", "http://x", "--public-key", "AAAA", "--cache", "c"]
    arguments += ["--icecast", "127.0.0.1:8000"]
    for wrong in ("mosquitto", "host:port", "host:70000"):
        with pytest.raises(SystemExit):
            main([*arguments, "--broker", wrong])
        assert "HOST:PORT" in capsys.readouterr().err
