"""Alerts nationwide: from an approval to every one of 6,642 devices holding the signed alert
through Mosquitto, and its Cancel, beside the present 2 s polling in the same run.

1. **The site** (built once, reused): the official tree (3,321 communes in 34 provinces under
   the central unit, ``bench_approval.build_units``), a radio station and a public board in
   every commune, each with its token, and an editor and an approver for the central unit and
   for one province (Nghệ An).
2. **The parts**: a fresh copy served by ``runwsgi`` with the outbox worker (as
   ``nguon-start`` serves it) and the bundled Mosquitto (``nguon.instance.mosquitto``, the
   site's publisher login, anonymous read-only devices), the site told where it is by the
   ``NGUON_MQTT_*`` settings.
3. **6,642 devices** (``device_farm.subscribers``, several processes): every station and board
   connected to Mosquitto with its own topics (``messaging.topics.subscriptions`` of its
   commune's lineage) and checking every list with ``messaging.envelope.accept`` against the
   keys pinned from ``@radio-signing-key``.
4. **Rounds**: an editor creates an ``Alert`` and submits it; the approver publishes it
   (``@workflow/publish``). From the approving request's answer to each device holding the
   alert (a list it accepted has it): p50, p99, max; the CPU seconds of the Zope process (with
   its speech and audio children), Mosquitto and the device processes over that time. Then the
   Cancel: its publication until no device holds the alert any more. Once for the whole
   country, once for one province (no device elsewhere may hold it).
5. **Beside it, the present polling**: stations asking ``@station-events`` and boards their
   ``@board-playlist`` every 2 s with ``If-None-Match`` (``device_farm.pollers``). First a
   ladder finds how many pollers this Zope keeps at their interval; then, with that many
   polling and the 6,642 subscribers connected, one more country round measures both ways to
   the same alert.

    make bench-alerts
    .venv/bin/python tests/bench/bench_alerts.py --ladder 50,100 --no-doc   # a quicker try
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path
from typing import NamedTuple

import argparse
import json
import multiprocessing
import os
import resource
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench import device_farm  # noqa: E402
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
from tests.bench.bench_syndication import wait_for  # noqa: E402


SECTION = "## Alerts: 6,642 devices through Mosquitto beside 2 s polling (issue 16)"
SECTION_PREFIX = "## Alerts:"
BEGIN = "<!-- bench_alerts.py: generated figures, replaced at every run -->"
END = "<!-- bench_alerts.py: end of generated figures -->"
DATASET_VERSION = 2  # 2: the devices have fixed ids
GOAL_SECONDS = 3.0
PROVINCE_TITLE = "Nghệ An"
USERS = {  # (scope, role) -> user id
    ("country", "editor"): "bench-alert-editor",
    ("country", "approver"): "bench-alert-approver",
    ("province", "editor"): "bench-alert-province-editor",
    ("province", "approver"): "bench-alert-province-approver",
}


# --- figures (no site: tested in tests/unit/test_bench_alerts.py) -------------------------------


def percentile(ordered, share):
    """The value below which ``share`` (0–1) of the sorted values ``ordered`` lie, linearly
    interpolated between the two nearest ranks (``statistics.quantiles``' inclusive method)."""
    if not ordered:
        raise ValueError("no values")
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def delivery(times, expected, since):
    """Figures of one delivery: ``times`` are ``{device: seconds since the epoch}`` of the
    devices that got there, ``expected`` the devices that should, ``since`` the approving
    answer's time. Devices outside ``expected`` that got there are counted as ``wrong``."""
    delays = sorted(
        moment - since for device, moment in times.items() if device in expected
    )
    figures = {
        "expected": len(expected),
        "reached": len(delays),
        "wrong": sum(1 for device in times if device not in expected),
    }
    if delays:
        figures.update(
            {
                "first": delays[0],
                "p50": percentile(delays, 0.5),
                "p99": percentile(delays, 0.99),
                "max": delays[-1],
                "within_goal": sum(1 for d in delays if d <= GOAL_SECONDS),
            }
        )
    return figures


def cpu_seconds(pid, children=False):
    """User and system CPU seconds of process ``pid`` (with its waited-for children)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def machine_busy():
    """Busy and total CPU seconds of the whole machine since boot (every core)."""
    values = [
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    ]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values) - idle) / os.sysconf("SC_CLK_TCK")


# --- 1. the site --------------------------------------------------------------------------------


def build(root):
    """Units, a station and a board per commune with their tokens, the alert authors."""
    from nguon.devices.credentials import issue
    from nguon.units.tree import group_id
    from nguon.units.tree import lineage
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
        site_path = len(site.getPhysicalPath())

        def path(unit):
            return "/".join(unit.getPhysicalPath()[site_path:])

        central = api.content.find(
            portal_type=UNIT_TYPE, unit_level="central", unrestricted=True
        )[0]._unrestrictedGetObject()
        province = next(
            b._unrestrictedGetObject()
            for b in api.content.find(
                portal_type=UNIT_TYPE, unit_level="province", unrestricted=True
            )
            if PROVINCE_TITLE in b.Title
        )
        for (scope, role), userid in USERS.items():
            unit = central if scope == "country" else province
            api.user.create(
                username=userid, email=f"{userid}@nguon.invalid", password=PASSWORD
            )
            api.group.add_user(
                groupname=group_id(unit.code, f"{role}s"), username=userid
            )
        communes = [
            b._unrestrictedGetObject()
            for b in api.content.find(
                portal_type=UNIT_TYPE,
                unit_level="commune",
                unrestricted=True,
                sort_on="id",
            )
        ]
        devices = []
        for number, commune in enumerate(communes, 1):
            codes = [code for code, _level in lineage(commune)]
            station = api.content.create(
                container=commune,
                type="RadioStation",
                id="dai-truyen-thanh",  # an id given: no renaming after creation
                title=f"Đài truyền thanh {commune.Title()}",
            )
            board = api.content.create(
                container=commune,
                type="PublicBoard",
                id="bang-tin",
                title=f"Bảng tin {commune.Title()}",
                location="Nhà văn hóa",
                size_class="lcd",
                width=1920,
                height=1080,
                opening_start="00:00",
                opening_end="23:59",
            )
            for kind, device in (("radio", station), ("board", board)):
                devices.append(
                    {
                        "id": len(devices),
                        "kind": kind,
                        "lineage": codes,
                        "token": issue(device),
                    }
                )
            if number % 100 == 0:
                transaction.commit()
                say(f"devices: {len(devices)} ({number}/{len(communes)} communes)")
        transaction.commit()
        steps["devices"] = lap(started, steps)
    return {
        "devices": devices,
        "central": {"code": central.code, "path": path(central)},
        "province": {
            "code": province.code,
            "title": province.Title(),
            "path": path(province),
        },
        "steps": steps,
        "code": code_version(),
        "site": site.getId(),
    }


# --- 2. the parts -------------------------------------------------------------------------------


def raise_open_files():
    """Let this process and its children (Mosquitto, the device farms) hold every connection."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


class Farms:
    """Child processes of simulated devices, each answering over its pipe."""

    def __init__(self, target, shares):
        context = multiprocessing.get_context("spawn")
        self.pipes, self.processes = [], []
        for args in shares:
            parent, child = context.Pipe()
            process = context.Process(target=target, args=(child, *args), daemon=True)
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        for pipe in self.pipes:
            if not pipe.poll(300) or pipe.recv() != "ready":
                raise RuntimeError("a device process did not start")

    @property
    def pids(self):
        return [process.pid for process in self.processes]

    def ask(self, *command):
        for pipe in self.pipes:
            pipe.send(command)
        return [pipe.recv() for pipe in self.pipes]

    def times(self, kind, uid):
        """``{device: time}`` of every process for ``held`` or ``cleared``."""
        found = {}
        for answer in self.ask(kind, uid):
            found.update(dict(answer))
        return found

    def cpu(self):
        return sum(cpu_seconds(pid) for pid in self.pids)

    def stop(self):
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            try:
                pipe.send(("stop",))
                pipe.poll(30) and pipe.recv()
            except (BrokenPipeError, EOFError, OSError):
                pass
            process.join(10)
            if process.is_alive():
                process.terminate()


def subscriber_farms(devices, broker, keys, processes):
    from nguon.messaging import topics

    entries = [
        (device["id"], topics.subscriptions(device["lineage"], device["kind"]))
        for device in devices
    ]
    shares = [
        (entries[number::processes], broker.host, broker.port, keys)
        for number in range(processes)
    ]
    farms = Farms(device_farm.subscribers, shares)
    say(f"{len(devices)} devices connecting to Mosquitto from {processes} processes")
    wait_for(
        lambda: sum(s["subscribed"] for s in farms.ask("status")) >= len(devices),
        300,
    )
    return farms


# --- 3. rounds ----------------------------------------------------------------------------------


class Authors:
    """An editor and an approver of one unit, speaking plone.restapi."""

    def __init__(self, base, unit_path, scope):
        import requests

        self.base, self.unit = base, f"{base}/{unit_path}"
        self.editor, self.approver = requests.Session(), requests.Session()
        self.editor.auth = (USERS[(scope, "editor")], PASSWORD)
        self.approver.auth = (USERS[(scope, "approver")], PASSWORD)
        for session in (self.editor, self.approver):
            session.headers["Accept"] = "application/json"

    def draft(self, title, timeout):
        """A submitted alert for the unit's whole area, its audio ready: returns its ``@id``,
        UID and the seconds from its creation to its audio being ready."""
        expires = datetime.now(UTC) + timedelta(hours=6)
        created = self.editor.post(
            self.unit,
            json={
                "@type": "Alert",
                "title": title,
                "event": "Lũ quét",
                "category": "disaster",
                "target_scope": "subtree",
                "cap_categories": ["Met"],
                "urgency": "Immediate",
                "severity": "Extreme",
                "certainty": "Observed",
                "alert_description": "Mưa lớn kéo dài, nước lũ lên nhanh ở các sông suối.",
                "instruction": "Bà con vùng trũng di dời ngay lên chỗ cao, không qua ngầm, tràn.",
                "expires": expires.isoformat(timespec="seconds"),
            },
        )
        assert created.status_code == 201, created.text
        written = time.time()
        item = created.json()
        answer = self.editor.post(f"{item['@id']}/@workflow/submit")
        assert answer.status_code == 200, answer.text
        return item["@id"], item["UID"], self.listen(item["@id"], timeout) - written

    def listen(self, url, timeout):
        """What an approver does before approving: wait for the alert's audio (the tone and
        the warning, made from the moment it is written) and play it; returns when it was
        ready. Its page shows it as soon as ``@@radio-audio`` serves it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.approver.get(f"{url}/@@radio-audio", stream=True) as answer:
                if answer.status_code == 200:
                    return time.time()
            time.sleep(0.2)
        raise RuntimeError(f"the audio of {url} was not ready within {timeout} s")

    def publish(self, url):
        """Approve; returns the time the answer arrived."""
        answer = self.approver.post(f"{url}/@workflow/publish")
        answered = time.time()
        assert answer.status_code == 200, answer.text
        return answered

    def cancel(self, url):
        """The alert's Cancel button, and the Cancel submitted; returns its ``@id``."""
        answer = self.editor.post(f"{url}/@alert-cancel")
        assert answer.status_code in (200, 201), answer.text
        cancel = answer.json()["@id"]
        submitted = self.editor.post(f"{cancel}/@workflow/submit")
        assert submitted.status_code == 200, submitted.text
        return cancel


class Meter:
    """CPU seconds of the parts between ``start`` and ``stop``."""

    def __init__(self, parts):
        self.parts = parts  # name -> callable returning CPU seconds so far

    def start(self):
        self.before = {name: read() for name, read in self.parts.items()}
        self.machine_before, self.wall_before = machine_busy(), time.time()

    def stop(self):
        used = {name: read() - self.before[name] for name, read in self.parts.items()}
        used["machine"] = machine_busy() - self.machine_before
        used["wall"] = time.time() - self.wall_before
        return used


class Source(NamedTuple):
    """Simulated devices reached one way: their processes, and ``{device: kind}``."""

    farms: Farms
    devices: dict


def await_devices(sources, step, uid, targets, timeout):
    """Wait until every targeted device of every source got there (``step`` ``held`` or
    ``cleared``), or the timeout; returns ``{source: {device: time}}``."""
    deadline = time.monotonic() + timeout
    while True:
        found = {
            name: source.farms.times(step, uid) for name, source in sources.items()
        }
        done = all(
            targets & source.devices.keys() <= found[name].keys()
            for name, source in sources.items()
        )
        if done or time.monotonic() > deadline:
            return found
        time.sleep(0.1)


def figures_of(found, sources, targets, since):
    """Per source: the figures of its targeted devices, of all and per channel."""
    figures = {}
    for name, source in sources.items():
        times = found[name]
        figures[name] = {"all": delivery(times, targets & source.devices.keys(), since)}
        for kind in ("radio", "board"):
            members = {d for d, k in source.devices.items() if k == kind}
            figures[name][kind] = delivery(
                {d: t for d, t in times.items() if d in members},
                members & targets,
                since,
            )
    return figures


def one_round(name, authors, sources, targets, meter, timeout, beside=False):
    """An alert approved, then its Cancel approved: figures and CPU of both; ``beside``: the
    pollers poll meanwhile."""
    url, uid, audio = authors.draft(f"KHẨN CẤP: lũ quét ({name})", timeout)
    time.sleep(2)  # the approver listens; the background work of the submission is done
    outcome = {"name": name, "audio_seconds": audio, "beside": beside}
    for step in ("held", "cleared"):
        if step == "cleared":
            approved = authors.cancel(url)
            time.sleep(2)  # as above
        else:
            approved = url
        meter.start()
        sent = time.time()
        since = authors.publish(approved)
        found = await_devices(sources, step, uid, targets, timeout)
        outcome[step] = {
            "cpu": meter.stop(),
            "request": since - sent,
            "figures": figures_of(found, sources, targets, since),
        }
        say(
            f"{name}, {'alert' if step == 'held' else 'cancel'}: "
            + "; ".join(
                f"{source} {f['all']['reached']}/{f['all']['expected']} devices, max "
                f"{f['all'].get('max', float('nan')):.2f} s, wrong {f['all']['wrong']}"
                for source, f in outcome[step]["figures"].items()
            )
        )
        time.sleep(3)
    return outcome


def reconnect(authors, devices, node, keys, args, parts):
    """Every device connecting at once while a country alert is in force (a broker restart,
    a power cut ending): from the first connection to each device holding the alert, which
    the broker gives it from the retained lists. Returns the figures and the new devices."""
    url, uid, _audio = authors.draft("KHẨN CẤP: lũ quét (kết nối lại)", args.timeout)
    time.sleep(2)
    since = authors.publish(url)
    time.sleep(5)  # on the broker, retained, long before
    parts = {
        name: read for name, read in parts.items() if name in ("zope", "mosquitto")
    }
    meter = Meter(parts)
    meter.start()
    farms = subscriber_farms(devices, node.broker, keys, args.processes)
    started = min(status["began"] for status in farms.ask("status"))
    everyone = {d["id"] for d in devices}
    found = await_devices(
        {"mqtt": Source(farms, dict.fromkeys(everyone))},
        "held",
        uid,
        everyone,
        args.timeout,
    )
    cpu = meter.stop()
    cpu["subscribers"] = farms.cpu()
    refused = sum(status["refused"] for status in farms.ask("status"))
    say(f"reconnect: {len(found['mqtt'])} devices hold the alert published {since:.0f}")
    figures = {
        "cpu": cpu,
        "figures": delivery(found["mqtt"], everyone, started),
        "refused": refused,
        "uid": uid,
    }
    return figures, farms


def receipts(uid, devices, polling, timeout, zope_cpu, processes=2):
    """Every device reporting at once over HTTP that it holds the alert ``uid`` (a receipt in
    the delivery ledger): from the moment they start to each receipt acknowledged."""
    entries = [(d["id"], d["kind"], d["token"]) for d in devices]
    farms = Farms(
        device_farm.reporters,
        [
            (
                entries[n::processes],
                polling.port,
                polling.base_path,
                max(1, polling.connections // processes),
            )
            for n in range(processes)
        ],
    )
    try:
        cpu_before = zope_cpu()
        started = time.time()
        farms.ask("report", uid)
        everyone = {d["id"] for d in devices}
        found = await_devices(
            {"receipts": Source(farms, dict.fromkeys(everyone))},
            "held",
            uid,
            everyone,
            timeout,
        )["receipts"]
        figures = delivery(found, everyone, started)
        figures["zope_cpu"] = zope_cpu() - cpu_before
        figures["statuses"] = {}
        for status in farms.ask("status"):
            for code, count in status["statuses"].items():
                figures["statuses"][str(code)] = (
                    figures["statuses"].get(str(code), 0) + count
                )
        say(
            f"receipts: {figures['reached']}/{len(everyone)} acknowledged, last "
            f"{figures.get('max', float('nan')):.1f} s, {figures['statuses']}"
        )
        return figures
    finally:
        farms.stop()


# --- 4. polling ---------------------------------------------------------------------------------


def polling_devices(devices, count):
    """``count`` pollers spread over the country: stations and boards of every k-th commune."""
    communes = len(devices) // 2
    step = max(1, communes // max(1, count // 2))
    chosen = []
    for commune in range(0, communes, step):
        chosen += devices[2 * commune : 2 * commune + 2]
    return chosen[:count]


class Polling(NamedTuple):
    """Where and how the pollers poll."""

    port: int
    base_path: str
    keys: list
    interval: float
    connections: int  # kept-alive connections to Zope, shared as a reverse proxy would


def poller_farms(devices, polling, per_process=1000):
    entries = [(d["id"], d["kind"], d["token"]) for d in devices]
    processes = max(1, -(-len(entries) // per_process))
    return Farms(
        device_farm.pollers,
        [
            (
                entries[n::processes],
                polling.port,
                polling.base_path,
                polling.keys,
                polling.interval,
                max(1, polling.connections // processes),
            )
            for n in range(processes)
        ],
    )


def ladder(counts, devices, polling, seconds, zope_cpu):
    """How many pollers this Zope keeps at their interval: each count polls for ``seconds``
    after a warm-up; a count is sustained when the answers came at 95 % of the intended
    rate without errors, 99 % of them within half the interval (a poll answered later
    than that is a queue growing, not a server keeping up). Returns the rows and the
    largest sustained count."""
    rows, best = [], 0
    started, cpu_before = time.monotonic(), zope_cpu()
    time.sleep(seconds)  # Zope's own background work, with nobody polling
    idle = (zope_cpu() - cpu_before) / (time.monotonic() - started)
    say(f"no pollers: Zope {idle * 100:.0f} % of a core")
    for count in counts:
        chosen = polling_devices(devices, count)
        farms = poller_farms(chosen, polling)
        try:
            time.sleep(2 * polling.interval)  # every poller has its ETag
            before, cpu_before = farms.ask("status"), zope_cpu()
            started = time.monotonic()
            time.sleep(seconds)
            after, cpu_after = farms.ask("status"), zope_cpu()
            elapsed = time.monotonic() - started
        finally:
            farms.stop()
        answered = sum(
            a["requests"] - b["requests"] for a, b in zip(after, before, strict=True)
        )
        errors = sum(
            a["errors"] - b["errors"] for a, b in zip(after, before, strict=True)
        )
        latencies = sorted(x for a in after for x in a["latencies"])
        row = {
            "pollers": len(chosen),
            "intended": len(chosen) / polling.interval,
            "rate": answered / elapsed,
            "errors": errors,
            "p50_ms": percentile(latencies, 0.5) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000,
            "zope_cpu": (cpu_after - cpu_before) / elapsed,
            "zope_idle": idle,
        }
        row["sustained"] = (
            not errors
            and row["rate"] >= 0.95 * row["intended"]
            and row["p99_ms"] < 1000 * polling.interval / 2
        )
        rows.append(row)
        say(
            f"{row['pollers']} pollers: {row['rate']:.0f} of {row['intended']:.0f} polls/s, "
            f"p99 {row['p99_ms']:.0f} ms, Zope {row['zope_cpu'] * 100:.0f} % of a core"
            + ("" if row["sustained"] else " — not sustained")
        )
        if not row["sustained"]:
            break
        best = len(chosen)
    return rows, best


# --- orchestration and the document -------------------------------------------------------------


def signing_keys(base):
    import requests

    answer = requests.get(
        f"{base}/@radio-signing-key", headers={"Accept": "application/json"}
    )
    answer.raise_for_status()
    return answer.json()["keys"]


def run(args):
    from tests.messaging import MosquittoNode

    open_files = raise_open_files()
    folder = Path(args.db).resolve() / f"v{DATASET_VERSION}"
    manifest, built_now = ensure_template(
        args,
        folder / "template",
        lambda template: build_in_child(__file__, template),
        "the unit tree, a station and a board in every commune",
    )
    run_folder = folder / "run"
    fresh_copy(folder / "template", run_folder)
    node = MosquittoNode(run_folder / "var" / "mosquitto").start()
    port = free_port()
    # The simulated devices never report to the site: a day before the health round calls
    # them offline, so that it does not mail 6,642 alarms in the middle of the run.
    server, log = start_server(
        run_folder, port, env={**node.environ, "NGUON_DEVICE_OFFLINE_MINUTES": "1440"}
    )
    base_path = f"/{manifest['site']}"
    base = f"http://127.0.0.1:{port}{base_path}"
    devices = manifest["devices"]
    kinds = {d["id"]: d["kind"] for d in devices}
    everyone = set(kinds)
    in_province = {
        d["id"] for d in devices if manifest["province"]["code"] in d["lineage"]
    }
    figures = {"rounds": [], "load": [os.getloadavg()]}
    subscribers = pollers = None
    try:
        wait_until_serving(server, base)
        keys = signing_keys(base)
        subscribers = subscriber_farms(devices, node.broker, keys, args.processes)
        mqtt = {"mqtt": Source(subscribers, kinds)}
        parts = {
            "zope": lambda: cpu_seconds(server.pid, children=True),
            "mosquitto": lambda: cpu_seconds(node.bundled.process.pid),
            "subscribers": subscribers.cpu,
        }
        country = Authors(base, manifest["central"]["path"], "country")
        province = Authors(base, manifest["province"]["path"], "province")
        for number in range(args.rounds):
            for name, authors, targets in (
                ("whole country", country, everyone),
                (manifest["province"]["title"], province, in_province),
            ):
                figures["rounds"].append(
                    one_round(
                        f"{name} #{number + 1}",
                        authors,
                        mqtt,
                        targets,
                        Meter(parts),
                        args.timeout,
                    )
                )
        polling = Polling(port, base_path, keys, args.interval, args.connections)
        counts = [int(c) for c in args.ladder.split(",")]
        figures["ladder"], sustained = ladder(
            counts, devices, polling, args.ladder_seconds, parts["zope"]
        )
        # Beside the broadcast: as many pollers as Zope kept up with (the first count when
        # it kept up with none, and the round says so).
        chosen = polling_devices(devices, sustained or counts[0])
        pollers = poller_farms(chosen, polling)
        time.sleep(2 * args.interval)
        sources = {
            **mqtt,
            "polling": Source(pollers, {d["id"]: d["kind"] for d in chosen}),
        }
        parts["pollers"] = pollers.cpu
        figures["rounds"].append(
            one_round(
                f"whole country, {len(chosen)} polling beside"
                + ("" if sustained else " (more than Zope keeps up with)"),
                country,
                sources,
                everyone,
                Meter(parts),
                args.timeout,
                beside=True,
            )
        )
        pollers.stop()
        pollers = None
        figures["subscribers"] = subscribers.ask("status")
        subscribers.stop()
        subscribers = None
        figures["reconnect"], subscribers = reconnect(
            country, devices, node, keys, args, parts
        )
        if args.receipts:
            figures["receipts"] = receipts(
                figures["reconnect"]["uid"],
                devices,
                polling,
                args.receipts_timeout,
                parts["zope"],
            )
    finally:
        for farms in (pollers, subscribers):
            if farms:
                farms.stop()
        server.terminate()
        server.wait(timeout=120)
        log.close()
        node.stop()
    figures["load"].append(os.getloadavg())
    figures["open_files"] = open_files
    (run_folder / "figures.json").write_text(json.dumps(figures, indent=1))
    generated = section(args, manifest, built_now, figures)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")
    return figures


def mosquitto_version():
    from nguon.instance.mosquitto import executable

    import subprocess

    shown = subprocess.run([executable(), "-h"], capture_output=True, text=True).stdout
    return shown.split("\n", 1)[0].replace("mosquitto version", "").strip()


def seconds(value):
    return "–" if value is None else f"{value:.2f}"


def goal(rounds):
    """Whether every device held every alert, and dropped every cancelled one, within the
    goal through Mosquitto (the rounds without pollers beside); the worst time seen."""
    worst, complete = 0.0, True
    for outcome in (r for r in rounds if not r.get("beside")):
        for step in ("held", "cleared"):
            f = outcome[step]["figures"]["mqtt"]["all"]
            complete &= f["reached"] == f["expected"] and not f["wrong"]
            worst = max(worst, f.get("max", float("inf")))
    return complete and worst <= GOAL_SECONDS, worst


def section(args, manifest, built_now, figures):
    m = machine()
    rounds = figures["rounds"]
    met, worst = goal(rounds)
    subscribed = sum(s["subscribed"] for s in figures["subscribers"])
    refused = sum(s["refused"] for s in figures["subscribers"])
    accepted = sum(s["accepted"] for s in figures["subscribers"])
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_alerts.py --rounds "
        f"{args.rounds} --processes {args.processes} --interval {args.interval:g} --connections "
        f"{args.connections} --ladder "
        f"{args.ladder} --ladder-seconds {args.ladder_seconds:g}` (`make bench-alerts`) on "
        f"{m['cpu']} ({m['nproc']} cores), {m['ram_gib']} GiB, Python {m['python']}, Plone "
        f"{m['plone']}, Mosquitto {mosquitto_version()}; "
        f"{describe_code(manifest['code'], code_version())}. Load average before/after: "
        f"{figures['load'][0][0]:.1f} / {figures['load'][1][0]:.1f} (the machine is shared).",
        "",
        f"Site: the official tree, {len(manifest['devices']) // 2:,} communes with a radio "
        f"station and a board each ({'built now' if built_now else 'reused'}: "
        + ", ".join(f"{k} {v} s" for k, v in manifest["steps"].items())
        + "). One `runwsgi` process (waitress, 4 threads) with the outbox worker, which "
        "publishes the signed lists; the bundled Mosquitto; "
        f"{len(manifest['devices']):,} simulated devices ({subscribed:,} subscribed) in "
        f"{args.processes} processes, each device a `nguon.messaging.subscriber.Subscriber` "
        "on its own topics that accepts a list only after `envelope.accept` (Ed25519 "
        f"signature by the pinned key, topic, sequence, validity): {accepted:,} lists "
        f"accepted, {refused} refused over the run. Everything shares the 2 cores.",
        "",
        f"**Goal — every device within {GOAL_SECONDS:g} s of the approving answer, alert and "
        f"Cancel, through Mosquitto: {'met' if met else 'not met'}** (worst device "
        f"{worst:.2f} s, rounds without pollers).",
        "",
        "From the approving request's answer to each device holding the signed alert (a "
        "list it accepted has it), and for the Cancel from its approval's answer to each "
        "device no longer holding the alert; *elsewhere*: devices outside the alert's area "
        "that held it (must be 0). The approver approves once the alert's audio is ready "
        "(its page plays it from `@@radio-audio`; it is made from the moment the alert is "
        "written, *audio ready* below):",
        "",
        "| round | message | way | channel | devices | p50 s | p99 s | max s | within 3 s | elsewhere |",
        "|---|---|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for outcome in rounds:
        for step, message in (("held", "alert"), ("cleared", "Cancel")):
            for way, by_channel in outcome[step]["figures"].items():
                for channel in ("all", "radio", "board"):
                    f = by_channel[channel]
                    lines.append(
                        f"| {outcome['name']} | {message} | {way} | {channel} | "
                        f"{f['reached']:,}/{f['expected']:,} | {seconds(f.get('p50'))} | "
                        f"{seconds(f.get('p99'))} | {seconds(f.get('max'))} | "
                        f"{f.get('within_goal', 0):,} | {f['wrong']} |"
                    )
    lines += [
        "",
        "CPU seconds spent from sending the approving request until the script saw the last "
        "device there (*window*; Zope with its speech and audio children; the device "
        "processes verify every signature; *machine*: every process of the machine, other "
        "jobs included); *approving request*: until its answer, which the delivery times "
        "above start from:",
        "",
        "| round | message | audio ready s | approving request s | window s | Zope | Mosquitto | MQTT devices | pollers | machine |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for outcome in rounds:
        for step, message in (("held", "alert"), ("cleared", "Cancel")):
            c = outcome[step]["cpu"]
            audio = outcome["audio_seconds"] if step == "held" else None
            lines.append(
                f"| {outcome['name']} | {message} | {seconds(audio)} | "
                f"{outcome[step]['request']:.2f} | {c['wall']:.2f} | "
                f"{c['zope']:.2f} | "
                f"{c['mosquitto']:.2f} | {c['subscribers']:.2f} | "
                f"{seconds(c.get('pollers'))} | {c['machine']:.2f} |"
            )
    lines += [
        "",
        f"**The present polling**, every {args.interval:g} s with `If-None-Match` (stations "
        "`@station-events`, signature checked; boards `@board-playlist`; sharing "
        f"{args.connections} kept-alive connections as a reverse proxy would), {args.ladder_seconds:g} s per step after a warm-up, stopping at the first "
        "count Zope does not keep at its interval (95 % of the intended polls answered, no "
        "error, p99 under half the interval):",
        "",
        "| pollers | polls/s intended | answered/s | p50 ms | p99 ms | Zope CPU (share of one core) | kept up |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in figures.get("ladder", []):
        lines.append(
            f"| {row['pollers']:,} | {row['intended']:.0f} | {row['rate']:.0f} | "
            f"{row['p50_ms']:.0f} | {row['p99_ms']:.0f} | {row['zope_cpu'] * 100:.0f} % | "
            f"{'yes' if row['sustained'] else 'no'} |"
        )
    lines += polling_summary(figures.get("ladder", []), args.interval, manifest)
    if "reconnect" in figures:
        r, c = figures["reconnect"]["figures"], figures["reconnect"]["cpu"]
        lines += [
            "",
            f"**Reconnect**: every device disconnected, then all {r['expected']:,} connecting "
            f"at once ({args.processes} processes, each opening its connections 50 at a time) "
            "while a country alert is in force; from the first connection to each device "
            "holding the alert from the broker's retained lists: "
            f"{r['reached']:,} reached, p50 {seconds(r.get('p50'))} s, p99 "
            f"{seconds(r.get('p99'))} s, max {seconds(r.get('max'))} s; CPU seconds: Zope "
            f"{c['zope']:.2f}, Mosquitto {c['mosquitto']:.2f}, devices {c['subscribers']:.2f} "
            f"(starting their processes included); lists refused: "
            f"{figures['reconnect']['refused']}.",
        ]
    if "receipts" in figures:
        r = figures["receipts"]
        lines += [
            "",
            f"**Receipts**: then every device reports at once over HTTP that it holds that "
            "alert (a station's as-run record, a board's proof record, status `received`: "
            "a receipt in the delivery ledger), through "
            f"{args.connections} shared connections: {r['reached']:,} of {r['expected']:,} "
            f"acknowledged ({r['statuses']}), p50 {seconds(r.get('p50'))} s, p99 "
            f"{seconds(r.get('p99'))} s, the last {seconds(r.get('max'))} s after they "
            f"started; Zope {r['zope_cpu']:.1f} CPU seconds "
            f"({r['zope_cpu'] / max(1, r['reached']) * 1000:.1f} ms a receipt).",
        ]
    lines += [
        "",
        END,
    ]
    return "\n".join(lines)


def polling_summary(rows, interval, manifest):
    """What the ladder says about every device polling, in words."""
    kept = [row for row in rows if row["sustained"]]
    if not rows:
        return []
    if not kept:
        return [
            "",
            f"Zope kept up with none of the counts tried (the smallest, {rows[0]['pollers']}, "
            "polled beside the broadcast above).",
        ]
    best = kept[-1]
    # CPU seconds of Zope per answered poll, above what it spends with nobody polling.
    per_poll = max(0.0, best["zope_cpu"] - best["zope_idle"]) / best["rate"]
    devices = len(manifest["devices"])
    needed = devices / interval * per_poll
    return [
        "",
        f"This Zope process kept **{best['pollers']:,} pollers** at their interval "
        f"({best['rate']:.0f} polls/s, {per_poll * 1000:.1f} ms of Zope CPU per poll above "
        f"the {best['zope_idle'] * 100:.0f} % of a core it used with nobody polling). "
        f"All {devices:,} devices polling every {interval:g} s would ask "
        f"{devices / interval:,.0f} polls/s: about {needed:.0f} cores of Zope processes at "
        "that cost, against the broadcast's CPU per alert in the table above.",
    ]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--interval", type=float, default=2)
    parser.add_argument("--ladder", default="50,100,150,200,300,400,600,800,1000")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--ladder-seconds", type=float, default=10)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument(
        "--no-receipts", dest="receipts", action="store_false", help="skip the receipts"
    )
    parser.add_argument("--receipts-timeout", type=float, default=600)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "alerts"))
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
