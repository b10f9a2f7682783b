"""The public forms' counts (nguon.feedback.throttle): an address that floods pays more work
for each challenge and is never refused; a contact that floods is refused until a stated time."""

from nguon.feedback import throttle
from nguon.feedback.throttle import Throttle
from nguon.feedback.throttle import Throttled
from zope.i18n import translate

import pytest


def test_quiet_address_pays_the_base():
    counts = Throttle()
    assert [counts.work("10.0.0.1", now=t) for t in range(throttle.ADDRESS_SOFT)] == [
        1
    ] * throttle.ADDRESS_SOFT


def test_flooding_address_pays_more_and_more_up_to_the_ceiling():
    counts = Throttle()
    factors = [counts.work("10.0.0.1", now=i * 0.1) for i in range(200)]
    assert factors == sorted(factors)
    assert factors[throttle.ADDRESS_SOFT] == 2
    assert factors[throttle.ADDRESS_SOFT + throttle.ADDRESS_STEP] == 4
    assert factors[-1] == throttle.MAX_FACTOR  # slow, never refused


def test_a_flood_from_one_address_does_not_slow_another():
    counts = Throttle()
    for i in range(100):
        counts.work("10.0.0.1", now=i)
    assert counts.work("10.0.0.2", now=100) == 1


def test_the_address_window_slides():
    counts = Throttle()
    for i in range(100):
        counts.work("10.0.0.1", now=i)
    assert counts.work("10.0.0.1", now=100) == throttle.MAX_FACTOR
    assert counts.work("10.0.0.1", now=99 + throttle.ADDRESS_WINDOW + 1) == 1


def test_factor():
    assert throttle.factor(1) == throttle.factor(throttle.ADDRESS_SOFT) == 1
    assert throttle.factor(throttle.ADDRESS_SOFT + 1) == 2
    assert throttle.factor(10_000) == throttle.MAX_FACTOR


def test_a_contact_flooding_within_the_hour_is_refused_with_when_to_retry():
    counts = Throttle()
    for minute in range(5):
        counts.admit("0901234567", now=minute * 60)
    with pytest.raises(Throttled) as refused:
        counts.admit(
            "+84 90 123 4567", now=10 * 60
        )  # the same phone, written otherwise
    # the first report leaves the hour at minute 60: 50 minutes from minute 10
    assert refused.value.retry_after == 50 * 60
    text = translate(refused.value.message, target_language="vi")
    assert "50 phút" in text
    assert "vẫn được giữ" in text
    counts.admit("0901234567", now=60 * 60)  # the hour has moved on


def test_a_refused_report_is_not_counted():
    counts = Throttle()
    for minute in range(5):
        counts.admit("dan@example.vn", now=minute)
    for _ in range(10):
        with pytest.raises(Throttled):
            counts.admit("Dan@Example.vn", now=30)
    counts.admit("dan@example.vn", now=3600)  # the refusals did not push the hour on


def test_a_contact_flooding_within_the_day_is_refused_for_hours():
    counts = Throttle()
    for hour in range(20):
        counts.admit("0901234567", now=hour * 3600)
    with pytest.raises(Throttled) as refused:
        counts.admit("0901234567", now=20 * 3600)
    assert refused.value.retry_after == 4 * 3600  # the first leaves the day at hour 24
    assert "4 giờ" in translate(refused.value.message, target_language="vi")


def test_other_contacts_and_no_contact_are_not_limited():
    counts = Throttle()
    for minute in range(5):
        counts.admit("0901234567", now=minute)
    counts.admit("0907654321", now=6)
    for _ in range(50):
        counts.admit("", now=7)
        counts.admit(None, now=7)


@pytest.mark.parametrize(
    "written",
    [
        "0901234567",
        "090 123 4567",
        "+84 901 234 567",
        "84901234567",
        "(+84) 90-123-4567",
    ],
)
def test_phone_numbers_are_one_contact(written):
    assert throttle.normal_contact(written) == "0901234567"


def test_email_addresses_are_one_contact():
    assert throttle.normal_contact(" Dan@Example.VN ") == "dan@example.vn"


def test_memory_is_bounded():
    window = throttle.Window(60, tracked=3)
    for key in "abcde":
        window.recent(key, now=0).append(0)
    assert list(window.times) == ["c", "d", "e"]


def test_limits_serve_any_key_and_refusal():
    class Refused(Exception):
        pass

    limits = throttle.Limits(((60, 2),), Refused)
    limits.admit("key", now=0)
    limits.admit("key", now=1)
    with pytest.raises(Refused) as refused:
        limits.admit("key", now=2)
    assert refused.value.args == (58,)
    limits.admit("key", now=60)


def test_an_ipv6_sender_cannot_escape_by_changing_its_address_in_its_64():
    counts = Throttle()
    for i in range(100):
        counts.work(f"2001:ee0:4a1:7b20::{i:x}", now=i)  # one phone's /64
    assert (
        counts.work("2001:ee0:4a1:7b20:dead:beef:1:2", now=100) == throttle.MAX_FACTOR
    )
    assert counts.work("2001:ee0:4a1:7b21::1", now=100) == 1  # the next /64


def test_address_keys():
    assert throttle.address_key("203.113.1.1") == "203.113.1.1"
    assert throttle.address_key("::ffff:203.113.1.1") == "203.113.1.1"
    assert throttle.address_key("2001:ee0:4a1:7b20::1") == "2001:ee0:4a1:7b20::/64"
    assert throttle.address_key("-") == "-"
