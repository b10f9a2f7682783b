"""The messaging engine itself, with a real Mosquitto (tests/messaging.py): the site's
publisher writes retained, acknowledged lists; devices only read, over MQTT or WebSockets,
and get the retained list when they connect, at any time."""

from nguon.instance.mosquitto import BundledMosquitto
from nguon.instance.settings import ConfigurationError
from nguon.messaging import envelope
from nguon.messaging import topics
from nguon.messaging.publisher import BrokerUnavailable
from nguon.messaging.publisher import Publisher
from nguon.messaging.publisher import PublishRefused
from nguon.messaging.settings import Broker
from nguon.radio import signing
from paho.mqtt.client import CallbackAPIVersion
from paho.mqtt.client import Client
from paho.mqtt.enums import MQTTProtocolVersion
from tests.e2e.instance import free_port
from tests.e2e.instance import until
from tests.messaging import MosquittoNode

import json
import pytest
import threading


KEY = signing.new_private_key()
PIN = signing.Pin(signing.public_key(KEY))


def _list(topic, items, sequence):
    doc = envelope.document(topic, items, sequence)
    return envelope.encode(envelope.sign(doc, [KEY]))


def _publish(broker, topic, payload):
    publisher = Publisher(broker)
    try:
        publisher.publish([(topic, payload)])
    finally:
        publisher.close()


def _topic(code, channel="radio"):
    return topics.topic("public", channel, code, True)


# -- attacks first --------------------------------------------------------------------


def test_an_anonymous_client_cannot_write_a_list(mosquitto):
    topic = _topic("T-anon")
    intruder = Client(CallbackAPIVersion.VERSION2, protocol=MQTTProtocolVersion.MQTTv5)
    refused = threading.Event()
    intruder.on_publish = lambda c, u, mid, code, p: code.is_failure and refused.set()
    intruder.connect(mosquitto.broker.host, mosquitto.broker.port)
    intruder.loop_start()
    try:
        info = intruder.publish(topic, b'{"forged": true}', qos=1, retain=True)
        info.wait_for_publish(10)
        assert refused.wait(10)
    finally:
        intruder.disconnect()
        intruder.loop_stop()
    device = mosquitto.listen([topic], [PIN])
    try:
        # Nothing retained on the topic: a later list is the first the device sees.
        _publish(mosquitto.broker, topic, _list(topic, [], 1))
        assert until(lambda: topic in device.lists, timeout=10)
        assert device.lists[topic]["items"] == []
    finally:
        device.stop()


def test_a_wrong_password_is_refused(mosquitto, tmp_path):
    credentials = tmp_path / "publisher.json"
    credentials.write_text(json.dumps({"username": "nguon-site", "password": "đoán"}))
    broker = Broker(
        mosquitto.broker.host, mosquitto.broker.port, 1, credentials=credentials
    )
    with pytest.raises(PublishRefused, match="từ chối tài khoản"):
        Publisher(broker, timeout=5).publish([(_topic("T-pw"), b"{}")])


def test_an_unreachable_broker_is_a_clear_error_to_retry_on(tmp_path, mosquitto):
    broker = Broker(
        "127.0.0.1", free_port(), 1, credentials=mosquitto.broker.credentials
    )
    with pytest.raises(BrokerUnavailable, match="không kết nối được Mosquitto"):
        Publisher(broker, timeout=2).publish([(_topic("T-down"), b"{}")])


# -- what works -----------------------------------------------------------------------


def test_a_list_reaches_devices_over_mqtt_and_websockets_and_later_ones_too(
    mosquitto,
):
    topic = _topic("T-live", "board")
    publisher = Publisher(mosquitto.broker)
    kiosk = mosquitto.listen([topic], [PIN], transport="websockets")
    try:
        item = {"uid": "u1", "headline": "Lũ quét"}
        publisher.publish([(topic, _list(topic, [item], 10))])
        assert until(lambda: kiosk.items() == [item], timeout=10)
        latecomer = mosquitto.listen([topic], [PIN])
        try:
            assert until(lambda: latecomer.items() == [item], timeout=10)
            publisher.publish([(topic, _list(topic, [], 11))])
            assert until(lambda: latecomer.items() == [] and kiosk.items() == [])
        finally:
            latecomer.stop()
    finally:
        kiosk.stop()
        publisher.close()


def test_starting_again_uses_the_running_broker_and_refuses_another_sites(tmp_path):
    node = MosquittoNode(tmp_path / "site").start()
    try:
        login = node.broker.login()
        again = BundledMosquitto(node.broker, node.folder, tmp_path / "again.log")
        assert again.start() is False  # the running one answers the site's login
        assert node.broker.login() == login  # the password is made once and kept
        stranger = Broker(
            node.broker.host,
            node.broker.port,
            node.broker.ws_port,
            credentials=tmp_path / "other" / "publisher.json",
        )
        other = BundledMosquitto(stranger, tmp_path / "other", tmp_path / "other.log")
        with pytest.raises(ConfigurationError, match="không phải Mosquitto của site"):
            other.start()
    finally:
        node.stop()


def test_a_device_reconnects_by_itself_and_retained_lists_survive_a_restart(tmp_path):
    node = MosquittoNode(tmp_path / "site").start()
    topic = _topic("T-restart")
    device = node.listen([topic], [PIN], min_delay=1, max_delay=2)
    try:
        item = {"uid": "u2", "title": "Bão"}
        _publish(node.broker, topic, _list(topic, [item], 20))
        assert until(lambda: device.items() == [item], timeout=10)
        node.stop()
        node.start()  # the same files, ports and data folder
        later = node.listen([topic], [PIN])  # the retained list was kept on disk
        assert until(lambda: later.items() == [item], timeout=10)
        later.stop()
        _publish(node.broker, topic, _list(topic, [], 21))
        assert until(lambda: device.items() == [], timeout=30)  # it came back by itself
    finally:
        device.stop()
        node.stop()
