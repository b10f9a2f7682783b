"""The same mixed load on one instance, and on the cluster with two and with four instances,
side by side in one run (issue 18); then, on the two-instance cluster, the four fault runs of
the fault tests with their figures.

The load is tests/cluster/load.py's: citizens searching (``@@tra-cuu`` and
``@faceted-search``) and viewing unit pages, communes polling their feeds conditionally
(``feed.json?since=`` with ``If-None-Match``), an editor and an approver publishing bulletins
through plone.restapi (create, ``@workflow/submit``, ``@workflow/publish``), each user a thread
in a closed loop without pause. Kinds of request: *search*, *feed* (poll), *page* (view),
*approve* (every POST of the editor's chain, login included).

- *one instance*: ``nguon-start`` as a user runs it (FileStorage, its bundled Solr and
  Mosquitto, no cache in front); citizens, communes and editors all talk to it;
- *cluster of N*: ``nguon.cluster.stack.Cluster`` (PostgreSQL with RelStorage, N instances
  behind HAProxy, Varnish in front, SolrCloud with three nodes, Mosquitto); citizens and
  communes go through Varnish, editors through HAProxy. The four-instance cluster reuses the
  two-instance one's database and Solr (the same site).

Everything runs on this machine, so the instances share its cores with PostgreSQL, Solr's JVM,
the load generator and whatever else runs: the load average is recorded before and after each
configuration.

    .venv/bin/python tests/bench/bench_cluster.py                  # 30 s per configuration
    .venv/bin/python tests/bench/bench_cluster.py --seconds 10 --no-faults --no-doc
"""

from datetime import datetime
from pathlib import Path

import argparse
import json
import os
import shutil
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402
from tests.cluster import load as mixed  # noqa: E402


SECTION = "## Cluster: one instance beside two and four (issue 18)"
SECTION_PREFIX = "## Cluster:"
BEGIN = "<!-- bench_cluster.py: generated figures, replaced at every run -->"
END = "<!-- bench_cluster.py: end of generated figures -->"
TITLES = {
    "search": "search (`@@tra-cuu`, `@faceted-search`)",
    "feed": "feed poll (conditional)",
    "page": "page view (a unit)",
    "approve": "approve (login, create, submit, publish)",
}


def measure(front, balancer, args, name):
    """Warm up, then the mixed load for ``args.seconds``; returns its figures."""
    options = dict(
        citizens=args.citizens,
        communes=args.communes,
        editors=args.editors,
        pause=0.0,
        editor_pause=0.0,
    )
    say(f"{name}: warming up {args.warmup} s")
    mixed.Load(front, balancer, **options).run_for(args.warmup)
    load_before = os.getloadavg()
    say(f"{name}: measuring {args.seconds} s")
    figures = mixed.Load(front, balancer, **options).run_for(args.seconds)
    load_after = os.getloadavg()
    result = {
        "name": name,
        "seconds": round(figures.seconds, 1),
        "sent": figures.sent,
        "rate": figures.rate,
        "statuses": {str(k): v for k, v in figures.statuses().items()},
        "failed": sum(figures.failed().values()),
        "published": len(figures.published),
        "kinds": figures.by_kind(),
        "load": [load_before, load_after],
    }
    say(
        f"{name}: {result['rate']:.1f} req/s, statuses {result['statuses']}, "
        + ", ".join(
            f"{kind} p50 {f['p50'] or 0:.0f} ms p95 {f['p95'] or 0:.0f} ms"
            for kind, f in result["kinds"].items()
        )
    )
    return result


def one_instance(args, folder):
    from tests.e2e.instance import Instance

    (folder / "single").mkdir(parents=True, exist_ok=True)
    say("one instance: nguon-start (FileStorage, bundled Solr and Mosquitto)")
    instance = Instance(folder / "single").start()
    try:
        return measure(instance.url, instance.url, args, "one instance")
    finally:
        instance.kill()


def cluster_runs(args, folder):
    from nguon.cluster.stack import Cluster
    from nguon.cluster.stack import Ports

    results, faults = [], []
    env = {**os.environ}
    if args.lease_seconds:
        env["NGUON_LEASE_SECONDS"] = str(args.lease_seconds)
    for count in args.instances:
        say(f"cluster of {count}: starting")
        started = time.monotonic()
        cluster = Cluster(
            folder / "cluster", instances=count, ports=Ports.free(count), env=env
        )
        with cluster:
            say(f"cluster of {count}: up in {time.monotonic() - started:.0f} s")
            result = measure(
                cluster.url, cluster.balancer_url, args, f"cluster of {count}"
            )
            results.append(result)
            if count == 2 and not args.no_faults:
                faults = fault_runs(cluster)
    return results, faults


def fault_runs(cluster):
    from tests.cluster import fault_runs as runs

    setting = runs.Setting(cluster).start()
    summaries = []
    try:
        for run in runs.RUNS:
            say(f"fault: {run.__name__}")
            try:
                summaries.append(run(setting).summary())
            except Exception as error:  # a fault run that broke is reported, not hidden
                summaries.append({"name": run.__name__, "error": repr(error)[:300]})
    finally:
        setting.stop()
    return summaries


def section(args, figures):
    m = machine()
    code = code_version()
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_cluster.py "
        f"--seconds {args.seconds} --citizens {args.citizens} --communes {args.communes} "
        f"--editors {args.editors}` on {m['cpu']} ({m['nproc']} cores), {m['ram_gib']} GiB, "
        f"Python {m['python']}, Plone {m['plone']}; code {code['commit']}"
        + (
            f" plus uncommitted changes to {len(code['changed'])} files"
            if code["changed"]
            else ""
        )
        + ". Every part (instances, PostgreSQL, SolrCloud's JVM, HAProxy, Varnish, the load "
        "generator) shares these cores, with whatever else ran on the machine: see the load "
        "averages.",
        "",
        f"The load: {args.citizens} citizens (search and page views), {args.communes} "
        f"communes (conditional feed polls of five units), {args.editors} editor chain(s) "
        "(login, create, submit, publish), each a thread in a closed loop without pause, "
        f"{args.warmup} s of warm-up then {args.seconds} s measured. One instance: all of it "
        "to `nguon-start`; the cluster: citizens and communes through Varnish, editors through "
        "HAProxy.",
        "",
        "| Configuration | requests/s | "
        + " | ".join(f"{TITLES[k]} p50 / p95 ms (req/s)" for k in mixed.KINDS)
        + " | failed | load avg before → after |",
        "|---|---:|" + "---:|" * len(mixed.KINDS) + "---:|---|",
    ]
    for result in figures["configurations"]:
        cells = []
        for kind in mixed.KINDS:
            f = result["kinds"].get(kind)
            if not f or f["p50"] is None:
                cells.append("–")
            else:
                cells.append(f"{f['p50']:.0f} / {f['p95']:.0f} ({f['rate']:.1f})")
        lines.append(
            f"| {result['name']} | {result['rate']:.1f} | "
            + " | ".join(cells)
            + f" | {result['failed']} {result['statuses'] if result['failed'] else ''} | "
            f"{result['load'][0][0]:.1f} → {result['load'][1][0]:.1f} |"
        )
    faults = figures.get("faults") or []
    if faults:
        lines += [
            "",
            "Fault runs on the two-instance cluster (the runs of tests/cluster/test_faults.py,"
            " under the same load with a pause of 50 ms between two requests of a user; "
            f"delivery leases of {args.lease_seconds:g} s, `NGUON_LEASE_SECONDS`):",
            "",
            "| Fault | sent | failed (statuses) | failed POSTs committed / not / unknown "
            "| published | lost (push) | not in Solr | doubled | what else |",
            "|---|---:|---|---|---:|---:|---:|---:|---|",
        ]
        for fault in faults:
            if "error" in fault:
                lines.append(
                    f"| {fault['name']} | – | run broke: {fault['error']} | | | | | | |"
                )
                continue
            facts = "; ".join(f"{k}: {v}" for k, v in fault["facts"].items())
            posts = " / ".join(str(n) for n in fault["failed_posts"])
            lines.append(
                f"| {fault['name']} | {fault['sent']} | {fault['failed']} "
                f"{fault['failed_statuses'] or ''} | {posts} | {fault['published']} | "
                f"{fault['lost']} | {fault['not_in_solr']} | {fault['doubled']} | "
                f"{facts} |"
            )
    lines += ["", END]
    return "\n".join(lines)


def run(args):
    folder = Path(args.var).resolve()
    if folder.exists() and not args.keep:
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    figures = {"configurations": [], "faults": []}
    if not args.no_single:
        figures["configurations"].append(one_instance(args, folder))
    results, faults = cluster_runs(args, folder)
    figures["configurations"] += results
    figures["faults"] = faults
    (folder / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
    generated = section(args, figures)
    print(generated)
    if not args.no_doc:
        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")
    return figures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--warmup", type=float, default=10)
    parser.add_argument("--citizens", type=int, default=4)
    parser.add_argument("--communes", type=int, default=4)
    parser.add_argument("--editors", type=int, default=1)
    parser.add_argument(
        "--instances", type=int, nargs="+", default=[2, 4], help="cluster sizes"
    )
    parser.add_argument(
        "--lease-seconds",
        type=float,
        default=10,
        help="NGUON_LEASE_SECONDS of the cluster (how long a dead holder's work waits)",
    )
    parser.add_argument("--var", default=str(REPO / "var" / "bench" / "cluster"))
    parser.add_argument("--keep", action="store_true", help="reuse --var's database")
    parser.add_argument("--no-single", action="store_true")
    parser.add_argument("--no-faults", action="store_true")
    parser.add_argument(
        "--no-doc", action="store_true", help="print, do not write docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
