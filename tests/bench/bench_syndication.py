"""Syndication under load: 3,321 commune consumers polling their feeds, and a push fanned out
to 3,321 consumers.

The site holds the full official unit tree (34 provinces, 3,321 communes) and items published
for it: one of each commune's own, ten of each province's for its whole area, five of the
centre's for the whole country, so each commune's feed lists sixteen items. It is served by
``runwsgi`` with nguon's own ``wsgi.ini`` (waitress, 4 threads), outbox worker and pusher
threads running, exactly as ``nguon-start`` serves it.

Polling (``tests/bench/loadgen.py``, keep-alive connections on loopback, closed loop): every
request is one commune's, in turn, for all 3,321 communes, in three phases of the same length
in the same run:

- conditional ``GET feed.json?since=<cursor>`` with the commune's ``If-None-Match`` (the
  ``304`` every idle poll gets);
- full ``GET feed.json`` renders (the current page, no condition);
- a static file served by the same server (the ceiling of the server and client).

Push: 3,321 subscriptions made through ``@subscriptions`` (intent verified against the
consumer farm, ``tests/bench/consumer_farm.py``, one callback and secret per commune, in
another process), then the centre publishes a bulletin for the whole country; the figure is
the time from the publishing request's answer (its transaction committed) to the last of the
3,321 signature-checked acknowledgements.

The push figures stand beside those of the code before issue 18 (``PUSH_BEFORE``: one
thread per request from 64 threads, a new connection each, every document rendered whole; the
farm then was ``http.server``'s thread per connection, itself a bottleneck).

    .venv/bin/python tests/bench/bench_syndication.py                 # 20 s per phase
    .venv/bin/python tests/bench/bench_syndication.py --seconds 5 --connections 16
    .venv/bin/python tests/bench/bench_syndication.py --push-only     # polling table kept
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import argparse
import json
import os
import secrets
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench import loadgen  # noqa: E402
from tests.bench.bench_approval import ADMIN_PASSWORD  # noqa: E402
from tests.bench.bench_approval import build_in_child  # noqa: E402
from tests.bench.bench_approval import build_units  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import ensure_template  # noqa: E402
from tests.bench.bench_approval import free_port  # noqa: E402
from tests.bench.bench_approval import fresh_copy  # noqa: E402
from tests.bench.bench_approval import instance_settings  # noqa: E402
from tests.bench.bench_approval import lap  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import PASSWORD  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import wait_until_serving  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402


SECTION = "## Syndication: 3,321 communes polling, and a push to all of them (issue 5)"
SECTION_PREFIX = "## Syndication:"
BEGIN = "<!-- bench_syndication.py: generated figures, replaced at every run -->"
END = "<!-- bench_syndication.py: end of generated figures -->"
DATASET_VERSION = 1
PROVINCE_ITEMS, CENTRAL_ITEMS = 10, 5
EDITOR, APPROVER = "bench-central-editor", "bench-central-approver"
# The push fan-out measured before issue 18 (docs/benchmarks.md, 2026-11-29 06:40, code
# 59605ee, load average 0.4 / 1.7): what the figures of a run stand beside.
PUSH_BEFORE = {
    "when": "2026-11-29, code 59605ee",
    "subscribing": "3,321 in 22 s",
    "publish_request_seconds": 0.052,
    "first_ack": 0.21,
    "median_ack": 2.21,
    "last_ack": 3.87,
    "refused": 0,
}
STATIC_CANDIDATES = (
    "++plone++static/plone-logo.svg",
    "++plone++static/favicon.ico",
    "favicon.ico",
    "logo.png",
)


# --- the database ----------------------------------------------------------------------------


def build(root):
    """Site, units, central users and published items, delivered to the change log."""
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
        for userid, kind in ((EDITOR, "editors"), (APPROVER, "approvers")):
            api.user.create(
                username=userid, email=f"{userid}@nguon.invalid", password=PASSWORD
            )
            api.group.add_user(groupname=group_id("VN", kind), username=userid)
        units = [
            brain
            for brain in api.content.find(portal_type=UNIT_TYPE, unrestricted=True)
        ]
        communes, count = [], 0
        for number, brain in enumerate(units, 1):
            unit = brain._unrestrictedGetObject()
            relative = "/".join(unit.getPhysicalPath()[len(site.getPhysicalPath()) :])
            if unit.level == "commune":
                communes.append({"code": unit.code, "path": relative})
                count += publish(unit, f"Thông báo của {unit.Title()}", "unit", 1)
            elif unit.level == "province":
                count += publish(
                    unit,
                    f"Thông báo của {unit.Title()} cho toàn tỉnh",
                    "subtree",
                    PROVINCE_ITEMS,
                )
            elif unit.level == "central":
                count += publish(
                    unit,
                    "Thông báo của Trung ương cho cả nước",
                    "subtree",
                    CENTRAL_ITEMS,
                )
            if number % 100 == 0:
                transaction.commit()
                say(f"items: {count} ({number}/{len(units)} units)")
        transaction.commit()
        steps["items"] = lap(started, steps)
        drain(site, names=["syndication"])
        steps["change_log"] = lap(started, steps)
    return {
        "communes": communes,
        "items": count,
        "steps": steps,
        "code": code_version(),
        "site": site.getId(),
    }


def publish(unit, title, scope, count):
    """``count`` published bulletins of ``unit``. They are put in the published state
    directly: the benchmark measures feeds and push, not the approval chain (bench_approval
    does); the outbox records them as any reindex would."""
    from plone import api

    workflow = api.portal.get_tool("portal_workflow")
    for number in range(count):
        item = api.content.create(
            container=unit,
            type="Bulletin",
            title=f"{title} số {number + 1}",
            description="Nội dung thông báo gửi tới nhân dân trên địa bàn.",
            category="public-services",
            target_scope=scope,
        )
        status = workflow.getStatusOf("nguon_approval_workflow", item)
        workflow.setStatusOf(
            "nguon_approval_workflow", item, dict(status, review_state="published")
        )
        workflow.getWorkflowById("nguon_approval_workflow").updateRoleMappingsFor(item)
        item.setEffectiveDate(item.created())
        item.reindexObject()
    return count


# --- measuring -------------------------------------------------------------------------------


def start_server(run, port, env=None):
    """``runwsgi`` on the instance under ``run`` with the outbox worker; ``env``: more
    settings for the server's environment."""
    settings = instance_settings(run, port)
    from nguon.instance.files import write_instance

    write_instance(settings)
    log = open(run / "server.log", "w")
    env = {**os.environ, "NGUON_OUTBOX_WORKER": "1", **(env or {})}
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("runwsgi")), str(settings.wsgi_ini)],
        cwd=run,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    return server, log


def static_path(session, base):
    for candidate in STATIC_CANDIDATES:
        response = session.get(f"{base}/{candidate}")
        if response.status_code == 200 and response.content:
            return candidate, len(response.content)
    raise RuntimeError("no static file found among " + ", ".join(STATIC_CANDIDATES))


def polling(base_path, port, communes, seconds, connections):
    """The three polling phases; returns {phase: figures}."""
    import requests

    session = requests.Session()
    base = f"http://127.0.0.1:{port}{base_path}"
    say(f"first poll of {len(communes)} feeds (cursor and ETag of each)")
    conditional = []
    for commune in communes:
        url = f"{base}/{commune['path']}/feed.json"
        cursor = session.get(url).json()["_nguon"]["cursor"]
        answer = session.get(url, params={"since": cursor})
        conditional.append(
            loadgen.Request(
                f"{base_path}/{commune['path']}/feed.json?since={cursor}",
                {"If-None-Match": answer.headers["ETag"]},
            )
        )
    full = [
        loadgen.Request(f"{base_path}/{commune['path']}/feed.json")
        for commune in communes
    ]
    static, static_bytes = static_path(session, base)
    bare_port = free_port()
    bare = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("waitress-serve")),
            "--threads=4",
            f"--listen=127.0.0.1:{bare_port}",
            "tests.bench.static_app:app",
        ],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    phases = {
        "304": (port, conditional),
        "full": (port, full),
        "static": (port, [loadgen.Request(f"{base_path}/{static}")]),
        "bare": (bare_port, [loadgen.Request("/")]),
    }
    figures = {}
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{bare_port}/").ok, 30)
        for name, (target, requests_) in phases.items():
            say(f"phase {name}: {seconds} s, {connections} connections")
            outcome = loadgen.run("127.0.0.1", target, requests_, seconds, connections)
            figures[name] = summary(outcome)
            say(
                f"  {figures[name]['rate']:.0f} req/s, p95 {figures[name]['p95']:.1f} ms, "
                f"statuses {figures[name]['statuses']}"
            )
    finally:
        bare.terminate()
        bare.wait(30)
    figures["static"]["path"], figures["static"]["size"] = static, static_bytes
    return figures


def summary(outcome):
    import statistics

    failed = {
        status: count for status, count in outcome.statuses.items() if status >= 400
    }
    if failed:
        raise RuntimeError(
            f"a load phase got error answers, figures would be meaningless: {failed}"
        )
    ms = sorted(value * 1000 for value in outcome.latencies)
    return {
        "requests": outcome.requests,
        "seconds": round(outcome.seconds, 1),
        "rate": outcome.rate,
        "p50": statistics.median(ms),
        "p95": statistics.quantiles(ms, n=20, method="inclusive")[18],
        "p99": statistics.quantiles(ms, n=100, method="inclusive")[98],
        "statuses": {str(k): v for k, v in sorted(outcome.statuses.items())},
        "bytes_per_answer": outcome.bytes / outcome.requests if outcome.requests else 0,
    }


def fan_out(base_path, port, farm_port, communes, run):
    """Subscribe every commune, publish one bulletin for the whole country, time the acks."""
    import requests

    base = f"http://127.0.0.1:{port}{base_path}"
    admin = requests.Session()
    admin.auth = ("admin", ADMIN_PASSWORD)
    admin.headers["Accept"] = "application/json"
    assert (
        admin.patch(
            f"{base}/@registry",
            json={"nguon.syndication.allowed_networks": ["127.0.0.0/8"]},
        ).status_code
        == 204
    )

    farm_communes = {
        c["code"]: {
            "secret": secrets.token_urlsafe(24),
            "topic": f"{base}/{c['path']}/feed.json",
        }
        for c in communes
    }
    (run / "communes.json").write_text(json.dumps(farm_communes))
    farm_log = open(run / "farm.log", "w")
    farm = subprocess.Popen(
        [
            sys.executable,
            str(REPO / "tests" / "bench" / "consumer_farm.py"),
            "--port",
            str(farm_port),
            "--communes",
            str(run / "communes.json"),
        ],
        stdout=farm_log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(lambda: requests.get(f"http://127.0.0.1:{farm_port}/_acks").ok, 30)
        say(f"subscribing {len(communes)} communes through @subscriptions")
        started = time.perf_counter()

        def subscribe(commune):
            session = getattr(subscribe_local, "session", None)
            if session is None:
                session = subscribe_local.session = requests.Session()
                session.auth, session.headers = admin.auth, dict(admin.headers)
            for _attempt in range(5):
                answer = session.post(
                    f"{base}/{commune['path']}/@subscriptions",
                    json={
                        "callback": f"http://127.0.0.1:{farm_port}/c/{commune['code']}",
                        "secret": farm_communes[commune["code"]]["secret"],
                    },
                )
                if answer.status_code == 201:
                    return True
            raise RuntimeError(
                f"subscribing {commune['code']} failed: {answer.text[:300]}"
            )

        import threading

        subscribe_local = threading.local()
        with ThreadPoolExecutor(4) as pool:
            assert all(pool.map(subscribe, communes))
        subscribing = time.perf_counter() - started
        say(f"  {len(communes)} subscriptions in {subscribing:.0f} s")
        time.sleep(3)  # let the pusher find nothing to do first

        editor = requests.Session()
        editor.auth, editor.headers["Accept"] = (EDITOR, PASSWORD), "application/json"
        approver = requests.Session()
        approver.auth, approver.headers["Accept"] = (
            (APPROVER, PASSWORD),
            "application/json",
        )
        central = f"{base}/{next(iter(communes))['path'].split('/')[0]}"
        created = editor.post(
            central,
            json={
                "@type": "Bulletin",
                "title": "Cảnh báo bão khẩn cấp trên phạm vi cả nước",
                "category": "disaster",
                "priority": "emergency",
                "target_scope": "subtree",
            },
        )
        assert created.status_code == 201, created.text
        item = created.json()
        assert editor.post(f"{item['@id']}/@workflow/submit").status_code == 200
        sent = time.time()
        published = approver.post(f"{item['@id']}/@workflow/publish")
        committed = time.time()
        assert published.status_code == 200, published.text
        say("published; waiting for every commune's acknowledgement")
        acks = {}

        def all_acked():
            nonlocal acks
            acks = requests.get(
                f"http://127.0.0.1:{farm_port}/_acks", params={"uid": item["UID"]}
            ).json()
            return acks["count"] >= len(communes)

        wait_for(all_acked, 600, pause=0.2)
        times = sorted(acks["times"].values())
        return {
            "subscriptions": len(communes),
            "subscribing_seconds": subscribing,
            "acked": acks["count"],
            "refused": acks["refused"],
            "publish_request_seconds": committed - sent,
            "first_ack": times[0] - committed,
            "median_ack": times[len(times) // 2] - committed,
            "last_ack": times[-1] - committed,
        }
    finally:
        farm.terminate()
        farm.wait(30)
        farm_log.close()


def wait_for(condition, timeout, pause=0.5):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return
        except Exception:  # not up yet
            pass
        time.sleep(pause)
    raise RuntimeError(f"not done within {timeout} s")


# --- orchestration and the document ------------------------------------------------------------


def run(args):
    folder = Path(args.db).resolve() / f"v{DATASET_VERSION}"
    manifest, built_now = ensure_template(
        args,
        folder / "template",
        lambda template: build_in_child(__file__, template),
        "the unit tree and its items",
    )
    run_folder = folder / "run"
    fresh_copy(folder / "template", run_folder)
    port, farm_port = free_port(), free_port()
    server, log = start_server(run_folder, port)
    base_path = f"/{manifest['site']}"
    load_before = os.getloadavg()
    try:
        wait_until_serving(server, f"http://127.0.0.1:{port}{base_path}")
        communes = manifest["communes"]
        figures = {
            "polling": None
            if args.push_only
            else polling(base_path, port, communes, args.seconds, args.connections),
            "push": fan_out(base_path, port, farm_port, communes, run_folder),
        }
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()
    figures["load"] = [load_before, os.getloadavg()]
    say(
        f"push: last of {figures['push']['acked']} acknowledgements "
        f"{figures['push']['last_ack']:.2f} s after the commit; "
        + json.dumps({**figures["push"], "load": figures["load"]})
    )
    generated = section(args, manifest, built_now, figures)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")
    return figures


def kept_polling():
    """The polling part of the section written by an earlier full run: its "Generated" line
    and its lines from the polling table to the paragraph after it, for ``--push-only``."""
    text = (REPO / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < 0:
        raise SystemExit(
            "--push-only: no earlier figures in docs/benchmarks.md to keep"
        )
    lines = text[start:end].splitlines()
    generated = next(
        (line for line in lines if line.startswith("Polling figures kept")),
        None,
    ) or next(
        (line for line in lines if line.startswith("Generated ")),
        "Generated at an unknown time.",
    )
    kept = lines[
        lines.index(next(line for line in lines if line.startswith("| Polling"))) :
    ]
    kept = kept[: kept.index(next(line for line in kept if line.startswith("| Push")))]
    if generated.startswith("Polling figures kept"):  # kept already: keep its words
        return generated, [line for line in kept if line]
    return f"Polling figures kept from an earlier full run: {generated}", [
        line for line in kept if line
    ]


def section(args, manifest, built_now, figures):
    m = machine()
    polling_ = figures["polling"]
    push = figures["push"]
    command = (
        "--push-only"
        if args.push_only
        else f"--seconds {args.seconds} --connections {args.connections}"
    )
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_syndication.py "
        f"{command}` on {m['cpu']} "
        f"({m['nproc']} cores), {m['ram_gib']} GiB, Python {m['python']}, Plone {m['plone']}; "
        f"{describe_code(manifest['code'], code_version())}. Load average before/after: "
        f"{figures['load'][0][0]:.1f} / {figures['load'][1][0]:.1f}.",
        "",
        f"Site: the official tree ({len(manifest['communes']):,} communes), "
        f"{manifest['items']:,} published items ({'built now' if built_now else 'reused'}: "
        + ", ".join(f"{k} {v} s" for k, v in manifest["steps"].items())
        + "). "
        "One `runwsgi` process (waitress, 4 threads) with the outbox worker and pusher"
        + (
            "; the polling phases were not run."
            if args.push_only
            else f"; the load generator is one asyncio process with {args.connections} "
            "keep-alive connections, every request a different commune's in turn."
        ),
        "",
    ]
    if polling_ is None:
        generated, kept = kept_polling()
        lines += [
            generated,
            "",
            *kept[:-1],
            "",
            kept[-1],
            "",
        ]
    else:
        lines += polling_lines(manifest, polling_)
    before = PUSH_BEFORE
    lines += [
        "| Push fan-out (one process; the consumer farm in another) | before issue 18 "
        f"({before['when']}) | this run |",
        "|---|---:|---:|",
        f"| Subscriptions (made through `@subscriptions`, intent verified) | {before['subscribing']} | {push['subscriptions']:,} in {push['subscribing_seconds']:.0f} s |",
        f"| Publishing request (submit → published, committed) | {before['publish_request_seconds'] * 1000:.0f} ms | {push['publish_request_seconds'] * 1000:.0f} ms |",
        f"| First acknowledgement after the commit | {before['first_ack']:.2f} s | {push['first_ack']:.2f} s |",
        f"| Median acknowledgement after the commit | {before['median_ack']:.2f} s | {push['median_ack']:.2f} s |",
        f"| **Last of {push['acked']:,} acknowledgements after the commit** | **{before['last_ack']:.2f} s** | **{push['last_ack']:.2f} s** |",
        f"| Deliveries refused by consumers (bad signature) | {before['refused']} | {push['refused']} |",
        "",
        END,
    ]
    return "\n".join(lines)


def polling_lines(manifest, polling_):
    lines = [
        "| Polling, same run | requests/s | p50 ms | p95 ms | p99 ms | answers | bytes per answer |",
        "|---|---:|---:|---:|---:|---|---:|",
    ]
    titles = {
        "304": "Conditional `feed.json?since=` (If-None-Match) → 304",
        "full": f"Full `feed.json` render ({1 + PROVINCE_ITEMS + CENTRAL_ITEMS} items) → 200",
        "static": f"Static file `{polling_['static']['path']}` published by Zope (same process)",
        "bare": "Static file, waitress alone (4 threads, no Zope): the ceiling",
    }
    for name in ("304", "full", "static", "bare"):
        f = polling_[name]
        lines.append(
            f"| {titles[name]} | {f['rate']:,.0f} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['p99']:.1f} | {f['statuses']} | {f['bytes_per_answer']:,.0f} |"
        )
    lines += [
        "",
        f"At that rate a 304 poll from each of the {len(manifest['communes']):,} communes "
        f"takes {len(manifest['communes']) / polling_['304']['rate']:.1f} s of the server's "
        "time; communes polling once a minute use "
        f"{len(manifest['communes']) / 60 / polling_['304']['rate'] * 100:.0f} % of it.",
        "",
    ]
    return lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "syndication"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--push-only",
        action="store_true",
        help="measure the push fan-out only; the polling table of the last full run is kept",
    )
    parser.add_argument(
        "--no-doc", action="store_true", help="print, do not write docs/benchmarks.md"
    )
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
