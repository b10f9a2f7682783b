"""The broadcast's topics and signed lists (nguon.messaging.topics, nguon.messaging.envelope):
what a device refuses before it shows or airs anything, then what it accepts."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.messaging import envelope
from nguon.messaging import topics
from nguon.messaging.subscriber import Subscriber
from nguon.publication import targeting
from nguon.radio import signing

import copy
import pytest


NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
KEY = signing.new_private_key()
PIN = signing.Pin(signing.public_key(KEY))
TOPIC = topics.topic("public", "radio", "46", True)
ITEM = {"uid": "a1", "title": "Bão số 9 đổ bộ", "priority": "emergency"}


def _signed(topic=TOPIC, items=(ITEM,), sequence=1000, now=NOW, keys=(KEY,)):
    return envelope.sign(envelope.document(topic, items, sequence, now), list(keys))


# -- attacks first --------------------------------------------------------------------


def test_a_list_signed_for_another_place_is_refused_on_this_topic():
    other = topics.topic("public", "radio", "48", True)
    with pytest.raises(envelope.Refused, match="nơi khác"):
        envelope.accept(_signed(topic=other), [PIN], TOPIC, now=NOW)


def test_a_list_moved_to_another_topic_inside_its_payload_breaks_the_signature():
    forged = _signed()
    forged["schedule"]["topic"] = forged["schedule"]["station"] = topics.topic(
        "public", "radio", "48", True
    )
    with pytest.raises(envelope.Refused, match="đã bị sửa"):
        envelope.accept(forged, [PIN], forged["schedule"]["topic"], now=NOW)


def test_a_replayed_older_or_same_list_is_refused():
    last = envelope.accept(_signed(sequence=2000), [PIN], TOPIC, now=NOW)
    for sequence in (1999, 2000):
        with pytest.raises(envelope.Refused, match="cũ hơn"):
            envelope.accept(_signed(sequence=sequence), [PIN], TOPIC, last, now=NOW)


def test_an_expired_list_is_refused_and_one_from_the_future_too():
    with pytest.raises(envelope.Refused, match="hết hạn"):
        envelope.accept(_signed(), [PIN], TOPIC, now=NOW + envelope.VALIDITY)
    with pytest.raises(envelope.Refused, match="chưa đến"):
        envelope.accept(_signed(now=NOW + timedelta(hours=1)), [PIN], TOPIC, now=NOW)


def test_a_list_signed_by_an_unknown_key_is_refused():
    stranger = signing.new_private_key()
    with pytest.raises(envelope.Refused, match="khóa khác"):
        envelope.accept(_signed(keys=(stranger,)), [PIN], TOPIC, now=NOW)


def test_a_tampered_item_is_refused():
    forged = _signed()
    forged["schedule"]["items"][0]["title"] = "Không có bão, mọi người yên tâm"
    with pytest.raises(envelope.Refused, match="đã bị sửa"):
        envelope.accept(forged, [PIN], TOPIC, now=NOW)


def test_an_emptied_list_is_refused_a_cancel_must_be_signed():
    forged = _signed()
    forged["schedule"]["items"] = []
    with pytest.raises(envelope.Refused, match="đã bị sửa"):
        envelope.accept(forged, [PIN], TOPIC, now=NOW)


def test_a_station_schedule_is_not_a_broadcast():
    schedule = signing.sign(
        {"sequence": 5000, "valid_from": NOW.isoformat(), "valid_until": "2099-01-01"},
        [KEY],
        kind=signing.SCHEDULE,
        station=TOPIC,
    )
    with pytest.raises(envelope.Refused, match="không phải bản tin cảnh báo"):
        envelope.accept(schedule, [PIN], TOPIC, now=NOW)


def test_garbage_on_a_topic_is_refused():
    for payload in (b"\xff\xfe", b"[1, 2]", b"{}", b'{"schedule": 1}'):
        with pytest.raises(envelope.Refused):
            envelope.accept(envelope.decode(payload), [PIN], TOPIC, now=NOW)


def test_a_subscriber_never_uses_a_refused_list():
    refused = []
    device = Subscriber(
        "127.0.0.1", 1, [TOPIC], [PIN], on_refused=lambda t, r: refused.append(t)
    )
    good = envelope.encode(_signed(sequence=3000))
    assert device.receive(TOPIC, good, now=NOW)["sequence"] == 3000
    forged = _signed(sequence=4000)
    forged["schedule"]["items"] = []
    assert device.receive(TOPIC, envelope.encode(forged), now=NOW) is None
    assert device.receive(TOPIC, envelope.encode(_signed(sequence=10)), now=NOW) is None
    assert refused == [TOPIC, TOPIC]
    assert device.items(now=NOW) == [ITEM]
    # The same retained list again (a reconnect) is neither refused nor handed on twice.
    assert device.receive(TOPIC, good, now=NOW) is None
    assert refused == [TOPIC, TOPIC]
    # A list nobody refreshed holds nothing any more.
    assert device.items(now=NOW + envelope.VALIDITY) == []


# -- what is accepted -----------------------------------------------------------------


def test_a_list_signed_for_the_topic_is_accepted_with_its_items():
    doc = envelope.accept(_signed(), [PIN], TOPIC, now=NOW)
    assert doc["items"] == [ITEM]
    assert doc["channel"] == "radio"
    assert doc["topic"] == TOPIC
    assert doc["valid_until"] == (NOW + envelope.VALIDITY).isoformat()


def test_an_empty_list_clears_the_place():
    last = envelope.accept(_signed(sequence=1), [PIN], TOPIC, now=NOW)
    doc = envelope.accept(_signed(items=(), sequence=2), [PIN], TOPIC, last, now=NOW)
    assert doc["items"] == []


def test_while_a_key_rotates_a_device_pinning_either_key_accepts():
    new = signing.new_private_key()
    signed = _signed(keys=(new, KEY))
    assert envelope.accept(copy.deepcopy(signed), [PIN], TOPIC, now=NOW)
    assert envelope.accept(signed, signing.public_key(new), TOPIC, now=NOW)


def test_sequences_always_grow():
    assert envelope.next_sequence(None, NOW) == int(NOW.timestamp() * 1000)
    future = int(NOW.timestamp() * 1000) + 5000
    assert envelope.next_sequence(future, NOW) == future + 1


# -- topics ---------------------------------------------------------------------------


def test_a_topic_names_audience_channel_and_place():
    assert topics.topic("public", "board", "19786", False) == (
        "nguon/v1/public/board/19786/here"
    )
    assert topics.parse("nguon/v1/test/radio/46/area") == ("test", "radio", "46", True)


@pytest.mark.parametrize(
    "audience, channel, code",
    [
        ("secret", "radio", "46"),
        ("public", "web", "46"),
        ("public", "radio", "4/6"),
        ("public", "radio", "#"),
        ("public", "radio", ""),
    ],
)
def test_no_topic_outside_the_scheme(audience, channel, code):
    with pytest.raises(ValueError):
        topics.topic(audience, channel, code, True)


@pytest.mark.parametrize(
    "name",
    [
        "nguon/v1/public/radio/46",
        "nguon/v2/public/radio/46/area",
        "nguon/v1/public/radio/46/everywhere",
        "nguon/v1/public/radio/+/area",
    ],
)
def test_parse_refuses_what_is_not_a_broadcast_topic(name):
    with pytest.raises(ValueError):
        topics.parse(name)


def test_a_device_subscribes_its_unit_and_the_areas_above_it():
    assert topics.subscriptions(["46", "474", "19786"], "radio") == [
        "nguon/v1/public/radio/19786/here",
        "nguon/v1/public/radio/19786/area",
        "nguon/v1/public/radio/46/area",
        "nguon/v1/public/radio/474/area",
    ]
    with_tests = topics.subscriptions(["46"], "board", tests=True)
    assert with_tests == [
        "nguon/v1/public/board/46/here",
        "nguon/v1/public/board/46/area",
        "nguon/v1/test/board/46/here",
        "nguon/v1/test/board/46/area",
    ]
    assert topics.subscriptions([], "radio") == []


def test_subscriptions_agree_with_reach():
    """What a unit subscribes is exactly what ``targeting.reaches`` says it reads."""
    lineage = ["46", "474", "19786"]
    for code in ("46", "474", "19786", "48", "19787"):
        for below in (False, True):
            reads = targeting.reaches([(code, below)], lineage)
            subscribed = topics.topic("public", "radio", code, below) in (
                topics.subscriptions(lineage, "radio")
            )
            assert subscribed == reads, (code, below)
