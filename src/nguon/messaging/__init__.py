"""The messaging engine between the site and its devices (Mosquitto, MQTT 5), Zope-free.

The site publishes, for every place and channel, the signed list of emergency items in force
there as a *retained* message; each device subscribes to the topics of its own unit and its
ancestors and receives that list at once, and again at every reconnect. The broker is never
trusted: devices accept only what the site's pinned Ed25519 keys signed for the topic they
asked for (``envelope``).

- ``settings``: where the broker is and the site's publisher login;
- ``topics``: the topic of a place (publisher side) and the topics of a unit (device side);
- ``envelope``: signing a list for a topic, and a device's checks before using one;
- ``publisher``: the site's thread-safe publisher (retained, QoS 1, acknowledged);
- ``subscriber``: a device's subscription that reconnects by itself.
"""
