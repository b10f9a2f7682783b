"""Where the broker is and who the site publishes as, from the environment.

``NGUON_MQTT_HOST`` / ``NGUON_MQTT_PORT`` (MQTT over TCP) and ``NGUON_MQTT_WS_PORT`` (MQTT
over WebSockets, for the kiosk browsers) name the broker; ``NGUON_MQTT_CREDENTIALS`` names the
file that holds the site's publisher login (JSON ``{"username", "password"}``, mode 0600,
under ``var/`` and never in the repository). ``nguon-start`` sets that variable for the
server it starts; a process without it does not broadcast (``configured``).
"""

from dataclasses import dataclass
from pathlib import Path

import json
import os


DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 1884  # not 1883: the Debian package may run its own broker there
DEFAULT_WS_PORT = 9001
PUBLISHER = "nguon-site"  # the site's user on the broker (the only one that may write)
CREDENTIALS = "NGUON_MQTT_CREDENTIALS"


class SettingsError(ValueError):
    """A broker setting that cannot work; the message says what to fix, in one line."""


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    ws_port: int
    credentials: Path  # the publisher's login file

    @property
    def address(self):
        return f"mqtt://{self.host}:{self.port}"

    @property
    def ws_address(self):
        return f"ws://{self.host}:{self.ws_port}/"

    def login(self):
        """``(username, password)`` of the site's publisher, read from ``credentials``."""
        try:
            data = json.loads(self.credentials.read_text(encoding="utf-8"))
            return data["username"], data["password"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise SettingsError(
                f"không đọc được tài khoản gửi tin của site trong {self.credentials}"
            ) from error


def _port(env, name, default):
    raw = env.get(name, str(default))
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name}={raw!r} không phải số cổng hợp lệ") from None
    if not 0 < value < 65536:
        raise SettingsError(f"{name}={value} nằm ngoài khoảng 1–65535")
    return value


def default_credentials(var):
    """Where ``nguon-start`` keeps the publisher's login for the data folder ``var``."""
    return Path(var) / "mosquitto" / "publisher.json"


def from_environment(env=None, var=None):
    """The broker's settings; ``var`` is the data folder (default ``NGUON_VAR`` or ``var``)."""
    env = os.environ if env is None else env
    var = var or Path(env.get("NGUON_VAR", "var")).resolve()
    credentials = env.get(CREDENTIALS)
    return Broker(
        host=env.get("NGUON_MQTT_HOST", DEFAULT_HOST),
        port=_port(env, "NGUON_MQTT_PORT", DEFAULT_PORT),
        ws_port=_port(env, "NGUON_MQTT_WS_PORT", DEFAULT_WS_PORT),
        credentials=Path(credentials) if credentials else default_credentials(var),
    )


def configured(env=None):
    """True when this process is meant to broadcast (its environment names the login)."""
    env = os.environ if env is None else env
    return bool(env.get(CREDENTIALS))
