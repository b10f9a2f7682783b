"""The radio parts of the end-to-end tests, real ones: an Icecast on loopback, a commune's
station agent (``nguon-station run`` driving real Liquidsoap into that Icecast), a recorder
of a mount, and what a recording carried (ffmpeg's silence detection)."""

from datetime import datetime
from pathlib import Path
from tests.e2e.instance import BIN
from tests.e2e.instance import free_port
from tests.e2e.instance import until

import os
import re
import requests
import shutil
import subprocess
import tempfile


SILENCE_DB = -45


class Icecast:
    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.password = "nguon-e2e-source"
        folder.mkdir(parents=True)
        # Run as root, Icecast drops to nobody, who must reach its log folder: not under
        # pytest's private temporary folder.
        logs = Path(tempfile.mkdtemp(prefix="nguon-icecast-"))
        logs.chmod(0o755)
        self.logs = logs
        config = folder / "icecast.xml"
        config.write_text(f"""<icecast>
  <location>e2e</location><admin>e2e@nguon.invalid</admin>
  <limits><clients>20</clients><sources>4</sources><queue-size>524288</queue-size>
    <client-timeout>30</client-timeout><header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout><burst-size>0</burst-size></limits>
  <authentication><source-password>{self.password}</source-password><relay-password>r-{self.password}</relay-password>
    <admin-user>admin</admin-user><admin-password>a-{self.password}</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>{self.port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <paths><basedir>/usr/share/icecast2</basedir><logdir>{logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>{"<changeowner><user>nobody</user><group>nogroup</group></changeowner>" if os.geteuid() == 0 else ""}</security>
</icecast>""")
        if os.geteuid() == 0:
            shutil.chown(logs, "nobody", "nogroup")
        self.process = subprocess.Popen(
            ["icecast2", "-c", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert until(lambda: self._up(), 30)

    def _up(self):
        try:
            return requests.get(
                f"http://127.0.0.1:{self.port}/status-json.xsl", timeout=2
            ).ok
        except requests.RequestException:
            return False

    def stream(self, mount):
        """The listeners' address of ``mount`` (``/dai-xa.mp3``)."""
        return f"http://127.0.0.1:{self.port}{mount}"

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.logs, ignore_errors=True)


def signing_key(instance):
    """The site's public key for schedules, as a commune pins it in its agent."""
    return requests.get(
        f"{instance.url}/@radio-signing-key",
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()["public_key"]


def scheduled(instance, token, start=None):
    """The UIDs of the items in the schedule of the station of ``token`` (in its slot that
    starts at ``start``, an aware datetime, when given), as the station fetches it."""
    answer = requests.get(
        f"{instance.url}/@station-schedule",
        timeout=30,
        headers={"X-Station-Token": token, "Accept": "application/json"},
    )
    slots = answer.json()["schedule"]["slots"]
    if start is not None:
        slots = [s for s in slots if datetime.fromisoformat(s["start"]) == start]
    return {item["uid"] for slot in slots for item in slot["items"]}


def start_agent(instance, token, key, icecast, mount, folder, broker=None):
    """``nguon-station run`` for the station of ``token``, airing on ``mount`` of
    ``icecast``, with its cache in ``folder`` and its output in ``folder/agent.log``;
    polls its schedule every 5 s and its emergencies every second. With ``broker``
    (``"HOST:PORT"`` of Mosquitto) it also subscribes to its unit's topics there."""
    folder.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "NGUON_STATION_TOKEN": token,
        "NGUON_ICECAST_PASSWORD": icecast.password,
    }
    command = [
        str(BIN / "nguon-station"),
        "run",
        "--site",
        instance.url,
        "--public-key",
        key,
        "--cache",
        str(folder / "cache"),
        "--icecast",
        f"127.0.0.1:{icecast.port}",
        "--mount",
        mount,
        "--telnet-port",
        str(free_port()),
        "--schedule-interval",
        "5",
        "--events-interval",
        "1",
    ]
    if broker:
        command += ["--broker", broker]
    with open(folder / "agent.log", "w") as log:  # the agent writes to its own copy
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def agent_log(folder):
    path = folder / "agent.log"
    return path.read_text(errors="replace") if path.exists() else ""


def record(stream, seconds, recording):
    """Start recording ``seconds`` of ``stream`` into ``recording`` (a .wav); the process."""
    return subprocess.Popen(
        [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-i",
            stream,
            "-t",
            str(seconds),
            str(recording),
        ]
    )


def loud_spans(recording):
    """``[(start, end)]`` seconds of the recording that are not silence (ffmpeg silencedetect)."""
    done = subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-i",
            str(recording),
            "-af",
            f"silencedetect=noise={SILENCE_DB}dB:d=0.8",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
    )
    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "default=nw=1:nk=1",
            str(recording),
        ],
        capture_output=True,
        text=True,
    )
    length = float(probe.stdout.strip())
    starts = [float(x) for x in re.findall(r"silence_start: ([\d.]+)", done.stderr)]
    ends = [float(x) for x in re.findall(r"silence_end: ([\d.]+)", done.stderr)]
    silences = list(
        zip(starts, ends + [length] * (len(starts) - len(ends)), strict=True)
    )
    spans, cursor = [], 0.0
    for start, end in silences:
        if start > cursor:
            spans.append((cursor, start))
        cursor = end
    if cursor < length:
        spans.append((cursor, length))
    return [(a, b) for a, b in spans if b - a > 0.5]
