"""The bundled Mosquitto: the messaging engine that carries broadcast alerts to devices.

``nguon-start`` runs it as it runs the bundled Solr, from files it writes under
``var/mosquitto/`` at every start (the same files serve a Mosquitto run by the system, see
docs/operations.md):

- ``mosquitto.conf``: an MQTT listener on ``NGUON_MQTT_HOST:NGUON_MQTT_PORT`` and a WebSockets
  listener on ``NGUON_MQTT_WS_PORT`` for the kiosk browsers, one set of rules for both
  (``per_listener_settings false``), retained lists kept on disk (``data/``);
- ``publisher.json``: the site's publisher login, its password made at random once (mode
  0600; never in the repository), read by the site (``nguon.messaging.settings``);
- ``passwd``: that login hashed by ``mosquitto_passwd`` (the password never appears on a
  command line);
- ``acl``: anyone may read ``nguon/v1/#`` (devices connect anonymously), only the site's
  publisher may write.

``start`` is safe to repeat: when a broker already answers the site's login on the port (one
left running, or the system's service on these files) it is used as it is, and left running.
"""

from nguon.instance import preflight
from nguon.instance.settings import ConfigurationError
from nguon.messaging import settings as messaging_settings
from nguon.messaging.publisher import BrokerUnavailable
from nguon.messaging.publisher import Publisher
from nguon.messaging.publisher import PublishRefused
from nguon.messaging.settings import PUBLISHER
from pathlib import Path
from string import Template

import json
import os
import pwd
import secrets
import shutil
import subprocess
import time


CONF = Template("""\
# Written by nguon-start at every start: edit the settings (NGUON_MQTT_*), not this file.
per_listener_settings false
allow_anonymous true
password_file $folder/passwd
acl_file $folder/acl
persistence true
persistence_location $folder/data/
user $user

listener $port $host
protocol mqtt

listener $ws_port $host
protocol websockets
""")

ACL = f"""\
# Written by nguon-start. Anonymous clients (the devices) read the broadcast only.
topic read nguon/v1/#

# The site publishes it.
user {PUBLISHER}
topic readwrite nguon/v1/#
"""


def executable():
    found = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(found).exists():
        raise ConfigurationError(
            "không có Mosquitto trên máy này: chạy scripts/system-packages.sh (gói mosquitto)"
        )
    return found


def _write_private(path, text):
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


def write_files(broker, folder):
    """Write the broker's files into ``folder``; the publisher's password is made once and
    kept. Returns the path of ``mosquitto.conf``."""
    folder = Path(folder)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    if not broker.credentials.exists():
        broker.credentials.parent.mkdir(parents=True, exist_ok=True)
        _write_private(
            broker.credentials,
            json.dumps({"username": PUBLISHER, "password": secrets.token_urlsafe(24)}),
        )
    username, password = broker.login()
    passwd = folder / "passwd"
    _write_private(passwd, f"{username}:{password}\n")
    hashed = subprocess.run(
        ["mosquitto_passwd", "-U", str(passwd)], capture_output=True, text=True
    )
    if hashed.returncode != 0:
        raise ConfigurationError(
            f"mosquitto_passwd không tạo được tệp mật khẩu: {hashed.stderr.strip()}"
        )
    (folder / "acl").write_text(ACL, encoding="utf-8")
    conf = folder / "mosquitto.conf"
    conf.write_text(
        CONF.substitute(
            folder=folder.resolve(),
            user=pwd.getpwuid(os.getuid()).pw_name,
            host=broker.host,
            port=broker.port,
            ws_port=broker.ws_port,
        ),
        encoding="utf-8",
    )
    return conf


def answers(broker, timeout=5.0):
    """True when a broker at the address takes the site's login; False when nothing
    answers; ``ConfigurationError`` when something there refuses the login."""
    publisher = Publisher(broker, timeout=timeout)
    try:
        publisher.connect()
    except BrokerUnavailable:
        return False
    except PublishRefused as error:
        raise ConfigurationError(
            f"{error}: đó không phải Mosquitto của site này — dừng nó hoặc đặt "
            f"NGUON_MQTT_PORT sang cổng khác"
        ) from None
    finally:
        publisher.close()
    return True


def require_external(broker):
    """An operator's own broker (``NGUON_MQTT_CREDENTIALS`` set) must take the login."""
    if not answers(broker):
        raise ConfigurationError(
            f"Mosquitto không trả lời tại {broker.address}: kiểm tra NGUON_MQTT_HOST, "
            f"NGUON_MQTT_PORT hoặc bỏ NGUON_MQTT_CREDENTIALS để dùng Mosquitto đi kèm"
        )


def broker_of(settings, env=None):
    """The broker of the instance ``settings``: ``(broker, BundledMosquitto or None)``,
    None when the operator runs their own (``NGUON_MQTT_CREDENTIALS`` set)."""
    try:
        broker = messaging_settings.from_environment(env, var=settings.var)
    except messaging_settings.SettingsError as error:
        raise ConfigurationError(str(error)) from None
    if messaging_settings.configured(env):
        return broker, None
    bundled = BundledMosquitto(
        broker, settings.var / "mosquitto", settings.var / "log" / "mosquitto.log"
    )
    return broker, bundled


class BundledMosquitto:
    """Mosquitto as a child process of ``nguon-start`` (or of a test session)."""

    def __init__(self, broker, folder, log_path, startup_timeout=30):
        self.broker = broker
        self.folder = Path(folder)
        self.log_path = Path(log_path)
        self.startup_timeout = startup_timeout
        self.process = None

    def start(self):
        """Write the files and start Mosquitto unless one already answers the site's login.
        Returns True when it started one (``stop`` stops only that one)."""
        conf = write_files(self.broker, self.folder)
        if answers(self.broker):
            return False
        preflight.check_port_free(self.broker.host, self.broker.port, "NGUON_MQTT_PORT")
        preflight.check_port_free(
            self.broker.host, self.broker.ws_port, "NGUON_MQTT_WS_PORT"
        )
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [executable(), "-c", str(conf)], stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConfigurationError(
                    f"Mosquitto dừng khi khởi động (mã {self.process.returncode}): "
                    f"xem {self.log_path}"
                )
            if answers(self.broker, timeout=2):
                return True
            time.sleep(0.2)
        self.stop()
        raise ConfigurationError(
            f"Mosquitto chưa sẵn sàng sau {self.startup_timeout} giây: xem {self.log_path}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
