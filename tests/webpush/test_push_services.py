"""Endpoints only on the browsers' push services (docs/webpush.md "Known push services",
docs/security.md "Web Push"): without it, anyone could make the site send a POST per
alert to a public https address of their choosing. Each attack first, then its refusal in
Vietnamese with nothing kept; then the site's own push service on an allowed network and a
kept endpoint no longer on the list, skipped by the consumer and kept.

The names resolve through a stand-in for DNS (``names``): the attacker's look-alikes to a
public address, as their own DNS would answer, so that only the host name decides."""

from nguon.restapi.webpush import services
from nguon.webpush import subscriptions
from nguon.webpush.store import state
from plone import api
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.rest import json_session
from tests.webpush.test_push import COMMUNE
from tests.webpush.test_push import settle
from tests.webpush.test_services import unit_url

import logging
import pytest
import socket
import transaction


PUBLIC = "93.184.215.14"  # a public address (nothing here connects to it)
FCM = "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bHun4MxP5egoKMwt2KZFBaFUH"


@pytest.fixture(autouse=True)
def roomy(monkeypatch):
    """Many posts from 127.0.0.1: the per-address limit is test_services.py's subject."""
    monkeypatch.setattr(
        services, "THROTTLE", services.Limits(((60.0, 10_000),), services.TooMany)
    )


@pytest.fixture
def names(monkeypatch):
    """Names that resolve to ``PUBLIC`` without the network; the names asked for."""
    real = socket.getaddrinfo
    asked = []

    def getaddrinfo(host, port, *args, **kwargs):
        name = host.rstrip(".").lower() if isinstance(host, str) else ""
        if name == "evil.example" or name.endswith(
            (".googleapis.com", ".evil.example", ".apple.com", ".windows.com")
        ):
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port or 443))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def post(session, portal, body):
    return session.post(
        f"{unit_url(portal.absolute_url(), COMMUNE)}/@push-subscriptions", json=body
    )


def test_the_known_push_services_are_in_the_registry(portal):
    assert tuple(api.portal.get_registry_record(subscriptions.PUSH_SERVICES)) == (
        subscriptions.DEFAULT_PUSH_SERVICES
    )
    assert subscriptions.DEFAULT_PUSH_SERVICES == (
        "fcm.googleapis.com",
        "android.googleapis.com",
        "updates.push.services.mozilla.com",
        "*.push.apple.com",
        "*.notify.windows.com",
    )


def test_a_host_matches_a_name_exactly_or_a_star_entry_below_its_domain():
    listed = subscriptions.DEFAULT_PUSH_SERVICES

    def on(url):
        return subscriptions.listed(subscriptions.host_of(url), listed)

    for url in (
        FCM,
        "https://android.googleapis.com/gcm/send/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH6b",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://FCM.GoogleAPIs.com/fcm/send/x",  # host names have no case
        "https://fcm.googleapis.com./fcm/send/x",  # the same name, fully qualified
        "https://fcm.googleapis.com:443/fcm/send/x",
    ):
        assert on(url), url
    for url in (
        "https://fcm.googleapis.com.evil.example/fcm/send/x",
        "https://evilfcm.googleapis.com/fcm/send/x",
        "https://googleapis.com/fcm/send/x",
        "https://push.apple.com/x",  # "*." is below the domain, not the domain
        "https://evilpush.apple.com/x",
        "https://notify.windows.com/w/",
        "https://evil.example/fcm.googleapis.com/",
        "https://fcm.googleapis.com@evil.example/x",  # user "fcm.googleapis.com"
        "https://fcm.googleapis.com../x",
        "https://[::1/x",  # not a URL
        "https:///x",
    ):
        assert not on(url), url
    assert not subscriptions.listed("fcm.googleapis.com", ("", " ", "*.", None))


def test_an_endpoint_on_no_known_push_service_is_refused_in_vietnamese(
    portal, service, names
):
    session = json_session()
    valid = service.subscribe("a")
    for endpoint in (
        "https://hook.evil.example/collect",  # a public address of the caller's choosing
        f"https://{PUBLIC}/collect",
        "https://fcm.googleapis.com.evil.example/fcm/send/x",
        "https://evilfcm.googleapis.com/fcm/send/x",
        "https://evilpush.apple.com/x",
        "https://push.apple.com/x",
        "https://FCM.GoogleAPIs.com.Evil.Example./fcm/send/x",
        "https://nowhere.invalid/x",  # no name at all: still not a push service
    ):
        answer = post(session, portal, {**valid, "endpoint": endpoint})
        assert answer.status_code == 400, (endpoint, answer.text)
        message = answer.json()["message"]
        assert "không thuộc dịch vụ thông báo đẩy nào đã biết" in message, message
    # Credentials before a known host's name: refused, never pushed to.
    for endpoint in (
        "https://fcm.googleapis.com@evil.example/x",
        "https://evil.example\\@fcm.googleapis.com/x",
    ):
        answer = post(session, portal, {**valid, "endpoint": endpoint})
        assert answer.status_code == 400, (endpoint, answer.text)
    transaction.begin()
    assert not len(state(portal).subscriptions(COMMUNE))


def test_the_browsers_push_services_are_accepted_any_case_and_fully_qualified(
    portal, service, names
):
    session = json_session()
    valid = service.subscribe("a")
    accepted = [
        FCM,
        "https://FCM.GoogleAPIs.com./fcm/send/upper",
        "https://web.push.apple.com/QGuQyavXutnMH6b",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
    ]
    for endpoint in accepted:
        answer = post(session, portal, {**valid, "endpoint": endpoint})
        assert answer.status_code == 201, (endpoint, answer.text)
    transaction.begin()
    assert set(state(portal).subscriptions(COMMUNE)) == set(accepted)


def test_a_known_host_must_still_be_an_address_the_site_may_call(portal, service):
    """A listed name that resolves into the site's own network (DNS of a hostile
    resolver): refused as before, unless that network is allowed."""
    session = json_session()
    valid = service.subscribe("a")
    api.portal.set_registry_record(subscriptions.PUSH_SERVICES, ["localhost"])
    api.portal.set_registry_record("nguon.syndication.allowed_networks", [])
    transaction.commit()
    try:
        answer = post(session, portal, {**valid, "endpoint": "https://localhost/x"})
        assert answer.status_code == 400 and "nội bộ" in answer.json()["message"]
    finally:
        api.portal.set_registry_record(
            subscriptions.PUSH_SERVICES, list(subscriptions.DEFAULT_PUSH_SERVICES)
        )
        transaction.commit()
    transaction.begin()
    assert not len(state(portal).subscriptions(COMMUNE))


def test_a_push_service_on_an_allowed_network_is_accepted_and_pushed_to(
    portal, service
):
    """The local push service (127.0.0.1, allowed by the test site) is on no list: the
    allowed networks let it in, as they let a province's own push service in."""
    session = json_session()
    answer = post(session, portal, service.subscribe("phone"))
    assert answer.status_code == 201, answer.text
    publish(make_alert())
    settle(portal)
    assert [m.name for m in service.received()] == ["phone"]


def test_a_kept_endpoint_no_longer_on_a_known_service_is_skipped_and_kept(
    portal, service, names, caplog
):
    found = state(portal)
    body = service.subscribe("phone")
    found.subscribe(
        COMMUNE, body["endpoint"], body["keys"]["p256dh"], body["keys"]["auth"]
    )
    # Kept before the list existed (any public https address was accepted then).
    old = "https://hook.evil.example/collect"
    found.subscribe(COMMUNE, old, body["keys"]["p256dh"], body["keys"]["auth"])
    transaction.commit()
    with caplog.at_level(logging.WARNING, logger="nguon.webpush"):
        publish(make_alert())
        settle(portal)
    assert [m.name for m in service.received()] == ["phone"]
    transaction.begin()
    found = state(portal)
    assert old in found.subscriptions(COMMUNE)  # skipped, not pruned
    assert not [key for key in found.retry if key[2] == old]  # nothing was tried
    assert "not on a known push service" in caplog.text
