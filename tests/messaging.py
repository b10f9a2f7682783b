"""A real Mosquitto for the tests (the broker ``nguon-start`` runs, on free ports).

``MosquittoNode`` writes the same files as ``nguon-start`` (``nguon.instance.mosquitto``)
into a folder of its own and runs Mosquitto on free MQTT and WebSockets ports; ``environ``
is what a process needs to publish through it (the site's broadcast is active while these
variables are set). The session fixture ``mosquitto`` (tests/conftest.py) runs one for the
whole session and sets them; ``listen`` starts a real device subscriber on it.
"""

from nguon.instance.mosquitto import BundledMosquitto
from nguon.messaging.publisher import Publisher
from nguon.messaging.settings import Broker
from nguon.messaging.subscriber import Subscriber
from pathlib import Path
from tests.e2e.instance import free_port

import paho.mqtt.client as mqtt
import time


class MosquittoNode:
    def __init__(self, folder):
        self.folder = Path(folder)
        self.broker = Broker(
            host="127.0.0.1",
            port=free_port(),
            ws_port=free_port(),
            credentials=self.folder / "publisher.json",
        )
        self.bundled = BundledMosquitto(
            self.broker, self.folder, self.folder / "mosquitto.log"
        )

    def start(self):
        self.bundled.start()
        return self

    def stop(self):
        self.bundled.stop()

    @property
    def environ(self):
        return {
            "NGUON_MQTT_HOST": self.broker.host,
            "NGUON_MQTT_PORT": str(self.broker.port),
            "NGUON_MQTT_WS_PORT": str(self.broker.ws_port),
            "NGUON_MQTT_CREDENTIALS": str(self.broker.credentials),
        }

    def forget_retained(self, settle=1.0):
        """Clear every retained list on the broker (an empty retained message clears one),
        so that a test sees only what it publishes: the broker lives for the whole session,
        and every site whose outbox drains the broadcast while it runs publishes to it."""
        retained = set()
        client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2)
        client.on_message = lambda _c, _u, message: (
            retained.add(message.topic) if message.retain and message.payload else None
        )
        client.connect(self.broker.host, self.broker.port)
        client.subscribe("nguon/#")
        client.loop_start()
        time.sleep(settle)  # retained messages come at once after the subscription
        client.loop_stop()
        client.disconnect()
        if retained:
            publisher = Publisher(self.broker)
            publisher.publish([(topic, b"") for topic in sorted(retained)])
            publisher.close()
        return retained

    def listen(self, topics, pins, transport="tcp", **options):
        """A device's subscriber on ``topics``, connected (check ``until`` its lists)."""
        port = self.broker.ws_port if transport == "websockets" else self.broker.port
        return Subscriber(
            self.broker.host, port, topics, pins, transport=transport, **options
        ).start()
