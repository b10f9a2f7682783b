"""What bounds the phones' subscriptions (docs/webpush.md, docs/security.md "Web Push"):
the browser's ``expirationTime``, the caps per unit and in the site, and the sizes of what a
body may carry. Each attack first, then its refusal, in Vietnamese, with nothing lost."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.restapi.webpush import services
from nguon.webpush import store
from nguon.webpush.store import state
from plone import api
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.rest import json_session
from tests.webpush.test_push import COMMUNE
from tests.webpush.test_push import settle
from tests.webpush.test_services import unit_url

import pytest
import transaction


@pytest.fixture(autouse=True)
def roomy(monkeypatch):
    """Many posts from 127.0.0.1: the per-address limit is test_services.py's subject."""
    monkeypatch.setattr(
        services, "THROTTLE", services.Limits(((60.0, 10_000),), services.TooMany)
    )


@pytest.fixture
def caps(portal):
    names = ("nguon.webpush.max_per_unit", "nguon.webpush.max_subscriptions")
    before = {name: api.portal.get_registry_record(name) for name in names}

    def set_caps(per_unit, in_site):
        api.portal.set_registry_record(names[0], per_unit)
        api.portal.set_registry_record(names[1], in_site)
        transaction.commit()

    yield set_caps
    for name, value in before.items():
        api.portal.set_registry_record(name, value)
    transaction.commit()


def post(session, portal, code, body):
    return session.post(
        f"{unit_url(portal.absolute_url(), code)}/@push-subscriptions", json=body
    )


def millis(moment):
    return moment.timestamp() * 1000


def test_the_defaults_are_in_the_registry(portal):
    assert api.portal.get_registry_record("nguon.webpush.max_per_unit") == 200_000
    assert (
        api.portal.get_registry_record("nguon.webpush.max_subscriptions") == 10_000_000
    )


def test_a_malformed_or_past_expiration_time_is_refused(portal, service):
    session = json_session()
    valid = service.subscribe("a")
    past = millis(datetime.now(UTC) - timedelta(minutes=1))
    for value in ("ngày mai", True, -1, 0, 1e300, 10**400, [1], {"ms": 1}, past):
        answer = post(session, portal, COMMUNE, {**valid, "expirationTime": value})
        assert answer.status_code == 400, value
        assert "hạn" in answer.json()["message"], (value, answer.json())
    # NaN is no JSON, but Python's reader takes it.
    answer = session.post(
        f"{unit_url(portal.absolute_url(), COMMUNE)}/@push-subscriptions",
        data=f'{{"endpoint": "{valid["endpoint"]}", "expirationTime": NaN, "keys": '
        f'{{"p256dh": "{valid["keys"]["p256dh"]}", "auth": "{valid["keys"]["auth"]}"}}}}',
        headers={"Content-Type": "application/json"},
    )
    assert answer.status_code == 400 and "hạn" in answer.json()["message"]
    transaction.begin()
    assert not len(state(portal).subscriptions(COMMUNE))

    soon = datetime.now(UTC) + timedelta(days=30)
    answer = post(session, portal, COMMUNE, {**valid, "expirationTime": millis(soon)})
    assert answer.status_code == 201, answer.text
    transaction.begin()
    [(endpoint, kept)] = list(state(portal).entries(COMMUNE))
    assert abs(kept.expires - soon.timestamp()) < 0.01


def test_a_subscription_past_its_expiration_time_is_not_pushed_to_and_is_pruned(
    portal, service
):
    found = state(portal)
    for name, expires in (
        ("ended", datetime.now(UTC) - timedelta(seconds=1)),
        ("later", datetime.now(UTC) + timedelta(days=1)),
        ("never", None),
    ):
        body = service.subscribe(name)
        found.subscribe(
            COMMUNE,
            body["endpoint"],
            body["keys"]["p256dh"],
            body["keys"]["auth"],
            expires=expires and expires.timestamp(),
        )
    transaction.commit()
    before = found.count()
    publish(make_alert())
    settle(portal)
    assert sorted(m.name for m in service.received()) == ["later", "never"]
    assert service.endpoint("ended") not in found.subscriptions(COMMUNE)
    assert found.count() == before - 1
    assert found.size(COMMUNE) == len(found.subscriptions(COMMUNE)) == 2


def test_a_flood_of_subscriptions_stops_at_the_cap_and_nothing_kept_is_lost(
    portal, service, caps
):
    caps(3, 5)
    session = json_session()
    bodies = [service.subscribe(f"p{n}") for n in range(4)]
    answers = [post(session, portal, COMMUNE, body) for body in bodies]
    assert [a.status_code for a in answers] == [201, 201, 201, 503]
    full = answers[-1]
    assert int(full.headers["Retry-After"]) > 0
    assert "tối đa (3)" in full.json()["message"]
    transaction.begin()
    found = state(portal)
    kept = {b["endpoint"] for b in bodies[:3]}
    assert set(found.subscriptions(COMMUNE)) == kept
    assert found.size(COMMUNE) == 3

    # Renewing a kept subscription is never refused; another unit has room of its own.
    assert post(session, portal, COMMUNE, bodies[0]).status_code == 201
    assert post(session, portal, "19777", bodies[3]).status_code == 201
    # Room is made by leaving.
    gone = session.delete(
        f"{unit_url(portal.absolute_url(), COMMUNE)}/@push-subscriptions",
        json={"endpoint": bodies[0]["endpoint"]},
    )
    assert gone.status_code == 204
    assert post(session, portal, COMMUNE, bodies[3]).status_code == 201
    transaction.begin()
    assert found.size(COMMUNE) == 3 and found.count() == 4

    # The site's cap: 5 in all.
    assert post(session, portal, "18880", service.subscribe("q0")).status_code == 201
    refused = post(session, portal, "18880", service.subscribe("q1"))
    assert refused.status_code == 503
    assert "Trang đã có đủ" in refused.json()["message"]
    transaction.begin()
    assert found.count() == 5 and found.size("18880") == 1


def test_keys_and_bodies_are_bounded_and_kept_in_their_canonical_form(portal, service):
    session = json_session()
    valid = service.subscribe("a")
    p256dh, auth = valid["keys"]["p256dh"], valid["keys"]["auth"]
    cases = [
        # Python's decoder skips characters it does not know: junk between them.
        ({"p256dh": "!".join(p256dh), "auth": auth}, "Khóa"),
        ({"p256dh": p256dh + "A" * 300, "auth": auth}, "Khóa"),
        ({"p256dh": p256dh, "auth": auth + "AAAA"}, "Khóa"),
        ({"p256dh": 5, "auth": auth}, "Khóa"),
    ]
    for keys, words in cases:
        answer = post(session, portal, COMMUNE, {**valid, "keys": keys})
        assert answer.status_code == 400, keys
        assert words in answer.json()["message"]
    too_big = post(session, portal, COMMUNE, {**valid, "note": "x" * 10_000})
    assert too_big.status_code == 400 and "quá lớn" in too_big.json()["message"]
    for endpoint in (
        valid["endpoint"] + "/ữ",  # a request line carries no such character
        valid["endpoint"] + "/a b",
        valid["endpoint"] + "/" + "a" * 1024,
    ):
        answer = post(session, portal, COMMUNE, {**valid, "endpoint": endpoint})
        assert answer.status_code == 400, endpoint
    transaction.begin()
    assert not len(state(portal).subscriptions(COMMUNE))

    # Padded base64url, as some browsers write it: kept without the padding.
    padded = {"p256dh": p256dh + "=", "auth": auth + "=="}
    answer = post(session, portal, COMMUNE, {**valid, "keys": padded})
    assert answer.status_code == 201, answer.text
    transaction.begin()
    [(_endpoint, kept)] = list(state(portal).entries(COMMUNE))
    assert (kept.p256dh, kept.auth) == (p256dh, auth)
    assert len(kept.p256dh) == 87 and len(kept.auth) == 22


def test_sizes_are_counted_for_a_state_made_before_them(portal):
    found = store.WebPush()
    found.subscribe("19786", "https://push.example/a", "K", "A")
    found.sizes = None  # as a state made before the caps
    found.units["19786"]["https://push.example/b"] = ("K", "A", "", False)
    assert found.size("19786") == 2  # counted while not upgraded
    found.count_sizes()
    assert found.size("19786") == 2
    found.unsubscribe("19786", "https://push.example/a")
    assert found.size("19786") == 1
