"""Profile the province's ``@federation-inbox/<link>`` request at two sizes of province.

bench_federation.py found that the province's inbox request (central's signed push of a new
emergency bulletin, applied as an item of the province's unit, published at once) grows with
the province's communes. This script looks where. Three ways:

- in one process (the default): a Plone site (``nguon:default`` in a plone.app.testing
  functional layer: a DemoStorage, no Solr, no HTTP) gets the central unit and one official
  province with its first N communes (``--sizes``, of ``--province``: 79 has 168), each
  commune subscribed to its own feed (as bench_federation's consumer farm is; the callbacks
  are never called here), and a link from central's unit to the province. Per size it times
  (wall and CPU of this process) and profiles (cProfile) what the inbox service does for one
  delivery: ``inbox.receive`` and the ``transaction.commit()`` that ends the request. One
  unmeasured delivery warms the caches; ``--samples`` deliveries are timed, the last one
  profiled. It prints the times, the milliseconds added per commune and the functions whose
  cumulative time grows most between the smallest and the largest size. ``--compare``
  measures each size a second time with ``nguon.units.finder``'s index of units cached by the
  catalog's counter, as before the units generation;
- ``--demo``: the same on the demo site, linked in turn to each demo province (46: 40
  communes, 44: 78), as bench_federation's provincial sites are;
- ``--site FOLDER``: a real ``nguon-start`` demo site (tests/e2e/instance.py), every commune
  of the demo provinces subscribed to a sink in this process, a link to each province; the
  inbox POSTs are timed over HTTP, interleaved between the links, ``--pause`` apart so that
  one's fan-out to the communes is over before the next. ``--profile``: the server profiles
  every inbox request (its own thread) into FOLDER/profiles (a ``sitecustomize`` on its
  PYTHONPATH wraps ``ZPublisher.WSGIPublisher.publish_module``).

The machine is usually shared: CPU times are steadier than wall times, and the profiler's
call counts (``--dump``, then ``pstats``) do not depend on the load at all.

Usage::

    .venv/bin/python tests/bench/profile_federation_inbox.py [--sizes 20,168] [--samples 5]
        [--compare] [--province 79] [--top 40] [--dump /tmp/profile]
    .venv/bin/python tests/bench/profile_federation_inbox.py --demo [--provinces 46,44]
    .venv/bin/python tests/bench/profile_federation_inbox.py --site /tmp/profile-site \\
        [--provinces 46,44] [--rounds 8] [--pause 4] [--profile]
"""

from pathlib import Path

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time


REPO = Path(__file__).resolve().parents[2]
SECRET = "a-secret-of-the-link-0123456789"
CENTRAL = "https://trunguong.nguon.invalid"


def set_up(layer, done):
    """Set ``layer`` up after its bases, as zope.testrunner does."""
    for base in layer.__bases__:
        set_up(base, done)
    if layer not in done:
        layer.setUp()
        done.append(layer)


def test_set_up(done):
    for layer in done:
        if hasattr(layer, "testSetUp"):
            layer.testSetUp()


def test_tear_down(done):
    for layer in reversed(done):
        if hasattr(layer, "testTearDown"):
            layer.testTearDown()


def build(portal, province_code, size):
    """Central, the province with its first ``size`` communes, a subscription for each
    commune, the link; committed. Returns the link."""
    from collections import Counter
    from dataclasses import replace
    from nguon.federation import links
    from nguon.syndication.subscriptions import subscribe
    from nguon.units import official
    from nguon.units.importer import sync_unit
    from nguon.units.tree import lineage
    from plone import api

    import transaction

    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    province = official.province(province_code)
    communes = list(province.children)[:size]
    if len(communes) < size:
        raise SystemExit(f"province {province_code} has {len(communes)} communes")
    counts = Counter()
    with api.env.adopt_roles(["Manager"]):
        central = sync_unit(portal, official.CENTRAL, counts)
        unit = sync_unit(central, replace(province, children=()), counts)
        for number, commune in enumerate(communes):
            made = sync_unit(unit, commune, counts)
            subscribe(
                made,
                [code for code, _level in lineage(made)],
                callback=f"http://127.0.0.1:9/c/{number}",
                secret=f"the-secret-of-commune-{number:06d}",
                topic=f"{made.absolute_url()}/feed.json",
                site_url=portal.absolute_url(),
                verify=False,
            )
        link = links.add(
            portal,
            "trung-uong",
            f"{CENTRAL}/vn/{province_code}/feed.json",
            SECRET,
            unit_code=province_code,
            local_unit=province_code,
        )
    transaction.commit()
    return link


def delivery(link, seq, title):
    """A signed change document of central with one new emergency bulletin."""
    from nguon.syndication import formats
    from nguon.syndication import signing

    import uuid

    now = time.time()
    uid = uuid.uuid4().hex
    data = {
        "version": formats.JSON_FEED,
        "title": "Trung ương",
        "items": [
            {
                "id": formats.entry_id(uid),
                "url": f"{CENTRAL}/vn/{uid}",
                "title": title,
                "summary": f"Tóm tắt: {title}",
                "content_html": f"<p>Nội dung: {title}</p>",
                "date_published": formats.iso(now),
                "date_modified": formats.iso(now),
                "_nguon": {
                    "uid": uid,
                    "type": "Bulletin",
                    "category": "disaster",
                    "priority": "emergency",
                    "unit": {"code": "VN", "title": "Trung ương", "level": "central"},
                    "channels": ["web"],
                    "number": None,
                    "expires": None,
                    "seq": seq,
                },
            }
        ],
        "_nguon": {
            "unit": {"code": link.unit_code, "title": "Tỉnh", "level": "province"},
            "cursor": seq,
            "deleted": [],
            "links": {},
            "updated": formats.iso(now),
            "delivery": {
                "id": f"{link.subscription_id}:{seq}-{seq}",
                "sent": formats.iso(now),
            },
        },
    }
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return body, signing.sign(link.secret, body)


def request_once(portal, link, seq, profiler=None):
    """What the inbox service does for one delivery; returns its (wall, CPU) seconds."""
    from nguon.federation import inbox

    import transaction

    body, signature = delivery(link, seq, f"Tin khẩn cấp {seq}")
    transaction.begin()
    start, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    counts = inbox.receive(portal, link.id, body, signature)
    transaction.commit()
    if profiler is not None:
        profiler.disable()
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    assert counts["created"] == 1, counts
    return seconds, cpu


def build_demo(portal, province_code):
    """On the demo site: a subscription for each commune of the demo province
    ``province_code`` and the link to it (as bench_federation's provincial sites);
    committed. Returns the link and the number of communes."""
    from nguon.federation import links
    from nguon.syndication.subscriptions import subscribe
    from nguon.units.tree import find_unit
    from nguon.units.tree import lineage
    from plone import api

    import transaction

    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    unit = find_unit(province_code)
    communes = [
        child
        for child in unit.objectValues()
        if getattr(child, "level", None) == "commune"
    ]
    with api.env.adopt_roles(["Manager"]):
        for number, commune in enumerate(communes):
            subscribe(
                commune,
                [code for code, _level in lineage(commune)],
                callback=f"http://127.0.0.1:9/c/{province_code}-{number}",
                secret=f"the-secret-of-commune-{number:06d}",
                topic=f"{commune.absolute_url()}/feed.json",
                site_url=portal.absolute_url(),
                verify=False,
            )
        link = links.add(
            portal,
            f"trung-uong-{province_code}",
            f"{CENTRAL}/vn/{province_code}/feed.json",
            SECRET,
            unit_code=province_code,
            local_unit=province_code,
        )
    transaction.commit()
    return link, len(communes)


def catalog_key(portal, catalog):
    """``nguon.units.finder``'s cache key before the units generation (``--compare``):
    the catalog's counter, which moves at every write to the catalog."""
    return ("/".join(portal.getPhysicalPath()), catalog.getCounter())


def measure(size, province_code, samples, demo=False, before=False):
    """``(communes, [(wall, CPU seconds) of each timed delivery], pstats of the last)``:
    at ``size`` communes of ``province_code`` on a bare site, or (``demo``) on the demo
    site at the demo province ``province_code`` (``size`` unused); ``before``: with the
    index of units cached by the catalog's counter, as before the units generation."""
    from nguon.testing import NGUON_DEMO_FIXTURE
    from nguon.testing import NGUON_FIXTURE
    from nguon.units import finder
    from plone.app.testing import FunctionalTesting

    base = NGUON_DEMO_FIXTURE if demo else NGUON_FIXTURE
    layer = FunctionalTesting(bases=(base,), name=f"Profile{province_code}{size}")
    done = []
    set_up(layer, done)
    test_set_up(done)
    kept = finder._cache_key
    finder._cache_key = catalog_key if before else kept
    try:
        portal = layer["portal"]
        if demo:
            link, size = build_demo(portal, province_code)
        else:
            link = build(portal, province_code, size)
        request_once(portal, link, 1)  # warm-up
        times = [request_once(portal, link, 2 + n) for n in range(samples - 1)]
        profiler = cProfile.Profile()
        times.append(request_once(portal, link, 1 + samples, profiler))
        return size, times, pstats.Stats(profiler, stream=io.StringIO())
    finally:
        finder._cache_key = kept
        test_tear_down(done)
        for each in reversed(done):
            each.tearDown()


class Sink:
    """Commune subscribers that take every push (and answer WebSub's challenge), in a
    thread of this process."""

    def __init__(self):
        from http.server import BaseHTTPRequestHandler
        from http.server import ThreadingHTTPServer
        from urllib.parse import parse_qs
        from urllib.parse import urlsplit

        import threading

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                query = parse_qs(urlsplit(self.path).query)
                challenge = (query.get("hub.challenge") or [""])[0].encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(challenge)))
                self.end_headers()
                self.wfile.write(challenge)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


# Written into the site's folder and put on the server's PYTHONPATH by ``--profile``: each
# inbox request the server answers is profiled (its own thread) into NGUON_PROFILE_INBOX.
HOOK = """
import os

if os.environ.get("NGUON_PROFILE_INBOX"):
    import cProfile
    import itertools
    import time
    import ZPublisher.WSGIPublisher as publisher

    _folder = os.environ["NGUON_PROFILE_INBOX"]
    _numbers = itertools.count()
    _publish = publisher.publish_module

    def publish_module(environ, start_response, *args, **kwargs):
        path = environ.get("PATH_INFO", "")
        if "@federation-inbox" not in path:
            return _publish(environ, start_response, *args, **kwargs)
        profiler = cProfile.Profile()
        start = time.perf_counter()
        profiler.enable()
        try:
            return _publish(environ, start_response, *args, **kwargs)
        finally:
            profiler.disable()
            ms = (time.perf_counter() - start) * 1000
            name = f"{next(_numbers):04d}-{path.rsplit('/', 1)[-1]}-{ms:.0f}ms.prof"
            profiler.dump_stats(os.path.join(_folder, name))

    publisher.publish_module = publish_module
"""


def on_site(codes, rounds, pause, folder, profile=False):
    """A real ``nguon-start`` demo site (tests/e2e/instance.py: Zope with its outbox worker
    and pusher, Solr, Mosquitto), linked to each demo province of ``codes``, every commune
    of those subscribed to a sink here; then ``rounds`` inbox POSTs per link, interleaved,
    ``pause`` seconds apart (the fan-out of one is over before the next). Returns
    ``{communes: [seconds of each POST]}``."""
    from tests.bench.bench_federation import allow_loopback
    from tests.bench.bench_federation import communes_of
    from tests.bench.bench_federation import session
    from tests.bench.bench_federation import unit_url
    from tests.e2e.instance import Instance
    from types import SimpleNamespace

    import requests

    Path(folder).mkdir(parents=True, exist_ok=True)
    env = {}
    if profile:
        (Path(folder) / "hook").mkdir(exist_ok=True)
        (Path(folder) / "hook" / "sitecustomize.py").write_text(HOOK)
        (Path(folder) / "profiles").mkdir(exist_ok=True)
        env = {
            "PYTHONPATH": str(Path(folder) / "hook"),
            "NGUON_PROFILE_INBOX": str(Path(folder) / "profiles"),
        }
    site = Instance(folder, **env)
    sink = Sink()
    try:
        site.start()
        allow_loopback(site)
        admin = session("admin", "admin")
        linked = []
        for code in codes:
            communes = communes_of(site, unit_url(site, code))
            for number, (_commune, url) in enumerate(communes):
                answer = admin.post(
                    f"{url}/@subscriptions",
                    json={
                        "callback": f"http://127.0.0.1:{sink.port}/c/{code}-{number}",
                        "secret": f"the-secret-of-commune-{number:06d}",
                    },
                    timeout=60,
                )
                assert answer.status_code == 201, answer.text
            made = admin.post(
                f"{site.url}/@federation-links",
                json={
                    "id": f"trung-uong-{code}",
                    "topic": f"{CENTRAL}/vn/{code}/feed.json",
                    "secret": SECRET,
                    "unit": code,
                },
                timeout=60,
            )
            assert made.status_code == 201, made.text
            link = SimpleNamespace(
                unit_code=code,
                subscription_id=made.json()["subscription"],
                secret=SECRET,
            )
            linked.append((len(communes), link, made.json()["callback"]))
            print(f"province {code}: {len(communes)} communes subscribed", flush=True)
        times = {size: [] for size, _link, _callback in linked}
        for number in range(rounds + 1):  # the first round warms up
            for size, link, callback in linked:
                body, signature = delivery(link, number + 1, f"Tin khẩn cấp {number}")
                start = time.perf_counter()
                answer = requests.post(
                    callback,
                    data=body,
                    headers={
                        "Content-Type": "application/feed+json; charset=utf-8",
                        "X-Hub-Signature": signature,
                    },
                    timeout=120,
                )
                seconds = time.perf_counter() - start
                assert answer.status_code == 200, answer.text
                assert answer.json()["created"] == 1, answer.text
                if number:
                    times[size].append(seconds)
                print(f"round {number} {size} communes: {seconds * 1000:.0f} ms")
                time.sleep(pause)
        return times
    finally:
        site.kill()
        sink.server.shutdown()


def cumulative(stats):
    """{function label: cumulative seconds}."""
    found = {}
    for (path, line, name), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        label = f"{Path(path).name}:{line}({name})" if line else name
        found[label] = found.get(label, 0.0) + ct
    return found


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="20,168")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--province", default="79")  # 168 communes
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument(
        "--demo",
        action="store_true",
        help="the demo site, linked in turn to each demo province of --provinces",
    )
    parser.add_argument("--provinces", default="46,44")
    parser.add_argument("--dump", help="write each size's profile to DUMP-<size>.prof")
    parser.add_argument(
        "--site",
        help="time the POSTs on a real nguon-start demo site in this folder instead "
        "(--provinces, --rounds, --pause)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="in process: each size also with the index of units cached by the "
        "catalog's counter (as before the units generation)",
    )
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--pause", type=float, default=4.0)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="with --site: the server profiles each inbox request into SITE/profiles",
    )
    options = parser.parse_args(argv)
    if options.site:
        times = on_site(
            options.provinces.split(","),
            options.rounds,
            options.pause,
            options.site,
            options.profile,
        )
        median = {size: statistics.median(found) for size, found in times.items()}
        for size, found in sorted(times.items()):
            print(
                f"{size} communes: median {median[size] * 1000:.0f} ms, "
                f"min {min(found) * 1000:.0f} ms, max {max(found) * 1000:.0f} ms"
            )
        low, high = min(median), max(median)
        print(
            "added per commune (medians): "
            f"{(median[high] - median[low]) * 1000 / (high - low):.2f} ms"
        )
        return 0
    if options.demo:
        runs = [(0, code) for code in options.provinces.split(",")]
    else:
        runs = [(int(size), options.province) for size in options.sizes.split(",")]
    variants = (True, False) if options.compare else (False,)
    results = {}  # (communes, before) -> (times, stats)
    for size, code in runs:
        for before in variants:
            size, times, stats = measure(
                size, code, options.samples, options.demo, before
            )
            results[size, before] = (times, stats)
            name = " (before)" if before else ""
            if options.dump:
                stats.dump_stats(
                    f"{options.dump}-{size}{'-before' if before else ''}.prof"
                )
            print(
                f"{size} communes{name}: wall "
                + ", ".join(f"{wall * 1000:.0f}" for wall, _cpu in times)
                + " ms; CPU "
                + ", ".join(f"{cpu * 1000:.0f}" for _wall, cpu in times)
                + f" ms (median {cpu_median(times) * 1000:.0f} ms, "
                f"min {cpu_min(times) * 1000:.0f} ms)",
                flush=True,
            )
    sizes = sorted({size for size, _before in results})
    low, high = sizes[0], sizes[-1]
    if options.compare:
        for size in sizes:
            for name, figure in (("median", cpu_median), ("min", cpu_min)):
                old, new = (figure(results[size, u][0]) for u in (True, False))
                print(
                    f"{size} communes: CPU {name} {old * 1000:.0f} ms before, "
                    f"{new * 1000:.0f} ms after "
                    f"({(old - new) * 1000:.0f} ms, {(old - new) / old:.0%} less); "
                    "calls in the profiled delivery: "
                    f"{results[size, True][1].total_calls} before, "
                    f"{results[size, False][1].total_calls} after"
                )
    if high == low:
        return 0
    span = high - low
    for before in variants:
        cpu = {size: cpu_median(results[size, before][0]) for size in sizes}
        stats = {size: results[size, before][1] for size in sizes}
        print(
            f"{'before: ' if before else ''}added per commune: "
            f"{(cpu[high] - cpu[low]) * 1000 / span:.2f} ms CPU (medians), "
            f"{(stats[high].total_tt - stats[low].total_tt) * 1000 / span:.2f} ms "
            "(the profiled deliveries)"
        )
    a, b = (cumulative(results[size, False][1]) for size in (low, high))
    grown = sorted(
        ((b.get(k, 0.0) - a.get(k, 0.0), k) for k in set(a) | set(b)), reverse=True
    )
    print(
        f"\nfunctions whose cumulative time grows most, ms per commune ({low}→{high}):"
    )
    for delta, label in grown[: options.top]:
        print(
            f"{delta * 1000 / span:8.2f}  {a.get(label, 0) * 1000:8.1f} → "
            f"{b.get(label, 0) * 1000:8.1f} ms  {label}"
        )
    return 0


def cpu_median(times):
    return statistics.median(cpu for _wall, cpu in times)


def cpu_min(times):
    return min(cpu for _wall, cpu in times)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
