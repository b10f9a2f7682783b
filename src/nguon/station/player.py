"""Liquidsoap, driven by the agent: two request queues (``normal`` for slots, ``urgent`` for
emergencies) into one Icecast mount; the urgent queue pre-empts at once
(``track_sensitive=false``), silence fills the rest. Every track that starts is printed as
``NGUON-TRACK <file>`` on Liquidsoap's output, which the agent reads for the as-run log.
"""

from pathlib import Path

import os
import socket
import subprocess
import threading
import time


SCRIPT = """\
{allow_root}
settings.server.telnet.set(true)
settings.server.telnet.bind_addr.set("127.0.0.1")
settings.server.telnet.port.set({telnet_port})
settings.log.stdout.set(true)
settings.log.file.set(false)
normal = request.queue(id="normal")
urgent = request.queue(id="urgent")
def track_started(m)
  print("NGUON-TRACK " ^ m["filename"])
end
radio = fallback(track_sensitive=false, [urgent, normal, blank()])
radio = source.on_track(radio, track_started)
output.icecast(%mp3(bitrate=96, samplerate=44100, stereo=false), host="{host}", port={port},
  password="{password}", mount="{mount}", name="{name}", radio)
"""


class Player:
    def __init__(
        self,
        folder,
        icecast_host,
        icecast_port,
        mount,
        password,
        name,
        telnet_port,
        on_track=None,
    ):
        self.folder = Path(folder)
        self.telnet_port = telnet_port
        self.on_track = on_track
        script = SCRIPT.format(
            allow_root="settings.init.allow_root.set(true)"
            if os.geteuid() == 0
            else "",
            telnet_port=telnet_port,
            host=icecast_host,
            port=icecast_port,
            password=password.replace('"', '\\"'),
            mount=mount.lstrip("/"),
            name=name.replace('"', "'"),
        )
        self.script = self.folder / "station.liq"
        self.script.write_text(script, encoding="utf-8")
        self.process = None

    def start(self, timeout=60):
        self.process = subprocess.Popen(
            ["liquidsoap", str(self.script)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        threading.Thread(target=self._read_output, daemon=True).start()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.command("version")
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError("liquidsoap đã dừng khi khởi động")
                time.sleep(0.3)
        raise RuntimeError("liquidsoap không trả lời")

    def _read_output(self):
        log = open(self.folder / "liquidsoap.log", "a", encoding="utf-8")
        for line in self.process.stdout:
            log.write(line)
            log.flush()
            if line.startswith("NGUON-TRACK ") and self.on_track:
                self.on_track(line[len("NGUON-TRACK ") :].strip(), time.time())

    def command(self, text):
        with socket.create_connection(
            ("127.0.0.1", self.telnet_port), timeout=5
        ) as connection:
            connection.sendall(text.encode() + b"\nquit\n")
            answer = b""
            while not answer.endswith(b"Bye!\r\n"):
                chunk = connection.recv(4096)
                if not chunk:
                    break
                answer += chunk
        return (
            answer.decode(errors="replace")
            .replace("\r\nBye!\r\n", "")
            .replace("END", "")
            .strip()
        )

    def queue(self, path):
        return self.command(f"normal.push {path}")

    def interrupt(self, path):
        """Air ``path`` at once, pre-empting what plays."""
        return self.command(f"urgent.push {path}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
