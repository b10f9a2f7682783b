"""The citizen app's first visit on a weak network: bytes of JavaScript and CSS, and the time
to first content, in a real headless Chromium at a phone's size (docs/benchmarks.md,
"Citizen app").

A site is started with ``nguon-start`` and its demo data (tests/e2e/instance.py), or one
already running is named with ``--url``. For each network profile (DevTools' emulation, on the
page and on the app's service worker alike; tests/webapp/phone.py) and each run, a fresh
browser profile (empty caches) opens:

1. **first visit**: ``<site>/ung-dung/`` with nothing chosen yet: the first contentful paint
   (``performance`` paint entry), and every JS and CSS file the page and its service worker
   fetched during the visit, as sent (``transferSize``) and gzip-compressed (what a front
   that compresses, as the cluster's Varnish/HAProxy, would send; level 6); the page itself
   beside them, since the build inlines the style sheet into it;
2. **the commune's items, first visit**: the same empty caches, the commune (Phường Thuận
   Hóa) already chosen: the time from navigation to the commune's items drawn (the app's
   ``nguon-items-shown`` mark, after its feed.json is read);
3. **the commune's items, next visit**: reloaded with the service worker in control: the
   shell from its cache, the feed from the network (network first);
4. **the commune's address, first visit**: empty caches, nothing chosen, the commune's own
   address of the app ``<site>/ung-dung/?xa=<code>`` (its QR code), whose page carries the
   commune's items: the time to the site's list of them parsed (``nguon-first-items``, a
   mark the page sets in an inline script right after the list), the first contentful
   paint, and the app's own drawing of them (``nguon-items-shown``, from the feed that came
   in the page), with the page's bytes as sent.

Profiles: ``none`` (no shaping), ``mobile`` (Lighthouse's mobile: 150 ms, 1.6 Mbit/s) and
``slow3g`` (DevTools' Slow 3G: 2,000 ms latency, 400 kbit/s each way).

    .venv/bin/python tests/bench/bench_app.py                 # starts a demo site
    .venv/bin/python tests/bench/bench_app.py --url http://127.0.0.1:8080/Plone --runs 5
"""

from pathlib import Path

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.webapp.phone import LIGHTHOUSE_MOBILE  # noqa: E402
from tests.webapp.phone import network  # noqa: E402
from tests.webapp.phone import phone  # noqa: E402
from tests.webapp.phone import SLOW_3G  # noqa: E402


PROFILES = {"none": None, "mobile": LIGHTHOUSE_MOBILE, "slow3g": SLOW_3G}
STATIC = REPO / "src" / "nguon" / "webapp" / "static"

RESOURCES = """
return performance.getEntriesByType('resource').map(e => ({
  name: e.name, type: e.initiatorType, transfer: e.transferSize, body: e.encodedBodySize}))
"""
WORKER_RESOURCES = """
const done = arguments[arguments.length - 1];
caches.keys().then(async names => {
  const urls = [];
  for (const name of names) {
    for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
  }
  done(urls);
}).catch(() => done([]));
"""


def get_json(url):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as answer:
        return json.load(answer)


def gzip_size(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def local_file(url, app):
    """The built file that ``url`` under the app's address is."""
    path = urllib.parse.urlsplit(url).path
    prefix = urllib.parse.urlsplit(app).path
    if not path.startswith(prefix):
        return None
    file = STATIC / (path[len(prefix) :].split("?")[0] or "index.html")
    return file if file.is_file() else None


def wait_for(driver, script, timeout=180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value is not None:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out: {script}")


FCP = (
    "const e = performance.getEntriesByName('first-contentful-paint');"
    "return e.length ? e[0].startTime : null;"
)
ITEMS = (
    "const e = performance.getEntriesByName('nguon-items-shown');"
    "return e.length ? e[0].startTime : null;"
)
FIRST_ITEMS = (
    "const e = performance.getEntriesByName('nguon-first-items');"
    "return e.length ? e[0].startTime : null;"
)
# When the items of the site's list on screen were painted (Element Timing: each item has
# elementtiming="nguon-item"; those below the screen's fold are not painted, so not counted).
PAINTED = """
const done = arguments[arguments.length - 1];
const seen = [];
new PerformanceObserver((list) => seen.push(...list.getEntries()))
  .observe({type: 'element', buffered: true});
setTimeout(() => {
  const titles = seen.filter((e) => e.identifier === 'nguon-item');
  done(titles.length ? [Math.max(...titles.map((e) => e.renderTime || e.loadTime)),
                        titles.length] : [null, 0]);
}, 1000);
"""


def one_run(app, unit, profile):
    driver = phone()
    try:
        # 1. first visit, nothing chosen
        network(driver, profile)
        driver.get(app)
        fcp = wait_for(driver, FCP)
        scope = driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.serviceWorker.ready.then(r => done(r.scope));"
        )
        assert scope == app, scope
        page = driver.execute_script(RESOURCES)
        time.sleep(1)  # let the worker finish its precache
        cached = driver.execute_async_script(WORKER_RESOURCES)
        files = {}
        for entry in page:
            if entry["name"].split("?")[0].endswith((".js", ".css")):
                files[entry["name"]] = entry["transfer"] or entry["body"]
        page_files = dict(files)
        # The page itself carries the style sheet (inlined by the build): counted with them.
        document = driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return n.transferSize || n.encodedBodySize;"
        )
        worker_script = f"{app}sw.js"
        for url in [*cached, worker_script]:
            if url.split("?")[0].endswith((".js", ".css")) and url not in files:
                files[url] = None
        gz = {
            url: gzip_size(local_file(url, app))
            for url in files
            if local_file(url, app)
        }
        raw = {url: local_file(url, app).stat().st_size for url in gz}
        figures = {
            "fcp_ms": fcp,
            "page_js_css_files": len(page_files),
            "page_js_css_sent": sum(page_files.values()),
            "page_js_css_gzip": sum(gz[u] for u in page_files if u in gz),
            "page_with_html_sent": sum(page_files.values()) + document,
            "page_with_html_gzip": sum(gz[u] for u in page_files if u in gz)
            + gzip_size(STATIC / "index.html"),
            "all_js_css_files": len(gz),
            "all_js_css_raw": sum(raw.values()),
            "all_js_css_gzip": sum(gz.values()),
        }
        driver.quit()

        # 2. the commune chosen, empty caches
        driver = phone()
        network(driver)
        driver.get(f"{app}manifest.webmanifest")
        driver.execute_script(
            "localStorage.setItem('nguon.unit', JSON.stringify(arguments[0]))", unit
        )
        network(driver, profile)
        driver.get(app)
        figures["items_first_ms"] = wait_for(driver, ITEMS)
        figures["items_first_fcp_ms"] = wait_for(driver, FCP)
        driver.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "navigator.serviceWorker.ready.then(() => done());"
        )
        time.sleep(1)
        network(driver, profile)  # the worker's target now exists: shape it too

        # 3. next visit, the worker in control
        driver.get(app)
        figures["items_next_ms"] = wait_for(driver, ITEMS)
        figures["items_next_fcp_ms"] = wait_for(driver, FCP)
        assert driver.execute_script("return !!navigator.serviceWorker.controller")
        driver.quit()

        # 4. the commune's address (?xa=), empty caches, nothing chosen
        driver = phone()
        network(driver, profile)
        driver.get(f"{app}?xa={unit['code']}")
        figures["address_items_ms"] = wait_for(driver, FIRST_ITEMS)
        # None where the app's own drawing replaced the list before its first paint (an
        # unshaped network: the script arrives with the page).
        painted, count = driver.execute_async_script(PAINTED)
        figures["address_painted_ms"] = painted
        figures["address_painted_titles"] = count
        figures["address_fcp_ms"] = wait_for(driver, FCP)
        figures["address_app_items_ms"] = wait_for(driver, ITEMS)
        figures["address_page_sent"] = driver.execute_script(
            "const n = performance.getEntriesByType('navigation')[0];"
            "return n.transferSize || n.encodedBodySize;"
        )
        asked = driver.execute_script(RESOURCES)
        assert not [e for e in asked if "feed.json" in e["name"]], asked
        return figures
    finally:
        driver.quit()


def start_site():
    from tests.e2e.instance import Instance

    folder = Path(tempfile.mkdtemp(prefix="bench-app-"))
    print(f"starting a demo site in {folder} …", flush=True)
    began = time.monotonic()
    instance = Instance(folder).start()
    print(f"site up in {time.monotonic() - began:.0f} s: {instance.url}", flush=True)
    return instance


def filled_feed(unit_url, seconds=180):
    """The commune's feed once it lists items: a site just started may still be indexing
    its demo items (Solr is fed through the outbox), and a figure taken on an empty feed
    would measure an empty screen."""
    deadline = time.monotonic() + seconds
    while True:
        feed = get_json(f"{unit_url}/feed.json?size=30")
        if feed["items"] or time.monotonic() > deadline:
            return feed
        time.sleep(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", help="a running site's root (else a demo site is started)"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profiles", default="none,mobile,slow3g")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()
    instance = None if args.url else start_site()
    site = (args.url or instance.url).rstrip("/")
    try:
        found = get_json(f"{site}/@find-unit?q=thuan+hoa&limit=5")["items"]
        item = next(i for i in found if i["title"] == "Phường Thuận Hóa")
        unit = {
            "code": item["code"],
            "title": item["title"],
            "parent": item.get("parent_title") or "",
            "url": item["@id"],
        }
        feed = filled_feed(unit["url"])
        app = f"{site}/ung-dung/"
        print(
            f"app {app}; commune {unit['code']}, {len(feed['items'])} items in its feed"
        )
        results = {}
        for name in args.profiles.split(","):
            runs = [one_run(app, unit, PROFILES[name]) for _ in range(args.runs)]
            results[name] = runs
            summary = {
                key: statistics.median(
                    [run[key] for run in runs if run[key] is not None] or [float("nan")]
                )
                for key in runs[0]
            }
            results[f"{name}_median"] = summary
            print(
                f"{name:7} first visit: FCP {summary['fcp_ms']:.0f} ms; JS+CSS of the page"
                f" {summary['page_js_css_files']:.0f} files, {summary['page_js_css_sent']:.0f}"
                f" B sent, {summary['page_js_css_gzip']:.0f} B gzip (with the page and its"
                f" inlined CSS {summary['page_with_html_sent']:.0f} B sent,"
                f" {summary['page_with_html_gzip']:.0f} B gzip); with the worker's"
                f" {summary['all_js_css_files']:.0f} files {summary['all_js_css_raw']:.0f} B,"
                f" {summary['all_js_css_gzip']:.0f} B gzip | commune's items: first visit"
                f" {summary['items_first_ms']:.0f} ms (FCP {summary['items_first_fcp_ms']:.0f}),"
                f" next visit {summary['items_next_ms']:.0f} ms"
                f" (FCP {summary['items_next_fcp_ms']:.0f}) | the commune's address"
                f" (?xa=), first visit: items {summary['address_items_ms']:.0f} ms,"
                f" painted {summary['address_painted_ms']:.0f} ms"
                f" ({summary['address_painted_titles']:.0f} items on screen)"
                f" (FCP {summary['address_fcp_ms']:.0f}, the app's drawing"
                f" {summary['address_app_items_ms']:.0f}; page"
                f" {summary['address_page_sent']:.0f} B sent) [median of {args.runs}]",
                flush=True,
            )
        if args.json:
            Path(args.json).write_text(json.dumps(results, indent=2))
    finally:
        if instance:
            instance.stop()


if __name__ == "__main__":
    main()
