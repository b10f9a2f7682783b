"""A phone that subscribes while a warning is in force gets it (docs/webpush.md "A late
subscriber"): over HTTP as the citizen app subscribes, through the real outbox consumer and
the real push service on this machine, which checks the VAPID signature and decrypts each
message as a browser does.

The attack on the promise comes first: a warning in force is not missed by a phone that
subscribes during the storm, and nothing that is not for that phone's commune (expired,
retracted, cancelled, another province's, an exercise) reaches it; subscribing again does
not push the same warning twice."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.alerts import chain
from nguon.content.alert import set_expires
from nguon.ledger.record import of_item
from nguon.outbox.storage import outbox
from nguon.outbox.worker import Worker
from nguon.restapi.webpush import services
from nguon.testing import tree_user
from nguon.webpush import consumer
from nguon.webpush import message
from nguon.webpush.store import state
from plone import api
from plone.uuid.interfaces import IUUID
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.rest import json_session
from tests.search.helpers import transition
from tests.webpush.test_push import actions
from tests.webpush.test_push import COMMUNE
from tests.webpush.test_push import settle
from tests.webpush.test_push import subscribe
from tests.webpush.test_services import unit_url

import pytest
import time
import transaction


TIMEOUT = 60.0


@pytest.fixture(autouse=True)
def roomy(monkeypatch):
    """The tests post many subscriptions from 127.0.0.1: the per-address limit is another
    test's subject (test_services.py)."""
    monkeypatch.setattr(
        services, "THROTTLE", services.Limits(((60.0, 10_000),), services.TooMany)
    )


def accepted_by(portal, uid, endpoint):
    return [
        r
        for r in of_item(portal, uid)
        if r[4] == consumer.KIND and r[3] == consumer.device(endpoint)
    ]


def storm(portal):
    """Alerts of every kind about Huế's ward 19786, and one of another province: returns
    ``(in_force, updated, first_of_updated, others)``."""
    in_force = publish(make_alert())
    expired = publish(make_alert(title="Sạt lở đồi Thiên An"))
    retracted = publish(make_alert(title="Cháy rừng Hương Thủy"))
    cancelled = publish(make_alert(title="Dịch sốt xuất huyết"))
    first = publish(make_alert(title="Bão số 9", instruction="Chằng chống nhà cửa."))
    exercise = publish(make_alert(cap_status="Exercise", title="Diễn tập sơ tán"))
    elsewhere = publish(
        make_alert(unit="44", title="Lũ sông Thạch Hãn"),
        approver=tree_user("44", "approvers"),
    )
    settle(portal)
    set_expires(expired, datetime.now(UTC) - timedelta(minutes=1))
    expired.reindexObject()
    transition("46-approvers", "retract", retracted)
    with api.env.adopt_user(username=EDITOR):
        cancel = chain.follow_up(cancelled, "Cancel")
        update = chain.follow_up(first, "Update")
    update.instruction = "Sơ tán khỏi nhà tạm."
    publish(cancel)
    publish(update)
    settle(portal)
    others = [expired, retracted, cancelled, cancel, first, exercise, elsewhere]
    return in_force, update, first, others


def test_a_late_subscriber_gets_the_warnings_in_force_and_nothing_else(portal, service):
    [early] = subscribe(portal, service, COMMUNE, 1)
    in_force, update, first, others = storm(portal)
    assert sorted(actions(service, [early])[early]) == sorted(
        ["new"] * 5 + ["cancel", "cancel", "update"]
    )  # the early phone had them all as they came

    session = json_session()  # anonymous, as the app
    commune = unit_url(portal.absolute_url(), COMMUNE)
    body = service.subscribe("late")
    answer = session.post(f"{commune}/@push-subscriptions", json=body)
    assert answer.status_code == 201, answer.text

    # Not sent inside the request: queued for the consumer, whose round sends it.
    transaction.begin()
    assert service.received("late") == []
    pending = outbox(portal).pending_set(consumer.NAME).uids()
    assert {IUUID(in_force), IUUID(update)} <= set(pending)
    before = datetime.now(UTC)
    settle(portal)
    after = datetime.now(UTC)

    got = {m.payload["alert_uid"]: m for m in service.received("late")}
    assert set(got) == {IUUID(in_force), IUUID(update)}
    assert not {IUUID(item) for item in others} & set(got)
    assert not service.refused
    # The same message the early phone had: payload, Topic, Urgency; the TTL is what is
    # left of the validity now.
    sent_early = {
        m.payload["alert_uid"]: m
        for m in service.received(early)
        if m.payload["action"] != "cancel"
    }
    for uid, late in got.items():
        earlier = sent_early[uid]
        assert late.payload == earlier.payload
        assert late.headers["topic"] == earlier.headers["topic"]
        assert late.headers["urgency"] == "high"
        assert 0 < int(late.headers["ttl"]) <= int(earlier.headers["ttl"])
    assert got[IUUID(update)].payload["action"] == "update"
    assert got[IUUID(update)].payload["uid"] == IUUID(first)  # the chain's tag
    assert got[IUUID(update)].headers["topic"] == message.topic(first)
    # The seconds left when it was sent: between those left before and after the round.
    expires = in_force.expiration_date.asdatetime()
    ttl = int(got[IUUID(in_force)].headers["ttl"])
    assert (expires - after).total_seconds() - 1 <= ttl
    assert ttl <= (expires - before).total_seconds() + 1
    # Every push is a receipt in the ledger.
    for uid in got:
        assert len(accepted_by(portal, uid, body["endpoint"])) == 1

    # Subscribing again (the app's button tapped again): nothing pushed twice.
    assert session.post(f"{commune}/@push-subscriptions", json=body).status_code == 201
    settle(portal)
    # Unsubscribed and subscribed again with the same endpoint: the ledger knows it had them.
    gone = session.delete(
        f"{commune}/@push-subscriptions", json={"endpoint": body["endpoint"]}
    )
    assert gone.status_code == 204
    assert session.post(f"{commune}/@push-subscriptions", json=body).status_code == 201
    settle(portal)
    assert len(service.received("late")) == 2

    # The late phone is among those a retraction cancels.
    transition("46-approvers", "retract", in_force)
    settle(portal)
    last = service.received("late")[-1]
    assert (last.payload["action"], last.payload["alert_uid"]) == (
        "cancel",
        IUUID(in_force),
    )


def test_a_late_push_that_fails_is_tried_again_and_a_quiet_commune_queues_nothing(
    portal, service, monkeypatch
):
    alert = publish(make_alert())
    settle(portal)
    session = json_session()
    taken = service.take
    monkeypatch.setattr(
        service,
        "take",
        lambda name, headers, body: (
            503 if name == "late" else taken(name, headers, body)
        ),
    )
    body = service.subscribe("late")
    commune = unit_url(portal.absolute_url(), COMMUNE)
    assert session.post(f"{commune}/@push-subscriptions", json=body).status_code == 201
    settle(portal)
    found = state(portal)
    assert service.received("late") == []
    assert list(found.retry.values()) == [1]  # tried once, waiting for the next try

    monkeypatch.setattr(service, "take", taken)
    later = datetime.now(UTC).timestamp() + consumer.RETRY_SECONDS + 1
    assert consumer.WebPushConsumer().due(
        portal, datetime.fromtimestamp(later, UTC)
    ) == [IUUID(alert)]
    consumer.push(portal, [IUUID(alert)])
    transaction.commit()
    [got] = service.received("late")
    assert got.payload["alert_uid"] == IUUID(alert)
    assert not found.retry
    assert len(accepted_by(portal, IUUID(alert), body["endpoint"])) == 1

    # Quảng Trị has no alert in force: a phone subscribing there waits for none.
    quiet = unit_url(portal.absolute_url(), "18880")
    other = service.subscribe("quiet")
    assert session.post(f"{quiet}/@push-subscriptions", json=other).status_code == 201
    transaction.begin()
    assert not found.retry
    settle(portal)
    assert service.received("quiet") == []


def test_the_delivery_thread_pushes_to_a_late_subscriber_after_the_request(
    portal, service, tree_functional
):
    alert = publish(make_alert())
    settle(portal)
    worker = Worker(tree_functional["zodbDB"], poll_seconds=0.2, names=("webpush",))
    worker.start()
    try:
        body = service.subscribe("late")
        commune = unit_url(portal.absolute_url(), COMMUNE)
        answer = json_session().post(f"{commune}/@push-subscriptions", json=body)
        assert answer.status_code == 201
        deadline = time.monotonic() + TIMEOUT
        while not service.received("late"):
            if time.monotonic() > deadline:
                pytest.fail(f"no push to the late subscriber within {TIMEOUT:.0f} s")
            time.sleep(0.1)
    finally:
        worker.stop(timeout=TIMEOUT)
    assert not worker.is_alive()
    [got] = service.received("late")
    assert got.payload["alert_uid"] == IUUID(alert)
    transaction.begin()
    assert len(accepted_by(portal, IUUID(alert), body["endpoint"])) == 1
