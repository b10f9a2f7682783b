"""The broadcast with real parts: emergency items of a tree site published through a real
Mosquitto (tests/messaging.py) to real device subscribers (paho), which check every list
with the site's pinned key before they hold it."""

from DateTime import DateTime
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.alerts import chain
from nguon.devices import broadcast
from nguon.devices import keys
from nguon.devices.interfaces import IBroadcastChannel
from nguon.messaging import topics
from nguon.outbox.worker import drain
from nguon.radio import signing
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone import api
from plone.uuid.interfaces import IUUID
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.e2e.instance import until
from tests.search.helpers import published
from tests.search.helpers import transition
from zope.component import getGlobalSiteManager
from zope.component import queryUtility
from zope.interface import implementer

import pytest
import threading
import transaction


EDITOR, APPROVER = "46-editors", "46-approvers"


@implementer(IBroadcastChannel)
class RadioEntries:
    """A radio channel for the test: the uid and title (the real one adds audio)."""

    def entry(self, item):
        if item.Title().startswith("Hỏng"):
            raise ValueError("a broken recording")
        return {"uid": IUUID(item), "title": item.Title()}


@pytest.fixture
def radio_channel():
    registry = getGlobalSiteManager()
    previous = queryUtility(IBroadcastChannel, "radio")
    registry.registerUtility(RadioEntries(), IBroadcastChannel, "radio")
    yield
    registry.unregisterUtility(provided=IBroadcastChannel, name="radio")
    if previous is not None:
        registry.registerUtility(previous, IBroadcastChannel, "radio")


@pytest.fixture
def site(tree_functional, mosquitto, radio_channel):
    portal = tree_functional["portal"]
    mosquitto.forget_retained()  # what other tests' sites published
    pins = [signing.Pin(keys.public_key(portal))]
    devices = []

    def device(code, tests=False):
        codes = [c for c, _level in lineage(find_unit(code))]
        subscriber = mosquitto.listen(topics.subscriptions(codes, "radio", tests), pins)
        devices.append(subscriber)
        return subscriber

    yield portal, device
    for subscriber in devices:
        subscriber.stop()


def settle(portal):
    transaction.commit()
    results = drain(portal, names=["syndication", "broadcast"])
    transaction.commit()
    assert results["broadcast"].unavailable is None
    return results


def alarm(portal, **fields):
    values = {
        "title": "Lũ quét trên sông Hương",
        "description": "Bà con vùng trũng di dời ngay.",
        "channels": {"radio", "web"},
        "priority": "emergency",
        "category": "disaster",
        "target_scope": "subtree",
        **fields,
    }
    return published(portal["vn"]["46"], "Bulletin", EDITOR, APPROVER, **values)


def uids(device):
    return [item["uid"] for item in device.items()]


def test_an_emergency_reaches_its_area_only_and_a_retraction_clears_it(site):
    portal, device = site
    near, far = device("19786"), device("18880")  # Huế's ward; one of Quảng Trị's
    item = alarm(portal)
    settle(portal)
    uid = IUUID(item)
    assert until(lambda: uids(near) == [uid], timeout=30)
    area = topics.topic("public", "radio", "46", True)
    assert set(near.lists) == {area}
    assert near.lists[area]["items"] == [{"uid": uid, "title": item.Title()}]
    # Only Huế's area was published: nothing for a device of another province.
    assert set(broadcast.state(portal).topics) == {area}
    assert not set(far.topics) & set(broadcast.state(portal).topics)

    # A device that connects later gets the list in force at once (retained).
    latecomer = device("19786")
    assert until(lambda: uids(latecomer) == [uid], timeout=30)

    transition(APPROVER, "retract", item)
    settle(portal)
    assert until(lambda: near.lists[area]["items"] == [], timeout=30)
    assert broadcast.state(portal).items.get(uid) is None
    assert far.lists == {}


def test_every_item_in_force_is_listed_and_an_edit_is_sent_again(site):
    portal, device = site
    near = device("19786")
    first, second = alarm(portal), alarm(portal, title="Sạt lở đèo Hải Vân")
    settle(portal)
    assert until(lambda: sorted(uids(near)) == sorted(map(IUUID, (first, second))))
    area = topics.topic("public", "radio", "46", True)
    before = near.lists[area]["sequence"]
    second.title = "Sạt lở đèo Hải Vân: cấm đường"
    second.reindexObject()
    settle(portal)
    assert until(lambda: near.lists[area]["sequence"] > before, timeout=30)
    assert {i["title"] for i in near.items()} == {
        first.Title(),
        "Sạt lở đèo Hải Vân: cấm đường",
    }


def test_an_expired_item_leaves_the_list_and_lists_in_force_are_refreshed(site):
    portal, device = site
    near = device("19786")
    item = alarm(portal, expiration_date=DateTime() + 1)
    settle(portal)
    assert until(lambda: uids(near) == [IUUID(item)], timeout=30)
    area = topics.topic("public", "radio", "46", True)

    # Nobody touched it for REFRESH_SECONDS: the refresh publishes it again, newer.
    found = broadcast.state(portal)
    found.topics[area].published -= broadcast.REFRESH_SECONDS
    sequence = near.lists[area]["sequence"]
    assert broadcast.refresh(portal) == [area]
    transaction.commit()
    assert until(lambda: near.lists[area]["sequence"] > sequence, timeout=30)
    assert broadcast.refresh(portal) == []  # fresh again

    # Its expiry is a time the consumer is offered the item again.
    after = datetime.now(UTC) + timedelta(days=1, minutes=1)
    assert broadcast.BroadcastConsumer().due(portal, after) == [IUUID(item)]
    assert broadcast.topics_of(item, after) == []
    assert broadcast.listing(portal, area, after) == ([], {})


def test_without_a_broker_the_changes_wait_in_the_outbox(site, monkeypatch):
    portal, device = site
    monkeypatch.setenv("NGUON_MQTT_PORT", "1")  # nothing listens there
    alarm(portal)
    transaction.commit()
    results = drain(portal, names=["broadcast"])
    transaction.commit()
    assert "Mosquitto" in results["broadcast"].unavailable
    monkeypatch.undo()
    near = device("19786")
    settle(portal)  # the broker is back: what waited goes out
    assert until(lambda: len(near.items()) == 1, timeout=30)


def test_an_update_replaces_a_cancel_clears_and_an_exercise_reaches_test_devices_only(
    site,
):
    portal, device = site
    public, tester = device("19786"), device("19786", tests=True)
    exercise = publish(make_alert(cap_status="Exercise", title="Diễn tập sơ tán"))
    alert = publish(make_alert())
    settle(portal)
    both = {IUUID(alert), IUUID(exercise)}
    assert until(lambda: set(uids(tester)) == both, timeout=30)
    assert until(lambda: uids(public) == [IUUID(alert)], timeout=30)
    exercise_topic = topics.topic("test", "radio", "46", True)
    listed = broadcast.state(portal).items[IUUID(exercise)]
    assert exercise_topic in listed  # and the boards' one, when boards are registered
    assert {topics.parse(name).audience for name in listed} == {"test"}
    assert exercise_topic not in public.topics

    with api.env.adopt_user(username=EDITOR):
        update = chain.follow_up(alert, "Update")
    update.instruction = "Sơ tán ngay khỏi vùng trũng."
    publish(update)  # the alert it updates is retracted
    settle(portal)
    assert until(lambda: uids(public) == [IUUID(update)], timeout=30)

    with api.env.adopt_user(username=EDITOR):
        cancel = chain.follow_up(update, "Cancel")
    publish(cancel)  # a Cancel is on the web only: the devices' lists are emptied
    settle(portal)
    area = topics.topic("public", "radio", "46", True)
    assert until(lambda: public.lists[area]["items"] == [], timeout=30)
    assert uids(tester) == [IUUID(exercise)]


def test_one_refresh_thread_of_two_processes_refreshes_under_the_lease(site):
    portal, device = site
    near = device("19786")
    alarm(portal)
    settle(portal)
    area = topics.topic("public", "radio", "46", True)
    assert until(lambda: area in near.lists, timeout=30)
    db = portal._p_jar.db()
    first, second = broadcast.Refresher(db), broadcast.Refresher(db)

    def round_of(thread):
        worker = threading.Thread(target=thread.run_round)
        worker.start()
        worker.join(60)

    def age(topic):
        broadcast.state(portal).topics[topic].published -= broadcast.REFRESH_SECONDS
        transaction.commit()

    age(area)
    sequence = near.lists[area]["sequence"]
    round_of(first)
    assert until(lambda: near.lists[area]["sequence"] > sequence, timeout=30)
    transaction.begin()
    assert broadcast.state(portal).lease.held_by(first.holder)

    age(area)
    sequence = near.lists[area]["sequence"]
    round_of(second)  # the lease is the first's: nothing is published
    transaction.begin()
    assert broadcast.state(portal).topics[area].published < (
        datetime.now(UTC).timestamp() - broadcast.REFRESH_SECONDS + 60
    )
    round_of(first)
    assert until(lambda: near.lists[area]["sequence"] > sequence, timeout=30)


def test_an_item_whose_entry_fails_leaves_the_list_the_others_go_out(site):
    portal, device = site
    near = device("19786")
    good, broken = alarm(portal), alarm(portal, title="Hỏng: bản ghi âm lỗi")
    settle(portal)
    assert until(lambda: uids(near) == [IUUID(good)], timeout=30)
    due = datetime.now(UTC) + timedelta(seconds=broadcast.RETRY_SECONDS + 1)
    assert IUUID(broken) in broadcast.BroadcastConsumer().due(portal, due)
