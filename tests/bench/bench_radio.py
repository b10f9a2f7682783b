"""Radio under load: speech and loudness throughput, 3,321 stations polling, and the time
from an emergency's approval to its audio leaving Icecast.

1. **Audio** (no site): Vietnamese scripts of three lengths read by espeak-ng, then
   loudness-normalised by the product's two-pass EBU R128 ``loudnorm``; beside it, in the same
   run, the one-pass ``loudnorm`` alternative (faster, less exact). Seconds of audio produced
   per second of work, and how far from −23 LUFS each lands.
2. **Stations polling**: the full official tree with a station in each of the 3,321 communes
   (each with its own token) and radio items for every province, served by ``runwsgi`` as
   ``nguon-start`` serves it. The load generator (``loadgen.py``) cycles through all stations:
   ``GET @station-schedule`` (built and Ed25519-signed per request) and the emergency poll
   ``GET @station-events`` with ``If-None-Match`` (``304``).
3. **Emergency to Icecast**: one station's ``nguon-station`` drives real Liquidsoap into a real
   Icecast; a listener reads the mount as PCM. An emergency is approved through plone.restapi
   and the time to its first loud audio at the listener is measured, several times.

    .venv/bin/python tests/bench/bench_radio.py                 # 20 s per polling phase
    .venv/bin/python tests/bench/bench_radio.py --seconds 5 --emergencies 2
"""

from datetime import datetime
from pathlib import Path

import argparse
import array
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench import loadgen  # noqa: E402
from tests.bench.bench_approval import build_in_child  # noqa: E402
from tests.bench.bench_approval import build_units  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import ensure_template  # noqa: E402
from tests.bench.bench_approval import free_port  # noqa: E402
from tests.bench.bench_approval import fresh_copy  # noqa: E402
from tests.bench.bench_approval import lap  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import PASSWORD  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import wait_until_serving  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402
from tests.bench.bench_syndication import start_server  # noqa: E402
from tests.bench.bench_syndication import summary  # noqa: E402
from tests.bench.bench_syndication import wait_for  # noqa: E402
from tests.streams import mounted  # noqa: E402


SECTION = "## Radio: speech and loudness, 3,321 stations polling, emergency to Icecast (issue 6)"
SECTION_PREFIX = "## Radio:"
BEGIN = "<!-- bench_radio.py: generated figures, replaced at every run -->"
END = "<!-- bench_radio.py: end of generated figures -->"
DATASET_VERSION = 1
EDITOR, APPROVER = "bench-radio-editor", "bench-radio-approver"
SCRIPTS = {
    "ngắn (~15 từ)": "UBND xã thông báo: chiều nay 17h có cuộc họp dân tại nhà văn hóa thôn 3.",
    "vừa (~60 từ)": (
        "Ủy ban nhân dân xã thông báo lịch tiêm chủng mở rộng cho trẻ em dưới 5 tuổi vào "
        "sáng thứ bảy ngày 5/12/2026 tại trạm y tế xã, từ 7h30 đến 11h. Đề nghị các gia "
        "đình mang theo sổ tiêm chủng và thẻ bảo hiểm y tế, đưa trẻ đến đúng giờ để "
        "tránh chờ đợi. Trẻ đang sốt hoặc ốm cần báo cho cán bộ y tế trước khi tiêm."
    ),
}
SCRIPTS["dài (~200 từ)"] = " ".join(
    [SCRIPTS["vừa (~60 từ)"]] * 3 + [SCRIPTS["ngắn (~15 từ)"]]
)


# --- 1. audio ----------------------------------------------------------------------------------


def audio_throughput(repeat):
    from nguon.radio import audio
    from nguon.radio import tts

    rows = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        for name, script in SCRIPTS.items():
            speech_s, two_pass_s, one_pass_s, seconds, lufs_two, lufs_one = (
                0,
                0,
                0,
                0,
                [],
                [],
            )
            for number in range(repeat):
                wav = folder / f"{number}.wav"
                started = time.perf_counter()
                tts.speak(script, wav, engine_name="espeak-ng")
                speech_s += time.perf_counter() - started
                started = time.perf_counter()
                made = audio.prepare(wav, folder / f"{number}.mp3")
                two_pass_s += time.perf_counter() - started
                seconds += made.duration
                lufs_two.append(made.loudness)
                started = time.perf_counter()
                one_pass(wav, folder / f"{number}-1.mp3")
                one_pass_s += time.perf_counter() - started
                lufs_one.append(audio.measure(folder / f"{number}-1.mp3"))
            rows.append(
                {
                    "script": name,
                    "audio_seconds": seconds / repeat,
                    "speech_rate": seconds / speech_s,
                    "two_pass_rate": seconds / two_pass_s,
                    "one_pass_rate": seconds / one_pass_s,
                    "both_rate": seconds / (speech_s + two_pass_s),
                    "two_pass_error": max(abs(x - audio.TARGET_LUFS) for x in lufs_two),
                    "one_pass_error": max(abs(x - audio.TARGET_LUFS) for x in lufs_one),
                }
            )
            say(
                f"audio {name}: {rows[-1]['both_rate']:.1f} s of audio per second (speech + R128)"
            )
    return rows


def one_pass(source, target):
    from nguon.radio import audio

    subprocess.run(
        [
            "ffmpeg",
            "-hide_banner",
            "-nostats",
            "-loglevel",
            "error",
            "-y",
            "-i",
            str(source),
            "-af",
            f"loudnorm=I={audio.TARGET_LUFS}:TP={audio.TRUE_PEAK}:LRA={audio.LOUDNESS_RANGE}",
            *audio.DELIVERY,
            str(target),
        ],
        check=True,
    )


# --- 2. the site -------------------------------------------------------------------------------


def build(root):
    """Units, a station per commune with its token, radio items, their audio prepared."""
    from nguon.devices import credentials
    from nguon.outbox.worker import drain
    from nguon.units.tree import group_id
    from nguon.units.tree import UNIT_TYPE
    from plone import api

    import transaction

    started = time.perf_counter()
    steps = {}
    _app, site, _settings = new_site(root)
    transaction.commit()
    with api.env.adopt_user(username="admin"):
        build_units(site)
        steps["units"] = lap(started, steps)
        stations, listened = [], None
        workflow = api.portal.get_tool("portal_workflow")
        units = list(api.content.find(portal_type=UNIT_TYPE, unrestricted=True))
        for number, brain in enumerate(units, 1):
            unit = brain._unrestrictedGetObject()
            if unit.level == "commune":
                station = api.content.create(
                    container=unit,
                    type="RadioStation",
                    title=f"Đài truyền thanh {unit.Title()}",
                )
                token = credentials.issue(station)
                stations.append(
                    {
                        "code": unit.code,
                        "token": token,
                        "path": "/".join(
                            unit.getPhysicalPath()[len(site.getPhysicalPath()) :]
                        ),
                    }
                )
                if listened is None:
                    listened = stations[-1]
                    for userid, kind in ((EDITOR, "editors"), (APPROVER, "approvers")):
                        api.user.create(
                            username=userid,
                            email=f"{userid}@nguon.invalid",
                            password=PASSWORD,
                        )
                        api.group.add_user(
                            groupname=group_id(unit.code, kind), username=userid
                        )
            elif unit.level == "province":
                for index, script in enumerate(list(SCRIPTS.values())[:2]):
                    item = api.content.create(
                        container=unit,
                        type="RadioItem",
                        title=f"Tin phát thanh {index + 1} của {unit.Title()}",
                        script=script,
                        category="health",
                        target_scope="subtree",
                    )
                    status = workflow.getStatusOf("nguon_approval_workflow", item)
                    workflow.setStatusOf(
                        "nguon_approval_workflow",
                        item,
                        dict(status, review_state="published"),
                    )
                    workflow.getWorkflowById(
                        "nguon_approval_workflow"
                    ).updateRoleMappingsFor(item)
                    item.setEffectiveDate(item.created())
                    item.reindexObject()
            if number % 200 == 0:
                transaction.commit()
                say(f"stations: {len(stations)} ({number}/{len(units)} units)")
        transaction.commit()
        steps["stations_and_items"] = lap(started, steps)
        drain(site)
        steps["audio_and_change_log"] = lap(started, steps)
    return {
        "stations": stations,
        "listened": listened,
        "steps": steps,
        "code": code_version(),
        "site": site.getId(),
    }


def polling(base_path, port, stations, seconds, connections):
    import requests

    base = f"http://127.0.0.1:{port}{base_path}"
    say(f"first poll of the emergency feed of {len(stations)} stations")
    session = requests.Session()
    events = []
    for station in stations:
        answer = session.get(
            f"{base}/@station-events",
            headers={"X-Station-Token": station["token"], "Accept": "application/json"},
        )
        events.append(
            loadgen.Request(
                f"{base_path}/@station-events",
                {
                    "X-Station-Token": station["token"],
                    "Accept": "application/json",
                    "If-None-Match": answer.headers["ETag"],
                },
            )
        )
    schedules = [
        loadgen.Request(
            f"{base_path}/@station-schedule",
            {"X-Station-Token": station["token"], "Accept": "application/json"},
        )
        for station in stations
    ]
    figures = {}
    for name, requests_ in (("schedule", schedules), ("events", events)):
        say(f"phase {name}: {seconds} s, {connections} connections")
        figures[name] = summary(
            loadgen.run("127.0.0.1", port, requests_, seconds, connections)
        )
        say(
            f"  {figures[name]['rate']:.0f} req/s, p95 {figures[name]['p95']:.1f} ms, {figures[name]['statuses']}"
        )
    return figures


# --- 3. emergency to Icecast --------------------------------------------------------------------


class Listener(threading.Thread):
    """Reads the Icecast mount as 8 kHz mono PCM; notes when loud audio arrives."""

    def __init__(self, url, threshold=1500):
        super().__init__(daemon=True)
        self.process = subprocess.Popen(
            [
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-i",
                url,
                "-ac",
                "1",
                "-ar",
                "8000",
                "-f",
                "s16le",
                "-",
            ],
            stdout=subprocess.PIPE,
        )
        self.threshold = threshold
        self.loud_since = None
        self.armed = threading.Event()

    def run(self):
        window = 400  # 50 ms
        while True:
            data = self.process.stdout.read(window * 2)
            if not data:
                return
            samples = array.array("h", data)
            rms = (sum(s * s for s in samples) / len(samples)) ** 0.5
            if self.armed.is_set() and self.loud_since is None and rms > self.threshold:
                self.loud_since = time.time()

    def arm(self):
        self.loud_since = None
        self.armed.set()

    def stop(self):
        self.process.terminate()


def emergencies(base_path, port, manifest, run, count):
    import requests

    base = f"http://127.0.0.1:{port}{base_path}"
    station = manifest["listened"]
    icecast_port = free_port()
    logs = Path(tempfile.mkdtemp(prefix="nguon-icecast-"))
    logs.chmod(0o755)
    config = run / "icecast.xml"
    changeowner = (
        "<changeowner><user>nobody</user><group>nogroup</group></changeowner>"
        if os.geteuid() == 0
        else ""
    )
    config.write_text(f"""<icecast><location>bench</location><admin>bench@nguon.invalid</admin>
<limits><clients>10</clients><sources>2</sources><burst-size>0</burst-size><source-timeout>10</source-timeout></limits>
<authentication><source-password>bench-source</source-password><relay-password>bench-relay</relay-password>
<admin-user>admin</admin-user><admin-password>bench-admin</admin-password></authentication>
<hostname>127.0.0.1</hostname><listen-socket><port>{icecast_port}</port><bind-address>127.0.0.1</bind-address></listen-socket>
<paths><basedir>/usr/share/icecast2</basedir><logdir>{logs}</logdir><webroot>/usr/share/icecast2/web</webroot>
<adminroot>/usr/share/icecast2/admin</adminroot></paths>
<logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>2</loglevel></logging>
<security><chroot>0</chroot>{changeowner}</security></icecast>""")
    if os.geteuid() == 0:
        shutil.chown(logs, "nobody", "nogroup")
    icecast = subprocess.Popen(
        ["icecast2", "-c", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    key = requests.get(
        f"{base}/@radio-signing-key", headers={"Accept": "application/json"}
    ).json()["public_key"]
    agent_log = open(run / "agent.log", "w")
    agent = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("nguon-station")),
            "run",
            "--site",
            base,
            "--public-key",
            key,
            "--cache",
            str(run / "station-cache"),
            "--icecast",
            f"127.0.0.1:{icecast_port}",
            "--mount",
            "/bench.mp3",
            "--telnet-port",
            str(free_port()),
        ],
        env={
            **os.environ,
            "NGUON_STATION_TOKEN": station["token"],
            "NGUON_ICECAST_PASSWORD": "bench-source",
        },
        stdout=agent_log,
        stderr=subprocess.STDOUT,
    )
    listener = None
    delays = []
    try:
        wait_for(lambda: mounted(f"http://127.0.0.1:{icecast_port}/bench.mp3"), 60)
        listener = Listener(f"http://127.0.0.1:{icecast_port}/bench.mp3")
        listener.start()
        time.sleep(5)
        editor, approver = requests.Session(), requests.Session()
        editor.auth, approver.auth = (EDITOR, PASSWORD), (APPROVER, PASSWORD)
        editor.headers["Accept"] = approver.headers["Accept"] = "application/json"
        unit = f"{base}/{station['path']}"
        for number in range(count):
            created = editor.post(
                unit,
                json={
                    "@type": "RadioItem",
                    "title": f"Cảnh báo khẩn cấp số {number + 1}",
                    "priority": "emergency",
                    "category": "disaster",
                    "script": f"Khẩn cấp số {number + 1}. Nước lũ lên nhanh, bà con vùng trũng di dời ngay.",
                },
            )
            item = created.json()["@id"]
            assert editor.post(f"{item}/@workflow/submit").status_code == 200
            time.sleep(1)
            listener.arm()
            published = approver.post(f"{item}/@workflow/publish")
            approved = time.time()
            assert published.status_code == 200, published.text
            wait_for(lambda: listener.loud_since is not None, 60, pause=0.05)
            delays.append(listener.loud_since - approved)
            say(
                f"emergency {number + 1}: audio out of Icecast {delays[-1]:.2f} s after its approval"
            )
            time.sleep(12)  # let it finish before the next
    finally:
        if listener:
            listener.stop()
        agent.terminate()
        agent.wait(20)
        agent_log.close()
        icecast.terminate()
        icecast.wait(10)
        shutil.rmtree(logs, ignore_errors=True)
    return delays


# --- orchestration and the document ----------------------------------------------------------


def run(args):
    figures = {"audio": audio_throughput(args.repeat)}
    folder = Path(args.db).resolve() / f"v{DATASET_VERSION}"
    manifest, built_now = ensure_template(
        args,
        folder / "template",
        lambda template: build_in_child(__file__, template),
        "the unit tree, 3,321 stations and radio items",
    )
    run_folder = folder / "run"
    fresh_copy(folder / "template", run_folder)
    port = free_port()
    server, log = start_server(run_folder, port)
    base_path = f"/{manifest['site']}"
    load_before = os.getloadavg()
    try:
        wait_until_serving(server, f"http://127.0.0.1:{port}{base_path}")
        figures["polling"] = polling(
            base_path, port, manifest["stations"], args.seconds, args.connections
        )
        figures["emergency"] = emergencies(
            base_path, port, manifest, run_folder, args.emergencies
        )
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()
    figures["load"] = [load_before, os.getloadavg()]
    generated = section(args, manifest, built_now, figures)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")
    return figures


def section(args, manifest, built_now, figures):
    m = machine()
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_radio.py --seconds "
        f"{args.seconds} --connections {args.connections} --repeat {args.repeat} --emergencies "
        f"{args.emergencies}` on {m['cpu']} ({m['nproc']} cores), {m['ram_gib']} GiB, Python "
        f"{m['python']}, Plone {m['plone']}; {describe_code(manifest['code'], code_version())}. "
        f"Load average before/after the site phases: {figures['load'][0][0]:.1f} / {figures['load'][1][0]:.1f}.",
        "",
        "**Speech and loudness** (espeak-ng `vi`, ffmpeg; seconds of audio produced per second "
        "of work, one core; worst distance from −23 LUFS):",
        "",
        "| script | audio s | speech | R128 two-pass (product) | one-pass (alternative) | speech + two-pass | two-pass off by | one-pass off by |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in figures["audio"]:
        lines.append(
            f"| {row['script']} | {row['audio_seconds']:.1f} | {row['speech_rate']:.0f}× | "
            f"{row['two_pass_rate']:.1f}× | {row['one_pass_rate']:.1f}× | {row['both_rate']:.1f}× | "
            f"{row['two_pass_error']:.2f} LU | {row['one_pass_error']:.2f} LU |"
        )
    polling_ = figures["polling"]
    lines += [
        "",
        f"**{len(manifest['stations']):,} stations polling** (one `runwsgi`, waitress 4 threads; "
        f"load generator: {args.connections} keep-alive connections, every request another station's "
        f"token; site {'built now' if built_now else 'reused'}: "
        + ", ".join(f"{k} {v} s" for k, v in manifest["steps"].items())
        + "):",
        "",
        "| request | requests/s | p50 ms | p95 ms | p99 ms | answers |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, title in (
        ("schedule", "`GET @station-schedule` (built and signed per request)"),
        ("events", "`GET @station-events` with If-None-Match → 304"),
    ):
        f = polling_[name]
        lines.append(
            f"| {title} | {f['rate']:,.0f} | {f['p50']:.1f} | {f['p95']:.1f} | {f['p99']:.1f} | {f['statuses']} |"
        )
    delays = figures["emergency"]
    lines += [
        "",
        f"Every station fetching its schedule once a minute needs "
        f"{len(manifest['stations']) / 60 / polling_['schedule']['rate'] * 100:.0f} % of this server; "
        f"polling emergencies every 2 s needs {len(manifest['stations']) / 2 / polling_['events']['rate'] * 100:.0f} %.",
        "",
        "**Emergency to Icecast** (approval answered → first loud 50 ms of the emergency at a "
        "listener of the Icecast mount; `nguon-station` polling every 2 s, real Liquidsoap and Icecast):",
        "",
        "| runs | min s | median s | max s |",
        "|---:|---:|---:|---:|",
        f"| {len(delays)} | {min(delays):.2f} | {statistics.median(delays):.2f} | {max(delays):.2f} |",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--emergencies", type=int, default=5)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "radio"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument("--phase", choices=["build"], help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "build":
        Path(args.out).write_text(json.dumps(build(Path(args.root))))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
