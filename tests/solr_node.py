"""A real Solr 9.10 node (solr/start.sh) for the tests that need one: its own free port and
its own data folder, stopped when the test session ends."""

from pathlib import Path
from tests.e2e.instance import free_port

import json
import os
import subprocess
import time
import urllib.parse
import urllib.request


ROOT = Path(__file__).resolve().parents[1]


class SolrNode:
    def __init__(self, data_dir, startup_timeout=600, heap="512m"):
        self.port = free_port()
        self.heap = heap
        self.url = f"http://127.0.0.1:{self.port}/solr/plone"
        self.data_dir = data_dir
        self.startup_timeout = startup_timeout
        self.process = None

    def start(self):
        env = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith("SOLR_")
        }
        env.update(
            SOLR_PORT=str(self.port),
            SOLR_DATA_DIR=str(self.data_dir),
            SOLR_HEAP=self.heap,
        )
        self.log = open(Path(self.data_dir) / "solr.log", "wb")
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "solr" / "start.sh")],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"Solr exited with {self.process.returncode}: see {self.log.name}"
                )
            try:
                if self.get("admin/ping")["status"] == "OK":
                    return self
            except OSError:
                time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"Solr not ready after {self.startup_timeout}s: see {self.log.name}"
        )

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)
        if self.process:
            self.log.close()

    def get(self, path, **params):
        return get(self.url, path, **params)

    def post(self, path, payload):
        return post(self.url, path, payload)


def get(url, path, timeout=120, **params):
    """GET ``<url>/<path>`` of a Solr core (or the node's admin API) as JSON."""
    query = urllib.parse.urlencode({"wt": "json", **params}, doseq=True)
    with urllib.request.urlopen(f"{url}/{path}?{query}", timeout=timeout) as answer:
        return json.load(answer)


def post(url, path, payload, timeout=600):
    """POST a JSON payload to ``<url>/<path>``; the JSON answer."""
    request = urllib.request.Request(
        f"{url}/{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        return json.load(answer)
