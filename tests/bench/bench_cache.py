"""Feed polls through the cache (issue 18): 3,321 communes polling their feeds through Varnish
(``deploy/varnish/nguon.vcl``) in front of one Plone process, beside Varnish's own ceiling
for a static file and beside the same polls straight to Plone; and the time from a
publishing commit to a commune's poll seeing the new item (purge on publish).

The site is bench_syndication's (the official tree, 3,666 published items; its template is
reused when it exists, else built here), copied, brought up to date with the upgrade steps
(plone.app.caching's rules, ``nguon.feed``) and pointed at the Varnish to purge. ``runwsgi``
serves it with the outbox worker (whose ``syndication`` rounds send the purges); varnishd
runs in front with the product's VCL. One load generator (``loadgen.py``), the same
connections for every phase, every request another commune's in turn:

- conditional ``feed.json?since=<cursor>`` with the commune's ``If-None-Match`` through the
  cache (304 from Varnish; after a feed's 60 s s-maxage Varnish revalidates it with Plone);
- a small static file cached by the same varnishd (a Plone resource with a long public
  max-age): the cache's ceiling with this client;
- the same conditional polls straight to Plone (today's figure: 551/s in docs/benchmarks.md).

Purge: ``--publishes`` times, an item is published for one commune through the REST API
(central editor and approver, ``target_units``); from the publishing request's answer (its
commit) the commune polls its feed through the cache every ``--poll-pause`` seconds until
the item is in it.

    .venv/bin/python tests/bench/bench_cache.py                    # 20 s per phase
    .venv/bin/python tests/bench/bench_cache.py --seconds 5 --publishes 5 --no-doc
"""

from datetime import datetime
from pathlib import Path

import argparse
import json
import os
import statistics
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench import bench_syndication  # noqa: E402
from tests.bench import loadgen  # noqa: E402
from tests.bench.bench_approval import build_in_child  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import ensure_template  # noqa: E402
from tests.bench.bench_approval import free_port  # noqa: E402
from tests.bench.bench_approval import fresh_copy  # noqa: E402
from tests.bench.bench_approval import instance_settings  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import PASSWORD  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import wait_until_serving  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402
from tests.bench.bench_syndication import summary  # noqa: E402
from tests.bench.bench_syndication import wait_for  # noqa: E402
from tests.syndication.caching_proxy import Varnish  # noqa: E402


SECTION = "## Feed polls through the cache (issue 18)"
SECTION_PREFIX = "## Feed polls through the cache"
BEGIN = "<!-- bench_cache.py: generated figures, replaced at every run -->"
END = "<!-- bench_cache.py: end of generated figures -->"
TODAY_DIRECT = 551  # docs/benchmarks.md, bench_syndication (one instance, 304 polls)
STATIC_CANDIDATES = (
    "++resource++plone-logo.svg",
    "logo.png",
    "favicon.ico",
)


# --- the site ----------------------------------------------------------------------------------


def template_folder(args):
    """bench_syndication's built site when it is there, else our own build of it."""
    shared = (
        REPO
        / "var"
        / "bench"
        / "syndication"
        / f"v{bench_syndication.DATASET_VERSION}"
        / "template"
    )
    if (shared / "manifest.json").exists() and not args.rebuild:
        return shared
    return Path(args.db).resolve() / "template"


def prepare(root, proxy):
    """(child process) The copied site brought up to date (every proposed upgrade step) and
    pointed at the caching proxy to purge."""
    from ftw.upgrade.interfaces import IExecutioner
    from ftw.upgrade.interfaces import IUpgradeInformationGatherer
    from nguon.instance.files import write_instance
    from nguon.instance.offline import offline_site
    from nguon.instance.offline import point_at_caching_proxies
    from plone import api

    import dataclasses

    settings = dataclasses.replace(instance_settings(root), caching_proxies=(proxy,))
    write_instance(settings)
    with offline_site(settings, commit=True) as site:
        with api.env.adopt_user(username="admin"):
            setup_tool = api.portal.get_tool("portal_setup")
            gatherer = IUpgradeInformationGatherer(setup_tool)
            steps = [
                (profile["id"], [upgrade["id"] for upgrade in profile["upgrades"]])
                for profile in gatherer.get_profiles(proposed_only=True)
                if profile["id"] == "nguon:default" and profile["upgrades"]
            ]
            if steps:
                IExecutioner(setup_tool).install(steps)
        point_at_caching_proxies(settings)
        return {
            "upgrades": sum(len(ids) for _profile, ids in steps),
            "site": site.getId(),
        }


# --- measuring -----------------------------------------------------------------------------------


def stats(varnish, settle=0.0):
    """Varnish's counters; ``settle`` seconds first (busy worker threads add their counts to
    the totals only when they go idle)."""
    time.sleep(settle)
    return varnish.stats(
        "MAIN.cache_hit",
        "MAIN.cache_miss",
        "MAIN.cache_hitpass",
        "MAIN.backend_req",
        "MAIN.bans",
    )


def first_polls(session, base, base_path, communes):
    """Each commune's first poll (its cursor and ETag), through ``base``; the conditional
    poll it makes from then on."""
    polls = []
    for commune in communes:
        url = f"{base}/{commune['path']}/feed.json"
        cursor = session.get(url).json()["_nguon"]["cursor"]
        answer = session.get(url, params={"since": cursor})
        polls.append(
            loadgen.Request(
                f"{base_path}/{commune['path']}/feed.json?since={cursor}",
                {"If-None-Match": answer.headers["ETag"]},
            )
        )
    return polls


def cached_static(session, cache_base):
    for candidate in STATIC_CANDIDATES:
        session.get(f"{cache_base}/{candidate}")
        answer = session.get(f"{cache_base}/{candidate}")
        if answer.ok and answer.content and answer.headers.get("X-Cache") == "HIT":
            return candidate, len(answer.content)
    raise RuntimeError(
        "no static file the cache keeps among " + ", ".join(STATIC_CANDIDATES)
    )


def polling(args, varnish, port, base_path, communes):
    import requests

    session = requests.Session()
    cache_base = f"{varnish.url}{base_path}"
    say(
        f"first poll of {len(communes)} feeds through the cache (cursor and ETag of each)"
    )
    started = time.perf_counter()
    polls = first_polls(session, cache_base, base_path, communes)
    warm = time.perf_counter() - started
    static, static_bytes = cached_static(session, cache_base)
    phases = {
        "cache": (varnish.port, polls),
        "static": (varnish.port, [loadgen.Request(f"{base_path}/{static}")]),
        "direct": (port, polls),
    }
    figures = {"warm_seconds": warm}
    for name, (target, requests_) in phases.items():
        say(f"phase {name}: {args.seconds} s, {args.connections} connections")
        before = stats(varnish)
        outcome = loadgen.run(
            "127.0.0.1", target, requests_, args.seconds, args.connections
        )
        after = stats(varnish, settle=2.0)
        figures[name] = summary(outcome)
        figures[name]["varnish"] = {k: after[k] - before.get(k, 0) for k in after}
        say(
            f"  {figures[name]['rate']:.0f} req/s, p95 {figures[name]['p95']:.1f} ms, "
            f"statuses {figures[name]['statuses']}, varnish {figures[name]['varnish']}"
        )
    figures["static"]["path"], figures["static"]["size"] = static, static_bytes
    return figures


def purge_latency(args, varnish, port, base_path, communes):
    """Publish for one commune at a time; seconds from the commit to its poll seeing it."""
    import random
    import requests

    direct = f"http://127.0.0.1:{port}{base_path}"
    cache_base = f"{varnish.url}{base_path}"
    editor, approver = requests.Session(), requests.Session()
    for session, user in (
        (editor, bench_syndication.EDITOR),
        (approver, bench_syndication.APPROVER),
    ):
        session.auth = (user, PASSWORD)
        session.headers["Accept"] = "application/json"
    poller = requests.Session()
    central = f"{direct}/{communes[0]['path'].split('/')[0]}"
    chosen = random.Random(18).sample(communes, args.publishes)
    results = []
    before = stats(varnish)
    for number, commune in enumerate(chosen, 1):
        feed = f"{cache_base}/{commune['path']}/feed.json"
        cursor = poller.get(feed).json()["_nguon"]["cursor"]
        known = poller.get(feed, params={"since": cursor})
        etag = known.headers["ETag"]
        assert poller.get(feed, params={"since": cursor}).headers["X-Cache"] == "HIT"
        title = f"Thông báo kiểm tra bộ đệm số {number} cho {commune['code']}"
        created = editor.post(
            central,
            json={
                "@type": "Bulletin",
                "title": title,
                "category": "public-services",
                "target_scope": "chosen",
                "target_units": [commune["code"]],
            },
        )
        assert created.status_code == 201, created.text
        item = created.json()
        assert editor.post(f"{item['@id']}/@workflow/submit").status_code == 200
        answer = approver.post(f"{item['@id']}/@workflow/publish")
        committed = time.perf_counter()
        assert answer.status_code == 200, answer.text
        polls, seen = 0, None
        while time.perf_counter() - committed < args.timeout:
            polls += 1
            answer = poller.get(
                feed, params={"since": cursor}, headers={"If-None-Match": etag}
            )
            if answer.status_code == 200 and any(
                entry["title"] == title for entry in answer.json()["items"]
            ):
                seen = time.perf_counter() - committed
                break
            time.sleep(args.poll_pause)
        results.append({"commune": commune["code"], "seconds": seen, "polls": polls})
        say(
            f"  publish {number}/{args.publishes} for {commune['code']}: "
            + (f"seen after {seen:.2f} s ({polls} polls)" if seen else "NOT SEEN")
        )
    after = stats(varnish, settle=2.0)
    seen = sorted(r["seconds"] for r in results if r["seconds"] is not None)
    return {
        "bans": after["MAIN.bans"] - before["MAIN.bans"],
        "polls": statistics.median(r["polls"] for r in results),
        "publishes": len(results),
        "seen": len(seen),
        "p50": statistics.median(seen) if seen else None,
        "max": seen[-1] if seen else None,
        "min": seen[0] if seen else None,
        "results": results,
    }


# --- orchestration and the document ------------------------------------------------------------


def run(args):
    template = template_folder(args)
    manifest, built_now = ensure_template(
        args,
        template,
        lambda folder: build_in_child(bench_syndication.__file__, folder),
        "the unit tree and its items (bench_syndication's site)",
    )
    run_folder = Path(args.db).resolve() / "run"
    fresh_copy(template, run_folder)
    port = free_port()
    load_before = os.getloadavg()
    varnish = Varnish("127.0.0.1", port, memory="512m")
    varnish.start()
    server = log = None
    try:
        say(f"varnishd on {varnish.url}; bringing the copy up to date")
        prepared = child_prepare(run_folder, varnish.url)
        server, log = bench_syndication.start_server(run_folder, port)
        base_path = f"/{manifest['site']}"
        wait_until_serving(server, f"http://127.0.0.1:{port}{base_path}")
        import requests

        wait_for(lambda: requests.get(f"{varnish.url}/ok").ok, 60)
        communes = manifest["communes"]
        figures = {
            "polling": polling(args, varnish, port, base_path, communes),
            "purge": purge_latency(args, varnish, port, base_path, communes),
            "prepared": prepared,
        }
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=120)
            log.close()
        varnish.stop()
    figures["load"] = [load_before, os.getloadavg()]
    generated = section(args, manifest, built_now, figures, template)
    print(generated)
    (run_folder / "figures.json").write_text(json.dumps(figures, indent=1))
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")
    return figures


def child_prepare(root, proxy):
    import subprocess

    out = root / "prepare.json"
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            "prepare",
            "--root",
            str(root),
            "--proxy",
            proxy,
            "--out",
            str(out),
        ],
        check=True,
    )
    return json.loads(out.read_text())


def section(args, manifest, built_now, figures, template):
    m = machine()
    p = figures["polling"]
    purge = figures["purge"]
    cache, static, direct = p["cache"], p["static"], p["direct"]
    share = cache["rate"] / static["rate"] if static["rate"] else 0
    v = cache["varnish"]
    looked_up = v.get("MAIN.cache_hit", 0) + v.get("MAIN.cache_miss", 0)
    hit_ratio = v.get("MAIN.cache_hit", 0) / looked_up if looked_up else 0
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_cache.py "
        f"--seconds {args.seconds} --connections {args.connections} --publishes "
        f"{args.publishes}` on {m['cpu']} ({m['nproc']} cores, shared with other work), "
        f"{m['ram_gib']} GiB, Python {m['python']}, Plone {m['plone']}; "
        f"{describe_code(manifest['code'], code_version())}. Load average before/after: "
        f"{figures['load'][0][0]:.1f} / {figures['load'][1][0]:.1f}.",
        "",
        f"Site: bench_syndication's ({len(manifest['communes']):,} communes, "
        f"{manifest['items']:,} published items; {'built now' if built_now else 'reused'} "
        f"from `{template.relative_to(REPO) if template.is_relative_to(REPO) else template}`, "
        f"{figures['prepared']['upgrades']} upgrade step(s) run on the copy). One `runwsgi` "
        "(waitress, 4 threads) with the outbox worker, varnishd 7.1 in front "
        "(`deploy/varnish/nguon.vcl`, malloc 512 MB); one asyncio load generator with "
        f"{args.connections} keep-alive connections, every request a different commune's "
        f"in turn. The first poll of every commune through the cache (its cursor and ETag) "
        f"took {p['warm_seconds']:.0f} s.",
        "",
        "| Polling, same run, same client | requests/s | p50 ms | p95 ms | p99 ms | answers | Varnish hits / misses / backend requests |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    titles = {
        "cache": "**Conditional `feed.json?since=` (If-None-Match) through Varnish**",
        "static": f"Static file `{static['path']}` ({static['size']:,} bytes) cached by the same varnishd: the ceiling",
        "direct": "The same conditional polls straight to Plone (no cache)",
    }
    for name in ("cache", "static", "direct"):
        f = p[name]
        stats_ = f["varnish"]
        counted = (
            f"{stats_.get('MAIN.cache_hit', 0):,} / {stats_.get('MAIN.cache_miss', 0):,}"
            f" / {stats_.get('MAIN.backend_req', 0):,}"
            if name != "direct"
            else "—"
        )
        lines.append(
            f"| {titles[name]} | {f['rate']:,.0f} | {f['p50']:.1f} | {f['p95']:.1f} | "
            f"{f['p99']:.1f} | {f['statuses']} | {counted} |"
        )
    goal = "met" if share >= 0.5 else "**not met**"
    lines += [
        f"| Today's figure (bench_syndication, one instance, 304 polls) | {TODAY_DIRECT:,} | | | | | |",
        "",
        f"Polls through the cache reach **{share * 100:.0f} %** of the cache's own ceiling "
        f"for a static file (goal: at least 50 %, {goal}); "
        f"{cache['rate'] / direct['rate']:.1f}× the same polls straight to Plone in this run, "
        f"{cache['rate'] / TODAY_DIRECT:.1f}× today's {TODAY_DIRECT}/s. Varnish answered "
        f"{hit_ratio * 100:.1f} % of the polls' lookups from memory; the misses are polls of "
        "feeds whose 60 s s-maxage ran out during the phase, waiting together on one "
        f"revalidation per feed ({v.get('MAIN.backend_req', 0):,} backend requests, each a "
        "conditional request Plone answers 304).",
        "",
        "| Purge on publish | value |",
        "|---|---:|",
        f"| Items published (REST, one commune each, `target_units`) | {purge['publishes']} |",
        f"| Seen in the commune's poll through the cache | {purge['seen']} of {purge['publishes']} |",
        f"| Bans Varnish received (two feed patterns and the item's path per publish) | {purge['bans']} |",
        f"| Polls until the item showed, median | {purge['polls']:.0f} |",
    ]
    if purge["seen"]:
        lines += [
            f"| From the publishing commit to the poll seeing it, p50 | {purge['p50']:.2f} s |",
            f"| … fastest / **slowest** (goal: within 2 s) | {purge['min']:.2f} s / **{purge['max']:.2f} s** |",
        ]
    lines += [
        "",
        f"The commune polls every {args.poll_pause * 1000:.0f} ms (plus the poll's own time) "
        "with its cursor and ETag, from a feed the cache had just stored (fresh for 60 s: "
        "only the purge can make it show the item); the time includes the outbox worker's "
        "round that writes the change log, the BANs sent by plone.cachepurging's thread "
        "after that commit, and the first poll after them (a miss that renders the feed "
        "anew).",
        "",
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--poll-pause", type=float, default=0.01)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "caching"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--no-doc", action="store_true", help="print the figures, leave the docs alone"
    )
    parser.add_argument("--phase", choices=["prepare"], help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--proxy", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "prepare":
        result = prepare(Path(args.root), args.proxy)
        Path(args.out).write_text(json.dumps(result))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
