"""Child processes of the cluster: started with their output in a log file, each in its own
session (a Ctrl-C in the terminal reaches only nguon-cluster, which stops them in order)."""

from pathlib import Path

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request


class Child:
    """One program of the cluster (an instance, HAProxy, Varnish); ``start`` again after it
    died or was killed starts it anew."""

    def __init__(self, name, argv, log_path, env=None, cwd=None):
        self.name = name
        self.argv = [str(word) for word in argv]
        self.log_path = Path(log_path)
        self.env = env
        self.cwd = cwd
        self.process = None
        self.wanted = False  # False: stopped or killed on purpose (the watch leaves it)

    @property
    def pid(self):
        return self.process.pid if self.process else None

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env,
                cwd=self.cwd,
                start_new_session=True,
            )
        self.wanted = True
        return self

    def stop(self, timeout=30):
        self.wanted = False
        if self.alive():
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            self.process.wait()

    def kill(self):
        """SIGKILL, as a crash: the process gets no chance to finish anything."""
        self.wanted = False
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def tail(self, lines=5):
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.strip().splitlines()[-lines:])


def status_of(url, timeout=5):
    """The HTTP status ``url`` answers (errors included), or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def wait_for(condition, timeout, pause=0.3, fail=None):
    """Poll ``condition()`` until it holds (True) or ``timeout`` seconds passed (``fail()``
    is called then: it raises). ``fail`` is also called when it returns a message early."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            if fail:
                fail()
            return False
        time.sleep(pause)
