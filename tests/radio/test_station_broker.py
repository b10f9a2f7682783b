"""A station agent on a real Mosquitto (tests/messaging.py): it fetches its signed schedule
from the site, subscribes to its unit's topics, and airs an alert the site published through
``nguon.devices.broadcast`` (its audio fetched from the site and checked), reports that it
received it (a receipt in the ledger), and cuts it when an Update replaces it and airs the
Update. The player is a fake one (Liquidsoap and Icecast are the end-to-end test's)."""

from nguon.alerts import chain
from nguon.devices import credentials
from nguon.devices import keys
from nguon.ledger.record import of_item
from nguon.outbox.worker import drain
from nguon.radio import signing
from nguon.station.agent import Agent
from nguon.station.cache import Cache
from plone import api
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.e2e.instance import until

import pytest
import transaction


class Player:
    def __init__(self):
        self.interrupts, self.commands, self.on_track = [], [], None

    def queue(self, path):
        pass

    def interrupt(self, path):
        self.interrupts.append(str(path))

    def command(self, text):
        self.commands.append(text)


@pytest.fixture
def station(tree_functional, mosquitto, tmp_path):
    portal = tree_functional["portal"]
    with api.env.adopt_roles(["Manager"]):
        found = api.content.create(
            container=portal["vn"]["46"]["19786"],
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
        )
    token = credentials.issue(found)
    transaction.commit()
    agent = Agent(
        portal.absolute_url(),
        token,
        [signing.Pin(keys.public_key(portal))],
        Cache(tmp_path),
        Player(),
        broker=(mosquitto.broker.host, mosquitto.broker.port),
    )
    yield portal, agent
    agent.stop()


def settle(portal):
    transaction.commit()
    for name in ("syndication", "radio-audio", "broadcast"):
        result = drain(portal, names=[name])[name]
        assert result.unavailable is None, result.unavailable
    transaction.commit()


def held(agent):
    return [item["uid"] for item in agent.in_force.items(_now())]


def _now():
    from datetime import datetime
    from datetime import UTC

    return datetime.now(UTC)


def test_an_agent_on_the_broker_airs_a_published_alert_and_its_update(station):
    portal, agent = station
    assert agent.fetch_schedule()  # the signed schedule names its unit's lineage
    assert until(agent.broker_connected, 30)
    assert agent._events_interval() == agent.fallback_interval  # polling falls back
    alert = publish(make_alert(repeat_times=2, repeat_minutes=5))
    settle(portal)
    assert until(lambda: held(agent) == [alert.UID()], 30)
    assert agent.air_emergencies() == [alert.UID()]
    assert agent.player.interrupts[0].endswith(".mp3")
    agent.track_started(agent.player.interrupts[0], _now().timestamp())
    # The receipt reaches the site's ledger with the next as-run report.
    assert agent.report() >= 2
    transaction.begin()
    kinds = {row[4] for row in of_item(portal, alert.UID())}
    assert {"radio-received", "radio-started"} <= kinds

    # An Update replaces the alert: the one on air is cut, the Update airs.
    with api.env.adopt_user(username=EDITOR):
        update = chain.follow_up(alert, "Update")
    update.instruction = "Sơ tán ngay khỏi vùng trũng."
    publish(update)
    settle(portal)
    assert until(lambda: held(agent) == [update.UID()], 30)
    assert until(lambda: "urgent.skip" in agent.player.commands, 30)
    assert agent.air_emergencies() == [update.UID()]
