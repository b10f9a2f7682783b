"""A device's side of the broadcast: subscribe to the topics of its unit, keep what it may use.

``Subscriber`` connects anonymously (devices only read), subscribes to ``topics`` at every
(re)connect with a clean start, so the broker sends it the retained list of every topic at
once: a device that was offline gets the alerts still in force as soon as it is back. Paho's
network thread reconnects by itself, waiting ``min_delay`` seconds and doubling up to
``max_delay`` between tries. Each message is checked (``envelope.accept``: pinned key, this
very topic, newer than the last list of the topic, within its validity); an accepted list is
kept and handed to ``on_list(topic, doc)``, a refused one to ``on_refused(topic, reason)``.

A list holds only until its ``valid_until``: ``in_force`` leaves out the lists nobody
refreshed, so a device that lost the broker stops showing what it cannot confirm (and goes
on with its polling fallback).
"""

from datetime import datetime
from datetime import UTC
from nguon.messaging import envelope
from paho.mqtt.client import CallbackAPIVersion
from paho.mqtt.client import Client
from paho.mqtt.enums import MQTTProtocolVersion

import logging
import threading
import uuid


logger = logging.getLogger("nguon.messaging")


class Subscriber:
    def __init__(
        self,
        host,
        port,
        topics,
        pins,
        on_list=None,
        on_refused=None,
        transport="tcp",
        min_delay=1,
        max_delay=60,
        client_id=None,
    ):
        self.host, self.port = host, port
        self.topics = list(topics)
        self.pins = pins
        self.on_list = on_list
        self.on_refused = on_refused
        self.lists = {}  # topic -> the last accepted document
        self._raw = {}  # topic -> its payload, to skip the same list sent again
        self._lock = threading.Lock()
        self.client = Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id or f"nguon-device-{uuid.uuid4().hex[:12]}",
            protocol=MQTTProtocolVersion.MQTTv5,
            transport=transport,
        )
        self.client.reconnect_delay_set(min_delay, max_delay)
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message

    def start(self):
        """Connect in the background (and keep reconnecting); returns at once."""
        self.client.connect_async(self.host, self.port, keepalive=30, clean_start=True)
        self.client.loop_start()
        return self

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()

    def in_force(self, now=None):
        """``{topic: document}`` of the accepted lists still valid at ``now``."""
        now = now or datetime.now(UTC)
        with self._lock:
            return {
                topic: doc
                for topic, doc in self.lists.items()
                if now < datetime.fromisoformat(doc["valid_until"])
            }

    def items(self, now=None):
        """The entries in force on every topic, each item once (by ``uid``)."""
        seen = {}
        for doc in self.in_force(now).values():
            for item in doc["items"]:
                seen.setdefault(item.get("uid"), item)
        return list(seen.values())

    def receive(self, topic, payload, now=None):
        """Check one message and keep it; returns the accepted document, or None."""
        with self._lock:
            if self._raw.get(topic) == payload:
                return None  # the same retained list again, after a reconnect
            try:
                doc = envelope.accept(
                    envelope.decode(payload),
                    self.pins,
                    topic,
                    last=self.lists.get(topic),
                    now=now,
                )
            except envelope.Refused as refusal:
                logger.warning("refused the list on %s: %s", topic, refusal)
                reason = str(refusal)
                doc = None
            else:
                self.lists[topic], self._raw[topic] = doc, payload
        if doc is None:
            if self.on_refused:
                self.on_refused(topic, reason)
        elif self.on_list:
            self.on_list(topic, doc)
        return doc

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties):
        if reason_code.is_failure:
            logger.warning("the broker refused the connection: %s", reason_code)
            return
        client.subscribe([(topic, 1) for topic in self.topics])

    def _on_message(self, _client, _userdata, message):
        if message.topic not in self.topics:
            return  # never a topic this device did not ask for
        self.receive(message.topic, message.payload)
