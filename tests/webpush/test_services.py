"""``GET @push-key`` and ``POST|DELETE <unit>/@push-subscriptions`` over HTTP, as the citizen
app calls them: anonymous JSON without a CSRF token. What an attacker would try first (a
subscription that makes the site call its own network, plain http, forged keys, floods),
then what a phone does."""

from nguon.restapi.webpush import services
from nguon.units.tree import find_unit
from nguon.webpush.store import state
from tests.rest import json_session

import base64
import pytest
import transaction


@pytest.fixture
def site(portal):
    return portal.absolute_url()


def unit_url(site, code):
    transaction.begin()
    return find_unit(code).absolute_url()


def off_curve(p256dh):
    point = bytearray(base64.urlsafe_b64decode(p256dh + "=" * (-len(p256dh) % 4)))
    point[-1] ^= 1
    return base64.urlsafe_b64encode(bytes(point)).rstrip(b"=").decode()


def good_body(service, name):
    return service.subscribe(name)


def test_refused_bodies_and_addresses_say_why_in_vietnamese(portal, site, service):
    commune = unit_url(site, "19786")
    session = json_session()
    valid = good_body(service, "a")
    cases = [
        (None, "PushSubscription"),
        ({"endpoint": 5}, "PushSubscription"),
        ({**valid, "endpoint": valid["endpoint"].replace("https:", "http:")}, "https"),
        ({**valid, "endpoint": "https://10.1.2.3/push/x"}, "nội bộ"),
        ({**valid, "endpoint": "https://" + "a" * 1100 + ".vn/"}, "quá dài"),
        ({**valid, "endpoint": "ftp://127.0.0.1/x"}, "https"),
        ({"endpoint": valid["endpoint"]}, "Khóa"),
        ({**valid, "keys": {"p256dh": "AAAA", "auth": valid["keys"]["auth"]}}, "Khóa"),
        (
            {
                **valid,
                "keys": {
                    "p256dh": off_curve(valid["keys"]["p256dh"]),
                    "auth": valid["keys"]["auth"],
                },
            },
            "Khóa",
        ),  # not on the curve
        (
            {**valid, "keys": {"p256dh": valid["keys"]["p256dh"], "auth": "QUJD"}},
            "Khóa",
        ),
    ]
    for body, words in cases:
        answer = session.post(f"{commune}/@push-subscriptions", json=body)
        assert answer.status_code == 400, (cases.index((body, words)), body)
        assert words in answer.json()["message"], (body, answer.json())
    # Private networks are refused unless the registry allows them.
    from plone import api

    api.portal.set_registry_record("nguon.syndication.allowed_networks", [])
    transaction.commit()
    answer = session.post(f"{commune}/@push-subscriptions", json=valid)
    assert answer.status_code == 400 and "nội bộ" in answer.json()["message"]
    transaction.begin()
    assert not len(state(portal).subscriptions("19786"))


def test_a_flood_from_one_address_is_slowed(portal, site, service, monkeypatch):
    monkeypatch.setattr(
        services, "THROTTLE", services.Limits(((60.0, 3),), services.TooMany)
    )
    commune = unit_url(site, "19786")
    session = json_session()
    answers = [
        session.post(f"{commune}/@push-subscriptions", json=good_body(service, n))
        for n in "abcd"
    ]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert "quá nhiều" in answers[-1].json()["message"]


def test_a_phone_gets_the_key_subscribes_and_unsubscribes(portal, site, service):
    session = json_session()  # anonymous, no CSRF token
    key = session.get(f"{site}/@push-key")
    assert key.status_code == 200
    assert key.json() == {"public_key": state(portal).public_key}
    commune = unit_url(site, "19786")
    body = good_body(service, "phone")
    answer = session.post(f"{commune}/@push-subscriptions", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json() == {"unit": "19786", "endpoint": body["endpoint"]}
    assert answer.headers["Cache-Control"] == "private, no-store"
    again = session.post(f"{commune}/@push-subscriptions", json=body)
    assert again.status_code == 201  # renewed, still one
    transaction.begin()
    found = state(portal)
    kept = dict(found.entries("19786"))[body["endpoint"]]
    assert (kept.p256dh, kept.auth, kept.tests) == (
        body["keys"]["p256dh"],
        body["keys"]["auth"],
        False,
    )
    assert len(found.subscriptions("19786")) == 1 and found.count() >= 1
    assert found.site_url == site

    gone = session.delete(
        f"{commune}/@push-subscriptions", json={"endpoint": body["endpoint"]}
    )
    assert gone.status_code == 204
    assert (
        session.delete(
            f"{commune}/@push-subscriptions", json={"endpoint": body["endpoint"]}
        ).status_code
        == 204
    )
    transaction.begin()
    assert not len(state(portal).subscriptions("19786"))
