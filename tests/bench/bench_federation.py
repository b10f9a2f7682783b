"""Federation at the scale of the country (issue 19): central publishes one item for every
province, each province's site takes it by central's signed push, publishes it (its policy:
an emergency at once) and pushes it on to its communes. Measured with as many real provincial
sites as fit on this machine; extrapolated to 34 provinces on paper.

What runs, all on this machine:

- one Solr node (``solr/start.sh``) with a core per site (``--solr shared``, the default; a
  site is pointed at its core by ``SOLR_URL``, ``NGUON_SOLR_BUNDLED=0``), or each site its
  own bundled node (``--solr own``);
- a central site and as many provincial sites as the largest of ``--provinces`` (e.g.
  ``1,2,4``: 1 linked and measured, then 2, then 4), each ``nguon-start`` with the demo
  (tests/e2e/instance.py), started one after the other. The demo holds Thành phố Huế (46,
  40 communes) and Quảng Trị (44, 78); provincial site *i* plays province 46 or 44 in turn: its link
  (``@federation-links``) follows central's unit feed of that province, and central's unit
  has it as a subscriber (``@subscriptions``, the same secret): real signed pushes from
  central's pusher to each province's ``@federation-inbox``;
- every commune of every provincial site subscribed (``@subscriptions`` on the province's
  site) by a consumer farm (one asyncio process, tests/bench/consumer_farm.py's, one callback
  and secret per commune, every push's signature checked) that notes when each commune first
  acknowledged an item, by its title.

A round: a central editor creates an emergency bulletin at the central unit for the whole
country (``target_scope: subtree``), submits it, a central approver publishes it; from the
approving request's answer (central's commit) the script waits until every commune of every
province acknowledged the province's copy. Then it reads, per province, when its inbox applied
the delivery (the link's log, ``@federation-links/<id>``: the copy is published inside that
request, before its commit) and how long central's push to that province took (central's
subscription log, ``@subscriptions/<id>``: ``ms``, the inbox request with its commit). Hops:
central approval → province copy published; copy published → the province's first and last
commune acknowledgement; approval → the last commune of all provinces. After the rounds,
every commune's feed on every provincial site is read: it must hold every round's item.
The section of docs/benchmarks.md also gives the same chain computed for 34 provinces
(``extrapolate``), saying what is measured and what is computed.

    .venv/bin/python tests/bench/bench_federation.py          # 1, 2, then 4 provinces linked
    .venv/bin/python tests/bench/bench_federation.py --provinces 1 --rounds 1 --no-doc
"""

from datetime import datetime
from pathlib import Path

import argparse
import asyncio
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))


SECTION = "## Federation: central to 34 provinces to their communes (issue 19)"
SECTION_PREFIX = "## Federation:"
BEGIN = "<!-- bench_federation.py: generated figures, replaced at every run -->"
END = "<!-- bench_federation.py: end of generated figures -->"
PROVINCES = (
    "46",
    "44",
)  # the demo's provinces; provincial site i plays PROVINCES[i % 2]
EDITOR, APPROVER = "bench-fed-editor", "bench-fed-approver"
PASSWORD = "Bench-federation-2026"
LINK = "trung-uong"
# The «Push» figures of docs/benchmarks.md (bench_syndication.py --push-only, 2026-11-30):
# central's one pusher process sent 3,321 signed pushes, the last acknowledged 1.88 s after
# the commit (first 0.15 s): the marginal cost of one more subscriber in a round.
PUSH_3321 = {"subscribers": 3321, "first": 0.15, "last": 1.88}


def say(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# ---------------------------------------------------------------------------------------
# The consumer farm, noting acknowledgements by the item's title (each province's copy has
# its own UID; the title is central's).


def farm_main(port, communes_file):
    from nguon.syndication import signing
    from tests.bench.consumer_farm import Farm

    class TitleFarm(Farm):
        def post(self, target, headers, body):
            code = target.split("?", 1)[0].rsplit("/", 1)[-1]
            commune = self.communes.get(code)
            if commune is None or not signing.verify(
                commune["secret"], body, headers.get(signing.HEADER.lower())
            ):
                self.refused.append(code)
                return 403, "bad signature"
            acknowledged = time.time()
            for item in json.loads(body).get("items", []):
                self.acks.setdefault(item.get("title") or "", {}).setdefault(
                    code, acknowledged
                )
            return 200, "ok"

    async def serve():
        farm = TitleFarm(json.loads(Path(communes_file).read_text()))
        server = await asyncio.start_server(
            farm.connection, "127.0.0.1", port, backlog=4096, reuse_address=True
        )
        print(f"farm on {port}: {len(farm.communes)} communes", flush=True)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


# ---------------------------------------------------------------------------------------
# The parts


class SharedSolr:
    """One Solr node with a core per site (the repo's configset), in ``folder``."""

    def __init__(self, folder, cores, heap):
        from tests.e2e.instance import free_port

        self.folder, self.cores, self.heap = Path(folder), list(cores), heap
        self.port = free_port()
        self.process = None

    def url(self, core):
        return f"http://127.0.0.1:{self.port}/solr/{core}"

    def start(self, timeout=600):
        import urllib.request

        home = self.folder / "home"
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / "solr" / "home" / "solr.xml", home / "solr.xml")
        (home / "configsets").symlink_to(REPO / "solr" / "home" / "configsets")
        for core in self.cores:
            (home / core).mkdir()
            (home / core / "core.properties").write_text(
                f"name={core}\nconfigSet=plone\n"
            )
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOLR_")}
        env.update(
            SOLR_PORT=str(self.port),
            SOLR_HOME=str(home),
            SOLR_DATA_DIR=str(self.folder / "data"),
            SOLR_HEAP=self.heap,
        )
        self.log = open(self.folder / "solr.log", "wb")
        self.process = subprocess.Popen(
            ["bash", str(REPO / "solr" / "start.sh")],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Solr exited: see {self.log.name}")
            try:
                for core in self.cores:
                    with urllib.request.urlopen(
                        f"{self.url(core)}/admin/ping?wt=json", timeout=5
                    ) as answer:
                        if json.load(answer)["status"] != "OK":
                            raise OSError("not ready")
                return self
            except OSError:
                time.sleep(0.5)
        raise RuntimeError(f"Solr not ready after {timeout} s: see {self.log.name}")

    def kill(self):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def session(user, password):
    import requests

    s = requests.Session()
    s.auth = (user, password)
    s.headers["Accept"] = "application/json"
    return s


def unit_url(site, code):
    import requests

    found = requests.get(
        f"{site.url}/@search",
        params={"portal_type": "AdministrativeUnit", "unit_code": code},
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert found["items_total"] == 1, found
    return found["items"][0]["@id"]


def communes_of(site, province_url):
    """(code, unit URL) of every commune directly below the province unit."""
    import requests

    path = "/" + site.url.split("/", 3)[3] + province_url[len(site.url) :]
    found = requests.get(
        f"{site.url}/@search",
        params={
            "portal_type": "AdministrativeUnit",
            "path.query": path,
            "path.depth": 1,
            "metadata_fields": "unit_code",
            "b_size": 1000,
        },
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    return [
        (item["unit_code"], item["@id"])
        for item in found["items"]
        if item["@id"] != province_url
    ]


def allow_loopback(site):
    answer = session("admin", "admin").patch(
        f"{site.url}/@registry",
        json={"nguon.syndication.allowed_networks": ["127.0.0.0/8"]},
        timeout=60,
    )
    assert answer.status_code == 204, answer.text


def central_people(central):
    """A central editor and approver (the groups of the central unit ``VN``)."""
    admin = session("admin", "admin")
    for userid, kind in ((EDITOR, "editors"), (APPROVER, "approvers")):
        made = admin.post(
            f"{central.url}/@users",
            json={
                "username": userid,
                "email": f"{userid}@nguon.invalid",
                "password": PASSWORD,
            },
            timeout=60,
        )
        assert made.status_code == 201, made.text
        joined = admin.patch(
            f"{central.url}/@groups/unit-VN-{kind}",
            json={"users": {userid: True}},
            timeout=60,
        )
        assert joined.status_code == 204, joined.text


def prepare_province(central, province, number, code, farm_communes):
    """What the rounds need to know of provincial site ``province`` playing ``code``; its
    communes (of its unit ``code``) get a callback and secret at the farm."""
    communes = communes_of(province, unit_url(province, code))
    keys = []
    for commune_code, url in communes:
        key = f"p{number}-{commune_code}"
        farm_communes[key] = {
            "secret": secrets.token_urlsafe(24),
            "topic": f"{url}/feed.json",
            "url": url,
        }
        keys.append(key)
    return {
        "number": number,
        "code": code,
        "site": province,
        "central_unit": unit_url(central, code),
        "communes": keys,
    }


def link_province(province):
    """Link the provincial site to central's unit: the link on the province, the same
    secret in a subscription at central (intent verified by the province's inbox)."""
    admin = session("admin", "admin")
    secret = secrets.token_urlsafe(24)
    link = admin.post(
        f"{province['site'].url}/@federation-links",
        json={
            "id": LINK,
            "topic": f"{province['central_unit']}/feed.json",
            "secret": secret,
            "unit": province["code"],
        },
        timeout=60,
    )
    assert link.status_code == 201, link.text
    subscribed = admin.post(
        f"{province['central_unit']}/@subscriptions",
        json={"callback": link.json()["callback"], "secret": secret},
        timeout=60,
    )
    assert subscribed.status_code == 201, subscribed.text
    assert subscribed.json()["id"] == link.json()["subscription"]
    province["subscription"] = subscribed.json()["id"]


def subscribe_communes(province, farm_port, farm_communes):
    admin = session("admin", "admin")
    for key in province["communes"]:
        commune = farm_communes[key]
        for _attempt in range(5):
            answer = admin.post(
                f"{commune['url']}/@subscriptions",
                json={
                    "callback": f"http://127.0.0.1:{farm_port}/c/{key}",
                    "secret": commune["secret"],
                },
                timeout=60,
            )
            if answer.status_code == 201:
                break
        else:
            raise RuntimeError(f"subscribing {key} failed: {answer.text[:300]}")


# ---------------------------------------------------------------------------------------
# A round


def publish(central, title):
    """Create, submit and publish an emergency bulletin for the whole country at central;
    returns (time of the publishing request's answer, the request's own seconds)."""
    editor, approver = session(EDITOR, PASSWORD), session(APPROVER, PASSWORD)
    created = editor.post(
        unit_url(central, "VN"),
        json={
            "@type": "Bulletin",
            "title": title,
            "category": "disaster",
            "priority": "emergency",
            "target_scope": "subtree",
        },
        timeout=120,
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert editor.post(f"{url}/@workflow/submit", timeout=120).status_code == 200
    sent = time.time()
    published = approver.post(f"{url}/@workflow/publish", timeout=120)
    approved = time.time()
    assert published.status_code == 200, published.text
    return approved, approved - sent


def farm_acks(farm_port, title):
    import requests

    return requests.get(
        f"http://127.0.0.1:{farm_port}/_acks", params={"uid": title}, timeout=30
    ).json()


def inbox_applied(province, after):
    """When the province's inbox applied the first delivery after ``after`` that created
    an item (the link's log)."""
    found = session("admin", "admin").get(
        f"{province['site'].url}/@federation-links/{LINK}", timeout=60
    )
    found.raise_for_status()
    times = [
        record["time"]
        for record in found.json()["log"]
        if record.get("status") == "delivered"
        and record.get("created")
        and record["time"] > after
    ]
    return min(times) if times else None


def central_push(central, province, after):
    """Central's record of its push to the province after ``after``: (round end, ms)."""
    found = session("admin", "admin").get(
        f"{province['central_unit']}/@subscriptions/{province['subscription']}",
        timeout=60,
    )
    found.raise_for_status()
    records = [
        record
        for record in found.json()["log"]
        if record.get("status") == "delivered"
        and record.get("events")
        and record["time"] > after
    ]
    if not records:
        return None, None
    first = min(records, key=lambda record: record["time"])
    return first["time"], first.get("ms")


def run_round(central, provinces, farm_port, title, timeout):
    expected = sum(len(p["communes"]) for p in provinces)
    approved, request_seconds = publish(central, title)
    deadline = time.monotonic() + timeout
    acks = farm_acks(farm_port, title)
    while acks["count"] < expected and time.monotonic() < deadline:
        time.sleep(0.2)
        acks = farm_acks(farm_port, title)
    times = acks["times"]
    result = {
        "title": title,
        "approved": approved,
        "publish_request": request_seconds,
        "expected": expected,
        "acked": acks["count"],
        "refused": acks["refused"],
        "provinces": [],
    }
    for province in provinces:
        mine = [times[key] for key in province["communes"] if key in times]
        applied = inbox_applied(province, approved)
        answered, ms = central_push(central, province, approved)
        result["provinces"].append(
            {
                "number": province["number"],
                "code": province["code"],
                "communes": len(province["communes"]),
                "acked": len(mine),
                "published": applied - approved if applied else None,
                "inbox_ms": ms,
                "central_round_end": answered - approved if answered else None,
                "first_commune": min(mine) - applied if mine and applied else None,
                "last_commune": max(mine) - applied if mine and applied else None,
                "total": max(mine) - approved if mine else None,
            }
        )
    result["last"] = max(times.values()) - approved if times else None
    return result


def check_feeds(provinces, farm_communes):
    """Every commune feed of every province holds the item of every round run while the
    province was linked: the communes missing any, by key."""
    import requests

    missing = []
    for province in provinces:
        for key in province["communes"]:
            feed = requests.get(
                farm_communes[key]["topic"], params={"size": 200}, timeout=60
            ).json()
            held = {item.get("title") for item in feed.get("items", [])}
            if not set(province["titles"]) <= held:
                missing.append(key)
    return missing


# ---------------------------------------------------------------------------------------
# Figures


def quantiles(values):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return {
        "n": len(values),
        "p50": statistics.median(values),
        "max": values[-1],
        "min": values[0],
    }


def official_communes():
    """Communes per province of the official list (34 provinces)."""
    from nguon.units import official

    return {
        code: len(unit.children) for code, unit in sorted(official.provinces().items())
    }


def summarise(rounds):
    per = [p for r in rounds for p in r["provinces"]]
    return {
        "published": quantiles(p["published"] for p in per),
        "inbox_ms": quantiles(p["inbox_ms"] for p in per),
        "central_round_end": quantiles(p["central_round_end"] for p in per),
        "first_commune": quantiles(p["first_commune"] for p in per),
        "last_commune": quantiles(p["last_commune"] for p in per),
        "total": quantiles(r["last"] for r in rounds),
        "publish_request": quantiles(r["publish_request"] for r in rounds),
        "slope": quantiles(
            (p["last_commune"] - p["first_commune"]) / (p["communes"] - 1)
            for p in per
            if p["last_commune"] is not None and p["communes"] > 1
        ),
    }


def on_paper(steps):
    """Two estimates: from the p50 figures of the fewest provinces that have both sizes,
    and of the most provinces (the most sharing of these cores). A line through two max
    figures is one slow round's, not a province's: the max figures are in the tables."""
    communes = official_communes()
    both = [
        step
        for step in steps
        if len({p["communes"] for r in step["rounds"] for p in r["provinces"]}) > 1
    ]
    return {
        "low": extrapolate((both or steps)[0], communes, "p50"),
        "high": extrapolate(steps[-1], communes, "p50"),
    }


def by_size(step, key, which):
    """``{communes: p50 or max of key}`` over the provinces of ``step``, by their size."""
    sizes = {}
    for r in step["rounds"]:
        for p in r["provinces"]:
            if p[key] is not None:
                sizes.setdefault(p["communes"], []).append(p[key])
    return {n: quantiles(values)[which] for n, values in sorted(sizes.items())}


def line_to(points, x, floor=0.0):
    """The value at ``x`` of the line through the smallest and largest of ``points``
    (``{size: value}``), its slope at least ``floor``; returns (value, slope)."""
    (x1, y1), (x2, y2) = min(points.items()), max(points.items())
    slope = max(floor, (y2 - y1) / (x2 - x1) if x2 > x1 else 0.0)
    return y1 + slope * (x - x1), slope


def extrapolate(step, communes, which):
    """The country on paper, from ``step``'s ``which`` (p50 or max) figures: central's
    fan-out to 34 provinces and each province's to its own communes, each province on its
    own machine (in parallel). A province's hops grow with its communes: each is the line
    through the figures of the two sizes measured (the demo's 40 and 78 communes), taken to
    the largest province."""
    from nguon.units import official

    per_push = (PUSH_3321["last"] - PUSH_3321["first"]) / (PUSH_3321["subscribers"] - 1)
    largest_code = max(communes, key=communes.get)
    largest = communes[largest_code]
    measured = step["provinces"]
    central_more = max(0, 34 - measured) * per_push
    published = by_size(step, "published", which)
    last = by_size(step, "last_commune", which)
    result = {
        "measured": measured,
        "which": which,
        "sizes": sorted(published),
        "per_push": per_push,
        "central_more": central_more,
        "largest": largest,
        "largest_name": f"{official.provinces()[largest_code].title} ({largest_code})",
        "communes_total": sum(communes.values()),
        "mean": sum(communes.values()) / len(communes),
        "hop1": None,
        "hop2": None,
        "total": None,
    }
    if published and last:
        hop1, slope1 = line_to(published, largest)
        hop2, slope2 = line_to(last, largest, floor=per_push)
        result.update(
            hop1=hop1 + central_more,
            slope1=slope1,
            hop2=hop2,
            slope2=slope2,
            total=hop1 + central_more + hop2,
        )
    return result


def seconds(value, digits=2):
    return "–" if value is None else f"{value:.{digits}f} s"


def p50_max(q, scale=1.0, unit=" s", digits=2):
    if not q:
        return "–"
    return f"{q['p50'] * scale:.{digits}f} / {q['max'] * scale:.{digits}f}{unit}"


def plural(count, word):
    return f"{count} {word}{'' if count == 1 else 's'}"


def section(args, info, steps, paper, missing):
    from tests.bench.bench_approval import code_version
    from tests.bench.bench_approval import machine

    m = machine()
    code = info.get("code") or code_version()
    provinces = info["provinces"]
    last = steps[-1]
    low, high = paper["low"], paper["high"]
    lines = [
        BEGIN,
        "",
        f"Generated {datetime.now():%Y-%m-%d %H:%M} by `tests/bench/bench_federation.py "
        f"--provinces {','.join(str(n) for n in args.provinces)} --rounds {args.rounds} "
        f"--solr {args.solr}` on {m['cpu']} ({m['nproc']} cores), {m['ram_gib']} GiB, "
        f"Python {m['python']}, Plone {m['plone']}; code {code['commit']}"
        + (
            f" plus uncommitted changes to {len(code['changed'])} files"
            if code["changed"]
            else ""
        )
        + f". Load average before/after: {info['load'][0]:.1f} / {info['load'][1]:.1f}.",
        "",
        f"**Measured**: a central site and {plural(len(provinces), 'provincial site')}, "
        "each `nguon-start` with the demo (Zope with its outbox worker and pusher, its own "
        "Mosquitto), "
        + (
            f"sharing one Solr node (a core each, {args.solr_heap} heap)"
            if args.solr == "shared"
            else "each with its own bundled Solr"
        )
        + f", all on these {m['nproc']} cores; started one after the other in "
        + ", ".join(f"{s:.0f}" for s in info["starts"])
        + " s. Provincial sites: "
        + ", ".join(
            f"{p['number']} as {p['code']} ({len(p['communes'])} communes)"
            for p in provinces
        )
        + ", every commune subscribed to its province's site by the consumer farm (one "
        "asyncio process, a callback and secret per commune, every signature checked). "
        "Each round: an emergency bulletin for the whole country at central's unit, "
        "published by a central approver; central's pusher sends it to every linked "
        "province's inbox (signed; policy `at-once`: the copy is published inside the "
        "inbox request), each province's pusher to each of its communes; times count "
        "from the answer to the approver's request. "
        f"{plural(args.rounds, 'round')} per configuration after one unmeasured warm-up "
        f"round, {args.pause:g} s apart; the first provinces are linked, measured, then "
        "more are linked (the others run idle meanwhile).",
        "",
        "| Provinces linked (communes) | approval → province copy published p50 / max "
        "| central's push to a province (the inbox request) p50 / max | copy published "
        "→ first commune p50 / max | copy published → last commune p50 / max | **approval "
        "→ last commune of all provinces** p50 / max | communes acknowledged |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for step in steps:
        q = step["summary"]
        acked = sum(r["acked"] for r in step["rounds"])
        expected = sum(r["expected"] for r in step["rounds"])
        refused = sum(r["refused"] for r in step["rounds"])
        lines.append(
            f"| {step['provinces']} ({step['communes']}) | {p50_max(q['published'])} | "
            f"{p50_max(q['inbox_ms'], 1, ' ms', 0)} | {p50_max(q['first_commune'])} | "
            f"{p50_max(q['last_commune'])} | **{p50_max(q['total'])}** | "
            f"{acked} of {expected}"
            + (f", {refused} refused" if refused else "")
            + " |"
        )
    lines += [
        "",
        f"With {plural(last['provinces'], 'province')} linked, per provincial site:",
        "",
        "| Provincial site | communes | approval → copy published p50 / max | copy "
        "published → last commune p50 / max | per further commune p50 |",
        "|---|---:|---:|---:|---:|",
    ]
    for province in provinces[: last["provinces"]]:
        mine = [
            p
            for r in last["rounds"]
            for p in r["provinces"]
            if p["number"] == province["number"]
        ]
        slope = quantiles(
            (p["last_commune"] - p["first_commune"]) / (p["communes"] - 1)
            for p in mine
            if p["last_commune"] is not None and p["communes"] > 1
        )
        lines.append(
            f"| {province['number']} ({province['code']}) | {len(province['communes'])} | "
            f"{p50_max(quantiles(p['published'] for p in mine))} | "
            f"{p50_max(quantiles(p['last_commune'] for p in mine))} | "
            + (f"{slope['p50'] * 1000:.2f} ms" if slope else "–")
            + " |"
        )
    lines += [
        "",
        "After the rounds, every commune feed of every linked provincial site was read: "
        + (
            "each held every round's item."
            if not missing
            else f"{len(missing)} did not hold every round's item: {missing[:10]}."
        ),
        "",
        "**Computed** (on paper, not measured): the country has 34 provinces and "
        f"{low['communes_total']:,} communes ({low['mean']:.0f} a province on average, "
        f"{low['largest']} in the largest, {low['largest_name']}; "
        "`nguon.units.official`), each province's site on its own machine, all in "
        "parallel. Central's pusher sends a round's pushes at once (64 connections, 16 to "
        "one host: 34 provinces never wait for a slot); its cost for each subscriber not "
        "measured is taken from the «Push» figures above (3,321 subscribers, first "
        f"acknowledgement {PUSH_3321['first']} s, last {PUSH_3321['last']} s after the "
        f"commit: {low['per_push'] * 1000:.2f} ms per further subscriber). A province's "
        "two hops grow with its communes (its copy's publication enters the item for every "
        "unit of its subtree; its change log and pushes are per commune): each hop is the "
        "line through the figures of the two sizes measured "
        f"({' and '.join(str(n) for n in low['sizes'])} communes), taken to the largest "
        f"province's {low['largest']} (the push hop's slope at least "
        f"{low['per_push'] * 1000:.2f} ms a commune). Two estimates: from the p50 figures "
        f"with {plural(low['measured'], 'province')} linked, and with "
        f"{plural(high['measured'], 'province')} (more sites sharing these cores: "
        "pessimistic for provinces on machines of their own). A line through two max "
        "figures would follow one slow round's noise; the max figures are in the tables "
        "above.",
        "",
        f"| Computed for 34 provinces | from the p50 with {low['measured']} | "
        f"from the p50 with {high['measured']} |",
        "|---|---:|---:|",
        "| Central's cost for the subscribers not measured "
        f"| {low['central_more'] * 1000:.0f} ms | {high['central_more'] * 1000:.0f} ms |",
        "| Approval → copy published: added per commune of the province "
        + "".join(
            f"| {b['slope1'] * 1000:.1f} ms " if b.get("slope1") is not None else "| – "
            for b in (low, high)
        )
        + "|",
        f"| Central approval → the largest province's copy published | "
        f"{seconds(low['hop1'])} | {seconds(high['hop1'])} |",
        "| Copy published → last commune: added per commune "
        + "".join(
            f"| {b['slope2'] * 1000:.1f} ms " if b.get("slope2") is not None else "| – "
            for b in (low, high)
        )
        + "|",
        f"| Province copy published → its last commune ({low['largest']} communes) | "
        f"{seconds(low['hop2'])} | {seconds(high['hop2'])} |",
        f"| **Central approval → the last commune of the country** | "
        f"**{seconds(low['total'])}** | **{seconds(high['total'])}** |",
        "",
        END,
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------


def measure_step(central, provinces, farm_port, args, stamp, titles):
    rounds = []
    for number in range(args.rounds + 1):
        title = f"Cảnh báo bão khẩn cấp toàn quốc {stamp}-{len(provinces)}-{number}"
        titles.append(title)
        for province in provinces:
            province.setdefault("titles", []).append(title)
        say(f"round {number}{' (warm-up)' if number == 0 else ''}: {title}")
        result = run_round(central, provinces, farm_port, title, args.timeout)
        say(
            f"  last commune {seconds(result['last'])}, "
            f"{result['acked']} of {result['expected']} acknowledged; "
            + "; ".join(
                f"p{p['number']} published {seconds(p['published'])}, "
                f"communes {seconds(p['first_commune'])}–"
                f"{seconds(p['last_commune'])}"
                for p in result["provinces"]
            )
        )
        if number:
            rounds.append(result)
        time.sleep(args.pause)
    return {
        "provinces": len(provinces),
        "communes": sum(len(p["communes"]) for p in provinces),
        "rounds": rounds,
        "summary": summarise(rounds),
    }


def run(args):
    from tests.e2e.instance import free_port
    from tests.e2e.instance import Instance

    args.provinces = sorted(set(args.provinces))
    folder = Path(args.var).resolve()
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    # a SIGTERM stops the run through the ``finally`` below: nothing is left running
    signal.signal(signal.SIGTERM, lambda _signum, _frame: sys.exit(1))
    load_before = os.getloadavg()[0]
    solr, sites, farm = None, [], None
    try:
        names = ["central"] + [
            f"province{n}" for n in range(1, max(args.provinces) + 1)
        ]
        if args.solr == "shared":
            say(f"Solr: one node, cores {', '.join(names)}")
            started = time.monotonic()
            solr = SharedSolr(folder / "solr", names, args.solr_heap).start()
            say(f"  up in {time.monotonic() - started:.0f} s")
        starts = []
        for name in names:
            (folder / name).mkdir()
            env = (
                {"SOLR_URL": solr.url(name), "NGUON_SOLR_BUNDLED": "0"} if solr else {}
            )
            site = Instance(folder / name, **env)
            say(f"starting {name}")
            started = time.monotonic()
            try:
                site.start()
            except AssertionError as error:  # Instance.start: exited, or not up in time
                site.kill()
                if name == "central" or len(sites) < 2:
                    raise
                say(f"  {name} did not start ({error}): measuring without it")
                break
            sites.append(site)
            starts.append(time.monotonic() - started)
            say(f"  {name} up in {starts[-1]:.0f} s at {site.url}")
            allow_loopback(site)
        central = sites[0]
        started_provinces = len(sites) - 1
        args.provinces = [n for n in args.provinces if n <= started_provinces] or [
            started_provinces
        ]
        central_people(central)
        farm_port = free_port()
        farm_communes = {}
        provinces = [
            prepare_province(
                central,
                site,
                number,
                PROVINCES[(number - 1) % len(PROVINCES)],
                farm_communes,
            )
            for number, site in enumerate(sites[1:], 1)
        ]
        (folder / "communes.json").write_text(json.dumps(farm_communes))
        farm_log = open(folder / "farm.log", "w")
        farm = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--farm-port",
                str(farm_port),
                "--farm-communes",
                str(folder / "communes.json"),
            ],
            stdout=farm_log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                farm_acks(farm_port, "")
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        stamp = datetime.now().strftime("%H%M%S")
        steps, titles, linked = [], [], 0
        for count in args.provinces:
            for province in provinces[linked:count]:
                say(
                    f"province {province['number']} ({province['code']}): linking, "
                    f"subscribing {len(province['communes'])} communes"
                )
                link_province(province)
                subscribe_communes(province, farm_port, farm_communes)
            linked = count
            time.sleep(3)
            say(f"{count} provinces linked")
            before = len(titles)
            try:
                steps.append(
                    measure_step(
                        central, provinces[:count], farm_port, args, stamp, titles
                    )
                )
            except Exception as error:  # the configurations measured are still written
                say(f"{count} provinces: the measurement broke: {error!r}")
                broken = set(titles[before:])
                for province in provinces[:count]:
                    province["titles"] = [
                        t for t in province.get("titles", []) if t not in broken
                    ]
                linked = steps[-1]["provinces"] if steps else 0
                if not steps:
                    raise
                break
            (folder / "figures.json").write_text(
                json.dumps({"steps": steps}, indent=2, default=str)
            )
        say("reading every commune feed")
        missing = check_feeds(provinces[:linked], farm_communes)
        load_after = os.getloadavg()[0]
        from tests.bench.bench_approval import code_version

        info = {
            "provinces": [
                {k: p[k] for k in ("number", "code", "communes")} for p in provinces
            ],
            "starts": starts,
            "load": (load_before, load_after),
            "code": code_version(),
            "args": {
                k: getattr(args, k)
                for k in ("provinces", "rounds", "solr", "solr_heap", "pause")
            },
        }
        figures = {"steps": steps, "missing": missing, "info": info}
        (folder / "figures.json").write_text(json.dumps(figures, indent=2, default=str))
        write(figures, args.no_doc)
        return steps
    finally:
        if farm is not None and farm.poll() is None:
            farm.terminate()
            farm.wait(30)
        for site in sites:
            site.kill()
        if solr is not None:
            solr.kill()


def write(figures, no_doc=False):
    """The section from a run's figures (``figures.json``), printed and written to
    docs/benchmarks.md."""
    info = figures["info"]
    args = argparse.Namespace(**info["args"])
    generated = section(
        args, info, figures["steps"], on_paper(figures["steps"]), figures["missing"]
    )
    print(generated)
    if not no_doc:
        from tests.bench.bench_search import replace_section

        replace_section(SECTION, SECTION_PREFIX, BEGIN, END, generated)
        say("written to docs/benchmarks.md")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--provinces",
        type=lambda text: [int(n) for n in text.split(",")],
        default=[1, 2, 4],
        help="provinces linked in each configuration, e.g. 1,2,4 (as many sites start)",
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pause", type=float, default=3.0)
    parser.add_argument(
        "--timeout", type=float, default=120, help="seconds to wait for a round"
    )
    parser.add_argument("--solr", choices=("shared", "own"), default="shared")
    parser.add_argument("--solr-heap", default="1g")
    parser.add_argument("--var", default=str(REPO / "var" / "bench" / "federation"))
    parser.add_argument(
        "--no-doc", action="store_true", help="print, do not write docs/benchmarks.md"
    )
    parser.add_argument("--farm-port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--farm-communes", help=argparse.SUPPRESS)
    parser.add_argument(
        "--report",
        metavar="FIGURES_JSON",
        help="write the section again from a run's figures.json, without measuring",
    )
    args = parser.parse_args(argv)
    if args.report:
        write(json.loads(Path(args.report).read_text()), args.no_doc)
        return 0
    if args.farm_port:
        farm_main(args.farm_port, args.farm_communes)
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
