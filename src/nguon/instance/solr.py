"""Reach Solr: ping a core, and run the bundled development node (solr/start.sh)."""

from nguon.instance.settings import ConfigurationError
from pathlib import Path

import json
import os
import subprocess
import time
import urllib.error
import urllib.request


def repository_root():
    """The checkout that holds solr/ (the bundled node exists only in a source checkout)."""
    return Path(__file__).resolve().parents[3]


def ping(solr_url, timeout=5):
    """True when the core answers its ping handler with status OK."""
    try:
        with urllib.request.urlopen(
            f"{solr_url}/admin/ping?wt=json", timeout=timeout
        ) as answer:
            return json.load(answer).get("status") == "OK"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def require_external(solr_url):
    if not ping(solr_url):
        raise ConfigurationError(
            f"Solr không trả lời tại {solr_url}/admin/ping: kiểm tra SOLR_URL hoặc khởi động "
            f"Solr (bỏ SOLR_URL để dùng Solr đi kèm)"
        )


class BundledSolr:
    """The development Solr node of solr/, as a child process of nguon-start."""

    def __init__(self, settings, startup_timeout=300):
        self.settings = settings
        self.startup_timeout = startup_timeout
        self.process = None
        self.log_path = settings.var / "log" / "solr.log"

    def start(self):
        script = repository_root() / "solr" / "start.sh"
        if not script.exists():
            raise ConfigurationError(
                "không có Solr đi kèm trong bản cài này: đặt SOLR_URL tới Solr của bạn"
            )
        _scheme, _host, port, _base = self.settings.solr_parts
        env = {
            "SOLR_PORT": str(port),
            "SOLR_DATA_DIR": str(self.settings.var / "solr-data"),
        }
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                ["bash", str(script)],
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**_without_solr_variables(os.environ), **env},
            )
        self._wait_ready()

    def _wait_ready(self):
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ConfigurationError(
                    f"Solr đi kèm dừng khi khởi động (mã {self.process.returncode}): "
                    f"xem {self.log_path}"
                )
            if ping(self.settings.solr_url, timeout=2):
                return
            time.sleep(1)
        self.stop()
        raise ConfigurationError(
            f"Solr đi kèm chưa sẵn sàng sau {self.startup_timeout} giây: xem {self.log_path}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _without_solr_variables(environ):
    """Solr 9 turns every SOLR_* variable into a system property: pass only the ones meant."""
    return {
        name: value for name, value in environ.items() if not name.startswith("SOLR_")
    }
