"""What a kiosk needs to receive the broadcast (``nguon.devices.broadcast``) by itself.

The kiosk's session (``@kiosk-session``) carries it: where the broker's WebSockets listener
is, the board's topics (``nguon.messaging.topics.subscriptions`` of the board's lineage; the
``test`` audience too for a board marked ``receives_tests``), the site's public device keys to
pin (``nguon.devices.keys.published``), and how long each language of a takeover shows. None
when this process does not broadcast (``nguon.messaging.settings.configured``): the kiosk then
only polls.

The broker's address for kiosks is ``NGUON_MQTT_WS_URL`` when set (the public address, e.g.
``wss://canhbao.example.vn/mqtt`` behind the site's reverse proxy); else the host the kiosk
reached the site on, with ``NGUON_MQTT_WS_PORT`` (``wss`` when the site is served over
HTTPS).
"""

from nguon.devices import keys
from nguon.messaging import settings
from nguon.messaging import topics
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from urllib.parse import urlsplit

import os


PUBLIC_URL = "NGUON_MQTT_WS_URL"


def websocket_url(request, env=None):
    """The broker's WebSockets address as the kiosk that sent ``request`` reaches it."""
    env = os.environ if env is None else env
    if env.get(PUBLIC_URL):
        return env[PUBLIC_URL]
    broker = settings.from_environment(env)
    site = urlsplit(request.get("SERVER_URL", "") or "http://127.0.0.1")
    scheme = "wss" if site.scheme == "https" else "ws"
    return f"{scheme}://{site.hostname or broker.host}:{broker.ws_port}/"


def subscriptions(board):
    unit = item_unit(board)
    if unit is None:
        return []
    codes = [code for code, _level in lineage(unit)]
    return topics.subscriptions(codes, "board", tests=bool(board.receives_tests))


def kiosk_settings(portal, board, request):
    """The broadcast part of the kiosk's session, or None (see the module's docstring)."""
    if not settings.configured():
        return None
    return {
        "url": websocket_url(request),
        "topics": subscriptions(board),
        "keys": keys.published(portal),
        "duration": board.default_duration,
    }
