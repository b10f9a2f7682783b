"""Alerts pushed to phones through a real push service that checks the VAPID signature and
decrypts every message as a browser does (RFC 8030, 8291, 8292; docs/webpush.md)."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.alerts import chain
from nguon.content.alert import set_expires
from nguon.ledger.record import of_item
from nguon.outbox.worker import drain
from nguon.webpush import consumer
from nguon.webpush import message
from nguon.webpush.store import state
from plone import api
from plone.uuid.interfaces import IUUID
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.search.helpers import transition

import transaction


COMMUNE, OTHER = "19786", "18880"  # a ward of Huế (46); a commune of Quảng Trị (44)


def subscribe(portal, service, unit, count, prefix=None, tests=False):
    found = state(portal)
    names = []
    for number in range(count):
        name = f"{prefix or unit}-{number}"
        body = service.subscribe(name)
        found.subscribe(
            unit, body["endpoint"], body["keys"]["p256dh"], body["keys"]["auth"], tests
        )
        names.append(name)
    transaction.commit()
    return names


def settle(portal):
    transaction.commit()
    results = drain(portal, names=["webpush"])
    transaction.commit()
    assert results["webpush"].unavailable is None
    return results


def actions(service, names):
    return {
        name: [m.payload["action"] for m in service.received(name)] for name in names
    }


def test_an_alert_reaches_every_phone_of_its_area_an_update_replaces_a_cancel_follows(
    portal, service
):
    near = subscribe(portal, service, COMMUNE, 1000)
    far = subscribe(portal, service, OTHER, 20)
    before = datetime.now(UTC)
    alert = publish(make_alert())
    settle(portal)
    after = datetime.now(UTC)

    got = service.received()
    assert not service.refused
    assert sorted(m.name for m in got) == sorted(near)  # none of Quảng Trị's
    topic = message.topic(alert)
    expires = alert.expiration_date.asdatetime()
    for m in got:
        assert m.payload == {
            "kind": "alert",
            "action": "new",
            "uid": IUUID(alert),
            "alert_uid": IUUID(alert),
            "identifier": alert.identifier,
            "title": "Lũ quét trên sông Hương",
            "body": "Di chuyển lên chỗ cao ngay.",
            "severity": "Extreme",
            "unit": COMMUNE,
            "url": alert.absolute_url(),
            "expires": expires.astimezone(UTC).isoformat(),
        }
        assert m.headers["urgency"] == "high"
        assert m.headers["topic"] == topic and len(topic) <= 32
        # The seconds left when it was sent: between those left before and after the round.
        ttl = int(m.headers["ttl"])
        assert (expires - after).total_seconds() - 1 <= ttl
        assert ttl <= (expires - before).total_seconds() + 1
    records = [r for r in of_item(portal, IUUID(alert)) if r[4] == consumer.KIND]
    assert len(records) == 1000
    assert {r[0] for r in records} == {COMMUNE}
    assert len({r[3] for r in records}) == 1000  # one device per subscription

    # Nothing new: a second delivery of the same alert pushes nothing again.
    alert.reindexObject()
    settle(portal)
    assert len(service.received()) == 1000

    with api.env.adopt_user(username=EDITOR):
        update = chain.follow_up(alert, "Update")
    update.instruction = "Sơ tán ngay khỏi vùng trũng."
    publish(
        update
    )  # the alert it updates is retracted: no cancel for it, the update replaces it
    settle(portal)
    with api.env.adopt_user(username=EDITOR):
        cancel = chain.follow_up(update, "Cancel")
    publish(cancel)
    settle(portal)

    assert actions(service, near) == {
        name: ["new", "update", "cancel"] for name in near
    }
    assert actions(service, far) == {name: [] for name in far}
    for name in near[:50]:
        new, updated, cancelled = service.received(name)
        assert updated.payload["body"] == "Sơ tán ngay khỏi vùng trũng."
        assert updated.payload["alert_uid"] == IUUID(update)
        assert cancelled.payload["alert_uid"] == IUUID(cancel)
        # One warning: the same Topic and tag, so the phone and the push service replace it.
        assert {m.headers["topic"] for m in (new, updated, cancelled)} == {topic}
        assert {m.payload["uid"] for m in (new, updated, cancelled)} == {IUUID(alert)}
        assert list(service.waiting[name].values()) == [cancelled]


def test_a_gone_subscription_is_pruned_and_a_failing_one_is_tried_again(
    portal, service, monkeypatch
):
    names = subscribe(portal, service, COMMUNE, 4)
    service.gone.add(names[0])
    broken = names[1]
    taken = service.take

    def failing(name, headers, body):
        return 503 if name == broken else taken(name, headers, body)

    monkeypatch.setattr(service, "take", failing)
    alert = publish(make_alert())
    settle(portal)

    found = state(portal)
    assert sorted(m.name for m in service.received()) == sorted(names[2:])
    assert service.endpoint(names[0]) not in found.subscriptions(COMMUNE)
    assert len(found.subscriptions(COMMUNE)) == 3
    assert list(found.retry.values()) == [1]
    assert len([r for r in of_item(portal, IUUID(alert)) if r[4] == consumer.KIND]) == 2

    # Later the outbox offers the alert again: only the failed push goes out.
    monkeypatch.setattr(service, "take", taken)
    later = datetime.now(UTC).timestamp() + consumer.RETRY_SECONDS + 1
    assert consumer.WebPushConsumer().due(
        portal, datetime.fromtimestamp(later, UTC)
    ) == [IUUID(alert)]
    consumer.push(portal, [IUUID(alert)])
    transaction.commit()
    assert sorted(m.name for m in service.received()) == sorted(names[1:])
    assert not found.retry


def test_a_retraction_cancels_and_tests_reach_only_phones_marked_for_tests(
    portal, service
):
    public = subscribe(portal, service, COMMUNE, 3)
    testers = subscribe(portal, service, COMMUNE, 2, prefix="tester", tests=True)
    exercise = publish(make_alert(cap_status="Exercise", title="Diễn tập sơ tán"))
    alert = publish(make_alert())
    settle(portal)
    assert actions(service, public) == {name: ["new"] for name in public}
    assert {
        name: sorted(m.payload["title"] for m in service.received(name))
        for name in testers
    } == {name: ["Diễn tập sơ tán", "Lũ quét trên sông Hương"] for name in testers}

    # An alert that expires is not cancelled: its TTL ended it at the push service.
    expired = publish(make_alert(title="Sạt lở đồi Thiên An"))
    settle(portal)
    set_expires(expired, datetime.now(UTC) - timedelta(minutes=1))
    expired.reindexObject()
    settle(portal)
    assert actions(service, public[:1]) == {public[0]: ["new", "new"]}

    transition("46-approvers", "retract", alert)
    settle(portal)
    assert actions(service, public) == {
        name: ["new", "new", "cancel"] for name in public
    }
    last = service.received(public[0])[-1]
    assert last.payload["alert_uid"] == IUUID(alert)
    assert last.headers["topic"] == message.topic(alert)
    assert IUUID(exercise) not in {
        m.payload["uid"] for name in public for m in service.received(name)
    }
