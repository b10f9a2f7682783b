"""Radio end to end with the real parts: the site started by ``nguon-start``, a commune's
station on ``nguon-station`` driving real Liquidsoap into a real Icecast on loopback. Two
approved items air at their slot (the stream carries non-silent audio of their length); an
emergency approved while the first plays interrupts it within the bound below; the as-run
log arrives in Plone."""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from tests.e2e.instance import BIN
from tests.e2e.instance import free_port
from tests.e2e.instance import Instance
from tests.e2e.instance import until
from tests.e2e.people import commune_with_users
from tests.streams import mounted
from zoneinfo import ZoneInfo

import os
import pytest
import re
import requests
import shutil
import subprocess
import tempfile
import time


pytestmark = pytest.mark.slow
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
EMERGENCY_BOUND = (
    15.0  # seconds from the approving request's answer to the emergency on air
)
SILENCE_DB = -45


def _publish(editor, approver, container, **fields):
    created = editor.post(
        container, json={"@type": "RadioItem", "category": "public-services", **fields}
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert editor.post(f"{url}/@workflow/submit").status_code == 200
    answer = approver.post(f"{url}/@workflow/publish")
    assert answer.status_code == 200, answer.text
    return created.json()["UID"], time.time()


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

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.logs, ignore_errors=True)


def _loud_spans(recording):
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


def test_approved_items_air_at_their_slot_and_an_emergency_interrupts(tmp_path):
    (tmp_path / "site").mkdir()
    instance = Instance(tmp_path / "site").start()
    icecast = agent = recorder = None
    try:
        commune, users = commune_with_users(instance)
        admin, editor, approver = users["admins"], users["editors"], users["approvers"]
        # Two normal items, ~20 s each when read aloud.
        script = (
            "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng cho trẻ em "
            "dưới năm tuổi vào sáng thứ bảy ngày 5/12 tại trạm y tế xã, từ 7h30 đến 11h. "
            "Đề nghị các gia đình mang theo sổ tiêm chủng và thẻ bảo hiểm y tế."
        )
        first, _t = _publish(
            editor, approver, commune, title="Lịch tiêm chủng tháng 12", script=script
        )
        second, _t = _publish(
            editor,
            approver,
            commune,
            title="Lịch thu gom rác",
            script=script.replace(
                "tiêm chủng mở rộng cho trẻ em dưới năm tuổi", "thu gom rác thải"
            ),
        )
        # The station, first with a slot hours away; the real slot is set once the station is
        # on air and idle (below).
        now = datetime.now(ZONE)
        placeholder = now + timedelta(hours=2)
        quiet_from = (now + timedelta(hours=3)).strftime("%H:%M")
        quiet_to = (now + timedelta(hours=4)).strftime("%H:%M")
        station = admin.post(
            commune,
            json={
                "@type": "RadioStation",
                "title": "Đài truyền thanh xã",
                "clusters": "Cụm 1 | Tổ dân phố 3 | LOA-001 | hoạt động",
                "slots": f"FREQ=DAILY;BYHOUR={placeholder.hour};BYMINUTE={placeholder.minute} | 3",
                "quiet_start": quiet_from,
                "quiet_end": quiet_to,
            },
        )
        assert station.status_code == 201, station.text
        station_url = station.json()["@id"]
        token = admin.post(f"{station_url}/@station-credentials").json()["token"]
        key = requests.get(
            f"{instance.url}/@radio-signing-key",
            headers={"Accept": "application/json"},
            timeout=30,
        ).json()["public_key"]

        def scheduled(slot_start=None):
            answer = requests.get(
                f"{instance.url}/@station-schedule",
                timeout=30,
                headers={"X-Station-Token": token, "Accept": "application/json"},
            )
            slots = answer.json()["schedule"]["slots"]
            if slot_start is not None:
                slots = [
                    s for s in slots if datetime.fromisoformat(s["start"]) == slot_start
                ]
            items = [i["uid"] for s in slots for i in s["items"]]
            return first in items and second in items

        assert until(scheduled, 60)  # audio prepared by the server's outbox worker
        # The operator keeps this slot for the two items: the province's normal items wait
        # (once every item for the station has its audio, so that none comes in later).
        assert until(
            lambda: (
                not admin.get(f"{station_url}/@station-playlist").json()[
                    "waiting_for_audio"
                ]
            ),
            120,
        )
        playlist = admin.get(f"{station_url}/@station-playlist").json()
        for candidate in playlist["candidates"]:
            if candidate["priority"] == "normal" and candidate["uid"] not in (
                first,
                second,
            ):
                assert (
                    admin.post(
                        f"{station_url}/@station-playlist",
                        json={"item": candidate["uid"], "dropped": True},
                    ).status_code
                    == 200
                )
        for order, uid in enumerate((first, second)):
            assert (
                admin.post(
                    f"{station_url}/@station-playlist",
                    json={"item": uid, "order": order},
                ).status_code
                == 200
            )

        icecast = Icecast(tmp_path / "icecast")
        env = {
            **os.environ,
            "NGUON_STATION_TOKEN": token,
            "NGUON_ICECAST_PASSWORD": icecast.password,
        }
        agent_log = open(tmp_path / "agent.log", "w")
        agent = subprocess.Popen(
            [
                str(BIN / "nguon-station"),
                "run",
                "--site",
                instance.url,
                "--public-key",
                key,
                "--cache",
                str(tmp_path / "cache"),
                "--icecast",
                f"127.0.0.1:{icecast.port}",
                "--mount",
                "/dai-xa.mp3",
                "--telnet-port",
                str(free_port()),
                "--schedule-interval",
                "5",
                "--events-interval",
                "1",
            ],
            env=env,
            stdout=agent_log,
            stderr=subprocess.STDOUT,
        )
        stream = f"http://127.0.0.1:{icecast.port}/dai-xa.mp3"
        assert until(lambda: mounted(stream), 60)

        def idle():  # the site's own emergencies, aired at start, are over: 4 s of silence
            sample = tmp_path / "idle.wav"
            subprocess.run(
                [
                    "ffmpeg",
                    "-hide_banner",
                    "-loglevel",
                    "error",
                    "-y",
                    "-i",
                    stream,
                    "-t",
                    "4",
                    str(sample),
                ],
                timeout=30,
            )
            return sample.exists() and not _loud_spans(sample)

        assert until(idle, 240)
        # Now the slot: the next whole minute at least 45 s away; the agent fetches it.
        slot = (datetime.now(ZONE) + timedelta(seconds=105)).replace(
            second=0, microsecond=0
        )
        changed = admin.patch(
            station_url,
            json={"slots": f"FREQ=DAILY;BYHOUR={slot.hour};BYMINUTE={slot.minute} | 3"},
        )
        assert changed.status_code == 204, changed.text
        assert until(lambda: scheduled(slot), 30)
        record_from = time.time()
        recording = tmp_path / "stream.wav"
        recorder = subprocess.Popen(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-y",
                "-i",
                stream,
                "-t",
                str(slot.timestamp() - record_from + 75),
                str(recording),
            ]
        )
        # The emergency is approved while the first item plays.
        time.sleep(max(0, slot.timestamp() + 6 - time.time()))
        alarm, approved_at = _publish(
            editor,
            approver,
            commune,
            title="Cảnh báo lũ khẩn cấp",
            priority="emergency",
            category="disaster",
            script="Khẩn cấp. Nước sông Thạch Hãn lên nhanh. Bà con vùng bãi giữa di dời ngay.",
        )
        recorder.wait(timeout=200)

        def asrun():
            answer = admin.get(f"{station_url}/@station-asrun").json()["items"]
            return {(r["item"], r["status"]): r for r in answer}

        until(
            lambda: (alarm, "finished") in asrun() and (second, "finished") in asrun(),
            60,
        )
        log = asrun()
        print(
            "as-run:",
            sorted((r["at"], r["item"][:6], r["status"]) for r in log.values()),
        )
        print("items:", {"first": first[:6], "second": second[:6], "alarm": alarm[:6]})
        assert (alarm, "finished") in log and (second, "finished") in log
        assert (first, "started") in log and (first, "interrupted") in log
        on_air = datetime.fromisoformat(log[(alarm, "started")]["at"]).timestamp()
        delay = on_air - approved_at
        print(f"emergency on air {delay:.2f} s after its approval")
        assert 0 <= delay <= EMERGENCY_BOUND
        assert log[(first, "started")]["clusters"] == ["LOA-001"]
        started = datetime.fromisoformat(log[(first, "started")]["at"]).timestamp()
        assert abs(started - slot.timestamp()) < 3  # the slot starts on time

        # The stream itself: sound from the slot's start for as long as the slot's items and
        # the emergency played (the site's own earlier emergencies aired before, at start).
        offset = slot.timestamp() - record_from
        spans = [(a, b) for a, b in _loud_spans(recording) if b > offset - 3]
        assert spans, "the stream carried no sound in the slot"
        assert -1.5 < spans[0][0] - offset < 6, (
            spans,
            offset,
        )  # on time, give or take the buffers
        aired = sum(end - start for start, end in spans)
        # What the as-run log says played from the slot's start (back to back, up to the end
        # of the recording) is what the stream carried.
        recorded_until = slot.timestamp() + 75
        at = {
            key: datetime.fromisoformat(record["at"]).timestamp()
            for key, record in log.items()
        }
        played = [
            uid
            for (uid, status), when in at.items()
            if status == "started" and when >= started - 1
        ]
        ends = [
            min(
                at.get((uid, "finished"), at.get((uid, "interrupted"), recorded_until)),
                recorded_until,
            )
            for uid in played
        ]
        expected = max(ends) - started
        assert abs(aired - expected) < 3, (aired, expected, spans)
        before = [(a, b) for a, b in _loud_spans(recording) if a < offset - 3 < b]
        assert not before, f"sound just before the slot: {before}"
    except BaseException:
        print(
            (tmp_path / "agent.log").read_text()
            if (tmp_path / "agent.log").exists()
            else ""
        )
        raise
    finally:
        for process in (agent, recorder):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(20)
        if icecast is not None:
            icecast.stop()
        instance.kill()
