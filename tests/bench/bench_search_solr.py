"""Solr alone at a million documents: bulk indexing throughput and the latency of the citizen
queries nguon sends, on the project's configset.

The documents are those nguon's consumer sends (``tests.bench.corpus.solr_document``) for a
generated archive of realistic Vietnamese items; the queries are built by the product's own
``nguon.search.query.solr_params`` exactly as the citizen search sends them for an anonymous
user (security filters, edismax over exact and folded fields, highlighting, facets). Plone is
not involved: ``bench_search.py`` compares Solr with the catalog at 100,000 items.

    .venv/bin/python tests/bench/bench_search_solr.py                 # 1,000,000 documents
    .venv/bin/python tests/bench/bench_search_solr.py --docs 20000 --samples 20 --warmup 3
"""

from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

import argparse
import itertools
import json
import os
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench import corpus  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import stats  # noqa: E402
from tests.bench.bench_search import ms  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402
from tests.bench.bench_search import search_request  # noqa: E402


SECTION = "## Search: Solr alone at {docs:,} documents (issue 4)"
SECTION_PREFIX = "## Search: Solr alone"
BEGIN = "<!-- bench_search_solr.py: generated figures, replaced at every run -->"
END = "<!-- bench_search_solr.py: end of generated figures -->"
DATASET_VERSION = 1


def batches(count, size):
    documents = (corpus.solr_document(item) for item in corpus.items(count))
    while True:
        batch = list(itertools.islice(documents, size))
        if not batch:
            return
        yield batch


def load(node, count, size, threads):
    """Index ``count`` documents in batches from ``threads`` posting threads, then a hard
    commit; returns the seconds it took (generating the documents included)."""
    started = time.perf_counter()
    done = 0
    with ThreadPoolExecutor(threads) as pool:
        pending = []
        for batch in batches(count, size):
            pending.append(pool.submit(node.post, "update", batch))
            if len(pending) >= threads * 2:
                pending.pop(0).result()
                done += size
                if done % 100_000 < size:
                    rate = done / (time.perf_counter() - started)
                    say(f"loading: {done:,}/{count:,}, {rate:,.0f} docs/s")
        for future in pending:
            future.result()
    node.post("update", {"commit": {}})
    return time.perf_counter() - started


def folder_bytes(folder):
    return sum(
        path.stat().st_size for path in Path(folder).rglob("*") if path.is_file()
    )


def query_cases():
    from nguon.search.query import clean_text
    from nguon.search.query import SearchRequest
    from nguon.search.query import solr_params

    cases = []
    for query in corpus.QUERIES:
        label, request = search_request(query, SearchRequest, clean_text)
        cases.append((label, request, solr_params(request, ["Anonymous"])))
    return cases


def uncached(params, round_number):
    """The same query made new to Solr's caches: a filter that keeps every document, different
    in every round and itself not cached, so neither results nor filters come from a cache."""
    return {
        **params,
        "fq": params["fq"] + [f"{{!cache=false}}year:[1000 TO {3000 + round_number}]"],
    }


def measure(node, cases, samples, warmup, cold=False):
    """Interleaved rounds of every query; per query its client-side times, QTimes, hits."""
    import requests

    session = requests.Session()
    url = f"{node.url}/search"
    results = {
        label: {"seconds": [], "qtime": [], "hits": None} for label, _r, _p in cases
    }
    for round_number in range(warmup + samples):
        for label, _request, params in cases:
            if cold:
                params = uncached(params, round_number)
            started = time.perf_counter()
            answer = session.post(url, data={**params, "wt": "json"}, timeout=60)
            elapsed = time.perf_counter() - started
            answer.raise_for_status()
            data = answer.json()
            if round_number >= warmup:
                results[label]["seconds"].append(elapsed)
                results[label]["qtime"].append(data["responseHeader"]["QTime"])
            results[label]["hits"] = data["response"]["numFound"]
    return results


def caches(node):
    stats_answer = node.get("admin/mbeans", stats="true", cat="CACHE")
    beans = stats_answer["solr-mbeans"][1]
    figures = {}
    for name in ("queryResultCache", "filterCache"):
        values = beans.get(name, {}).get("stats", {})
        figures[name] = {
            key.rsplit(".", 1)[-1]: value
            for key, value in values.items()
            if key.endswith(("lookups", "hitratio", "size"))
        }
    return figures


def ensure_index(args, node, folder):
    manifest_path = folder / "manifest.json"
    if not args.rebuild and manifest_path.exists():
        manifest = json.loads(manifest_path.read_text())
        if (
            manifest.get("docs") == args.docs
            and manifest.get("version") == DATASET_VERSION
        ):
            say(
                f"reusing the index of {args.docs:,} documents built {manifest['built']}"
            )
            return manifest, False
    node.post("update", {"delete": {"query": "*:*"}, "commit": {}})
    say(
        f"loading {args.docs:,} documents ({args.batch} per request, {args.threads} threads)"
    )
    seconds = load(node, args.docs, args.batch, args.threads)
    manifest = {
        "docs": args.docs,
        "version": DATASET_VERSION,
        "seconds": seconds,
        "built": datetime.now().isoformat(timespec="minutes"),
        "index_bytes": folder_bytes(folder / "plone"),
        "code": code_version()["commit"],
    }
    manifest_path.write_text(json.dumps(manifest))
    return manifest, True


def section(
    args, manifest, built_now, results, cold, cache_figures, load_average, found
):
    host = machine()
    code = code_version()
    lines = [
        BEGIN,
        f"Run {datetime.now():%Y-%m-%d %H:%M} on {host['cpu']}, {host['nproc']} cores, "
        f"{host['ram_gib']} GiB RAM (shared; load average {load_average[0]:.2f} at start, "
        f"{load_average[1]:.2f} at end); measured with code {code['commit']}"
        + (" plus uncommitted changes" if code["changed"] else "")
        + ".",
        "",
        "```sh",
        f".venv/bin/python tests/bench/bench_search_solr.py --docs {args.docs} "
        f"--samples {args.samples} --warmup {args.warmup}",
        "```",
        "",
        f"Dataset: {args.docs:,} documents of `tests.bench.corpus` (bulletins, legal documents, "
        f"radio scripts, board notices over every commune, 2015–2026; 85 % published), as "
        f"nguon's consumer sends them; {found:,} documents in the core; index "
        f"{manifest['index_bytes'] / 2**30:.2f} GiB on disk. Solr 9.10.1 (the bundled "
        f"launcher), heap {args.heap}.",
        "",
        f"Bulk indexing ({'this run' if built_now else 'when the index was built, ' + manifest['built']}):"
        f" {args.docs:,} documents in {manifest['seconds'] / 60:.1f} min, "
        f"**{args.docs / manifest['seconds']:,.0f} documents/s** ({args.batch} documents per "
        f"JSON request, {args.threads} posting threads, one hard commit at the end; the "
        f"generation of the documents in Python is included).",
        "",
        f"Queries: the citizen search's own parameters (`nguon.search.query.solr_params`, "
        f"anonymous), POSTed to `/search`; {args.samples} samples per query after "
        f"{args.warmup} warm-up rounds, interleaved; client-side time on loopback, and Solr's "
        f"QTime.",
        "",
        "| query | facets | warm p50 ms | p95 | mean | QTime p50 | uncached p50 ms | p95 | mean "
        "| QTime p50 | hits |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for label, request, _params in query_cases():
        text = f" «{request.text}»" if request.text else ""
        cells = []
        for figures in (results[label], cold[label]):
            timing = stats(figures["seconds"])
            qtime = sorted(figures["qtime"])[len(figures["qtime"]) // 2]
            cells.append(
                f"{ms(timing['p50'])} | {ms(timing['p95'])} | {ms(timing['mean'])} | "
                f"{qtime}"
            )
        lines.append(
            f"| {label}{text} | {'yes' if request.facets else 'no'} | "
            f"{' | '.join(cells)} | {results[label]['hits']:,} |"
        )
    lines += [
        "",
        "Solr's caches after the run: "
        + "; ".join(
            f"{name} {values.get('lookups', 0):,} lookups, hit ratio "
            f"{float(values.get('hitratio', 0)):.2f}"
            for name, values in cache_figures.items()
        )
        + " (counted before the uncached rounds). *Warm*: every sample repeats one of a few "
        "queries, so these are mostly cached results and filters. *Uncached*: each sample "
        "adds a filter that keeps every document but differs in every round and is not "
        "cached itself, so Solr computes the query, the security and date filters' "
        "intersection, the facets and the highlighting afresh (the filters themselves stay "
        "in the filter cache, as they would in production).",
        END,
    ]
    return "\n".join(lines) + "\n"


def run(args):
    from tests.solr_node import SolrNode

    folder = Path(args.db) / f"docs-{args.docs}"
    folder.mkdir(parents=True, exist_ok=True)
    load_start = os.getloadavg()[0]
    node = SolrNode(folder, heap=args.heap).start()
    try:
        manifest, built_now = ensure_index(args, node, folder)
        found = node.get("select", q="*:*", rows=0)["response"]["numFound"]
        say(f"{found:,} documents in the core; measuring queries")
        cases = query_cases()
        results = measure(node, cases, args.samples, args.warmup)
        cache_figures = caches(node)
        say("measuring the same queries past Solr's caches")
        cold = measure(node, cases, args.samples, args.warmup, cold=True)
    finally:
        node.stop()
    generated = section(
        args,
        manifest,
        built_now,
        results,
        cold,
        cache_figures,
        (load_start, os.getloadavg()[0]),
        found,
    )
    print(generated)
    replace_section(
        SECTION.format(docs=args.docs), SECTION_PREFIX, BEGIN, END, generated
    )
    say("written to docs/benchmarks.md")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--batch", type=int, default=2000, help="documents per update request"
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="concurrent update requests"
    )
    parser.add_argument(
        "--heap", default="4g", help="maximum Java heap of the Solr node"
    )
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "search-solr"))
    parser.add_argument(
        "--rebuild", action="store_true", help="load the documents anew"
    )
    run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
