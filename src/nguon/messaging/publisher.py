"""The site's publisher: retained, QoS 1, each message acknowledged by the broker.

One ``Publisher`` per process is shared by its threads (``publish`` holds a lock). It
connects on first use as the site's publisher user (``settings.Broker.login``), keeps the
connection, and makes a new one when it was lost. ``publish`` returns only once the broker
has acknowledged every message (PUBACK): what the outbox takes as delivered is on the broker,
retained for every device that connects later. When the broker cannot be reached, or does
not acknowledge in time, ``BrokerUnavailable`` says so and the caller offers the same change
again later; a broker that refuses the site's login or a topic raises ``PublishRefused``
(retrying would not help before an operator fixes it).
"""

from nguon.messaging.settings import SettingsError
from paho.mqtt.client import CallbackAPIVersion
from paho.mqtt.client import Client
from paho.mqtt.client import MQTT_ERR_SUCCESS
from paho.mqtt.enums import MQTTProtocolVersion

import threading
import uuid


class BrokerUnavailable(Exception):
    """The broker is down or did not answer in time."""


class PublishRefused(Exception):
    """The broker refused the site's login or one of its messages."""


class Publisher:
    def __init__(self, broker, timeout=10.0):
        self.broker = broker
        self.timeout = timeout
        self._lock = threading.Lock()
        self._client = None
        self._refusals = {}  # mid -> reason code of a PUBACK that refused

    def publish(self, messages):
        """Publish ``messages`` (``(topic, payload bytes)`` pairs), retained at QoS 1, and
        wait until the broker acknowledged them all."""
        with self._lock:
            client = self._connected()
            sent = []
            for topic, payload in messages:
                info = client.publish(topic, payload, qos=1, retain=True)
                if info.rc != MQTT_ERR_SUCCESS:
                    self._drop()
                    raise BrokerUnavailable(
                        f"Mosquitto tại {self.broker.address} không nhận tin (mã {info.rc})"
                    )
                sent.append((topic, info))
            for topic, info in sent:
                try:
                    info.wait_for_publish(self.timeout)
                except (RuntimeError, ValueError) as error:
                    self._drop()
                    raise BrokerUnavailable(
                        f"mất kết nối tới Mosquitto tại {self.broker.address}: {error}"
                    ) from error
                if not info.is_published():
                    self._drop()
                    raise BrokerUnavailable(
                        f"Mosquitto tại {self.broker.address} không xác nhận tin trong "
                        f"{self.timeout:g} giây"
                    )
                refused = self._refusals.pop(info.mid, None)
                if refused is not None:
                    raise PublishRefused(
                        f"Mosquitto từ chối tin của site trên {topic}: {refused}"
                    )

    def connect(self):
        """Connect now rather than at the first ``publish`` (to check the broker and the
        login); raises like ``publish``."""
        with self._lock:
            self._connected()

    def close(self):
        with self._lock:
            self._drop()

    def _connected(self):
        if self._client is not None and self._client.is_connected():
            return self._client
        self._drop()
        self._client = self._connect()
        return self._client

    def _connect(self):
        try:
            username, password = self.broker.login()
        except SettingsError as error:
            raise BrokerUnavailable(str(error)) from error
        client = Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"nguon-site-{uuid.uuid4().hex[:12]}",
            protocol=MQTTProtocolVersion.MQTTv5,
            reconnect_on_failure=False,
        )
        client.username_pw_set(username, password)
        answered = threading.Event()
        outcome = {}

        def on_connect(_client, _userdata, _flags, reason_code, _properties):
            outcome["reason"] = reason_code
            answered.set()

        def on_publish(_client, _userdata, mid, reason_code, _properties):
            if reason_code.is_failure:
                self._refusals[mid] = str(reason_code)

        client.on_connect = on_connect
        client.on_publish = on_publish
        try:
            client.connect(self.broker.host, self.broker.port, keepalive=60)
        except OSError as error:
            raise BrokerUnavailable(
                f"không kết nối được Mosquitto tại {self.broker.address}: {error}"
            ) from error
        client.loop_start()
        if not answered.wait(self.timeout):
            _stop(client)
            raise BrokerUnavailable(
                f"Mosquitto tại {self.broker.address} không trả lời trong "
                f"{self.timeout:g} giây"
            )
        if outcome["reason"].is_failure:
            _stop(client)
            raise PublishRefused(
                f"Mosquitto tại {self.broker.address} từ chối tài khoản {username}: "
                f"{outcome['reason']}"
            )
        return client

    def _drop(self):
        if self._client is not None:
            _stop(self._client)
            self._client = None
        self._refusals.clear()


def _stop(client):
    client.disconnect()
    client.loop_stop()
