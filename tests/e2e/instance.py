"""Run ``nguon-start`` as a user would, in a scratch folder, on free ports."""

from pathlib import Path

import base64
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request


BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def until(condition, timeout=120, pause=0.3):
    """Wait for ``condition()`` to hold; returns its last value (the caller asserts it)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(pause)
    return condition()


def port_is_free(port):
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


class Instance:
    """One ``nguon-start`` process with its own folder, Plone port and bundled Solr port."""

    def __init__(self, folder, **env):
        self.folder = Path(folder)
        self.port = free_port()
        self.solr_port = free_port()
        self.env = {
            # its own bundled Mosquitto, never the test session's (tests/messaging.py)
            **{k: v for k, v in os.environ.items() if not k.startswith("NGUON_MQTT_")},
            "NGUON_MQTT_PORT": str(free_port()),
            "NGUON_MQTT_WS_PORT": str(free_port()),
            "NGUON_PORT": str(self.port),
            "SOLR_URL": f"http://127.0.0.1:{self.solr_port}/solr/plone",
            "NGUON_SOLR_BUNDLED": "1",
            "NGUON_OUTBOX_WORKER": "1",  # the test session turns it off for its own layers
            # The links the background threads write (alarm mails) point here, as they do
            # where an operator sets the site's public address (docs/configuration.md).
            "NGUON_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            **env,
        }
        self.process = None
        self.output = []

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}/Plone"

    def run(self, timeout=600):
        """Run to completion (for configurations that must fail); returns (code, output)."""
        done = subprocess.run(
            [str(BIN / "nguon-start")],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        return done.returncode, done.stdout + done.stderr

    def start(self, timeout=900):
        self.log = open(self.folder / "nguon-start.log", "w")
        self.process = subprocess.Popen(
            [str(BIN / "nguon-start")],
            cwd=self.folder,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"nguon-start exited: {self.read_log()}")
            try:
                # One slow first answer is awaited, not piled on: a second request while the
                # first still compiles the page templates can meet CPython gh-106905 in
                # two threads at once and leave a template broken in that process for good.
                with urllib.request.urlopen(self.url, timeout=120) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(1)
        self.kill()
        raise AssertionError(f"site not up after {timeout}s: {self.read_log()}")

    def kill(self):
        """Stop nguon-start and everything it started, whatever state they are in."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def read_log(self):
        return (self.folder / "nguon-start.log").read_text(errors="replace")

    def stop(self, signum=signal.SIGINT):
        """Stop as Ctrl-C does; returns nguon-start's exit code."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=120)
        self.log.close()
        return code

    def get(self, path, accept=None, auth=None, headers=None):
        request = urllib.request.Request(f"{self.url}{path}", headers=headers or {})
        if accept:
            request.add_header("Accept", accept)
        if auth:
            token = base64.b64encode(auth.encode()).decode()
            request.add_header("Authorization", f"Basic {token}")
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read().decode()
            return json.loads(body) if accept == "application/json" else body
