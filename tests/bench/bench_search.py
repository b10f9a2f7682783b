"""Citizen search on Solr beside the plain Plone catalog, on one generated archive.

Issue 4 asks, for a generated archive of 100,000 realistic Vietnamese items, for the p50/p95
latency of representative citizen queries (full text, with and without diacritics, with
facets) through Solr versus the plain Plone catalog on the same archive in the same run, and
for the bulk indexing throughput (items/s).

One Plone site (``nguon:default``, no demo) in a real ZODB FileStorage holds the full official
unit tree and N items of ``tests.bench.corpus.items(N)`` in their communes, in their review
states. It is built once per dataset and kept as a template; every run works on a fresh copy
of it and on an empty Solr core, so runs are repeatable:

1. build (a child process; only when the template is missing or ``--rebuild``),
2. a real Solr node (``tests/solr_node.py``, the repo's configset) on an empty data folder,
3. measure (a child process): point collective.solr at the node, queue every item
   (``nguon.search.maintenance.rebuild``) and deliver the outbox batch by batch with a commit
   after each, as the server's worker does: items/s; then ``nguon.search.verify.compare``;
   then, as an anonymous citizen, every query of ``corpus.QUERIES`` through
   ``nguon.search.citizen.run`` (Solr) and ``citizen._from_catalog`` (ZCatalog), interleaved,
   and Plone's own ``portal_catalog(SearchableText=…)`` through nguon's dispatcher
   beside the catalog's original ``searchResults``,
4. the figures are printed and written to docs/benchmarks.md.

Usage::

    .venv/bin/python tests/bench/bench_search.py [--items 100000] [--db var/bench/search]
        [--samples 200] [--warmup 20] [--batch 200] [--solr-heap 2g] [--no-versioning]
        [--rebuild] [--report]
"""

from collections import Counter
from datetime import date
from datetime import datetime
from io import BytesIO
from nguon.instance.files import write_instance
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import escape

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import unicodedata
import zipfile


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests import solr_node  # noqa: E402
from tests.bench.bench_approval import build_units  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import fresh_copy  # noqa: E402
from tests.bench.bench_approval import instance_settings  # noqa: E402
from tests.bench.bench_approval import INTRO  # noqa: E402
from tests.bench.bench_approval import lap  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import set_history  # noqa: E402
from tests.bench.bench_approval import SITE_ID  # noqa: E402
from tests.bench.bench_approval import stats  # noqa: E402


DOC = REPO / "docs" / "benchmarks.md"
SECTION = "## Search: Solr vs the Plone catalog at {items:,} items (issue 4)"
SECTION_PREFIX = "## Search: Solr vs the Plone catalog"
BEGIN = "<!-- bench_search.py: generated figures, replaced at every run -->"
END = "<!-- bench_search.py: end of generated figures -->"

DATASET_VERSION = (
    1  # bump when the dataset recipe changes, so old templates are not reused
)
COMMIT_EVERY = 500
PAGE = 20  # what a results page shows: the citizen search's default rows
SEARCHABLE = ("Bulletin", "LegalDocument", "RadioItem", "BoardNotice")

# The workflow transitions that lead from draft to each state of nguon_approval_workflow;
# items are put there directly (history and permissions), as bench_approval.py does.
PATHS = {
    "draft": (),
    "pending": ("submit",),
    "approved_at_level": ("submit", "approve"),
    "published": ("submit", "publish"),
    "rejected": ("submit", "reject"),
    "retracted": ("submit", "publish", "retract"),
    "archived": ("submit", "publish", "archive"),
}


# --- the archive -----------------------------------------------------------------------------


def corpus():
    from tests.bench import corpus as module

    return module


def docx(text):
    """A minimal DOCX (content types, package relationship, one paragraph per line): what
    the legal document's file holds, so that its text reaches search through the product's
    own extraction (``nguon.content.text_extraction``), as an uploaded file's would. About a
    kilobyte, where python-docx's default template makes 37 KB per file."""
    paragraphs = "".join(
        f'<w:p><w:r><w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in str(text).splitlines()
        if line.strip()
    )
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{paragraphs}</w:body></w:document>",
    }
    out = BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def as_datetime(value):
    """A corpus date (datetime, date, ISO string or None) as a Zope DateTime."""
    from DateTime import DateTime

    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return DateTime(
            value.isoformat() if value.tzinfo else value.isoformat() + "+07:00"
        )
    if isinstance(value, date):
        return DateTime(f"{value.isoformat()} 00:00:00 GMT+7")
    return DateTime(str(value))


def as_date(value):
    if (
        value in (None, "")
        or isinstance(value, date)
        and not isinstance(value, datetime)
    ):
        return value or None
    if isinstance(value, datetime):
        return value.date()
    return date.fromisoformat(str(value)[:10])


def html(text):
    return "".join(
        f"<p>{escape(line)}</p>" for line in str(text).splitlines() if line.strip()
    )


# --- build (child process) -------------------------------------------------------------------


def build(root, items, versioning):
    """Create the site, the unit tree and the items in a new FileStorage; returns the
    manifest."""
    from plone import api

    import transaction

    code = code_version()  # the code this process loads now, whatever changes meanwhile
    steps = {}
    started = time.perf_counter()
    app, site, settings = new_site(root)
    if not versioning:
        switch_off_versioning(site)
    transaction.commit()
    steps["site"] = lap(started)
    with api.env.adopt_user(username="admin"):
        units = build_units(site)
        steps["units"] = lap(started, steps)
        counts = create_items(site, items)
        steps["items"] = lap(started, steps)
    app._p_jar.db().close()
    return {
        "items": items,
        "units": len(units),
        "versioning": versioning,
        **counts,
        "build_seconds": steps,
        "built": datetime.now().isoformat(timespec="seconds"),
        "code": code,
        "data_fs_bytes": (settings.var / "filestorage" / "Data.fs").stat().st_size,
    }


def switch_off_versioning(site):
    """No automatic version at creation for the searchable types (this site only)."""
    repository = site.portal_repository
    for name in SEARCHABLE:
        for policy in list(repository.getPolicyMap().get(name, ())):
            repository.removePolicyFromContentType(name, policy)
    remaining = {name: repository.getPolicyMap().get(name) for name in SEARCHABLE}
    if any(remaining.values()):
        raise RuntimeError(f"versioning policies left: {remaining}")


def unit_paths(site):
    """Official code -> physical path of every unit."""
    from nguon.units.tree import UNIT_TYPE

    return {
        brain.unit_code: brain.getPath()
        for brain in site.portal_catalog.unrestrictedSearchResults(
            portal_type=UNIT_TYPE
        )
    }


def create_items(site, count):
    """Every corpus item in its unit and review state, committed every COMMIT_EVERY; returns
    what was made, counted by type, state, level and category."""
    import transaction

    paths = unit_paths(site)
    folders = {}
    counts = {
        "types": Counter(),
        "states": Counter(),
        "placed": Counter(),
        "categories": Counter(),
        "text_chars": 0,
    }
    started = time.perf_counter()
    for number, data in enumerate(corpus().items(count), 1):
        code, placed = place(data, paths)
        if code not in folders:
            folders[code] = site.unrestrictedTraverse(paths[code])
        create_item(site, folders[code], number, data)
        counts["types"][data["portal_type"]] += 1
        counts["states"][data.get("review_state") or "draft"] += 1
        counts["placed"][placed] += 1
        counts["categories"][data.get("category")] += 1
        counts["text_chars"] += len(data.get("text") or "")
        if number % COMMIT_EVERY == 0 or number == count:
            transaction.commit()
            rate = number / (time.perf_counter() - started)
            say(
                f"items: {number}/{count}, {rate:.1f} items/s, "
                f"{(count - number) / rate / 60:.1f} min to go"
            )
    return {
        name: dict(value) if isinstance(value, Counter) else value
        for name, value in counts.items()
    }


def place(data, paths):
    """The code of the unit an item belongs to: its commune, else its province, else the
    central unit; and at which of those levels it was placed."""
    from nguon.units.official import CENTRAL

    for key, level in (("commune_code", "commune"), ("province_code", "province")):
        if data.get(key) and str(data[key]) in paths:
            return str(data[key]), level
    return CENTRAL.code, "central"


def create_item(site, container, number, data):
    """Create one item as a Manager with its fields, then put it into its review state
    directly (workflow history, permissions, approval record) and set its dates; the catalog
    and the outbox see it when the transaction's indexing queue is processed."""
    from nguon.workflow.approval import ApprovalState
    from plone.app.textfield.value import RichTextValue
    from plone.dexterity.utils import createContentInContainer
    from plone.namedfile.file import NamedBlobFile

    portal_type = data["portal_type"]
    text = data.get("text") or ""
    fields = {
        "title": data["title"],
        "description": data.get("description") or "",
        "category": data.get("category"),
        "priority": data.get("priority") or "normal",
        "target_scope": data.get("target_scope") or "unit",
        "target_units": list(data.get("target_units") or ()),
    }
    if portal_type == "Bulletin":
        fields["text"] = RichTextValue(html(text), "text/html", "text/x-html-safe")
        fields["channels"] = set(data.get("channels") or {"web"})
    elif portal_type == "LegalDocument":
        fields.update(
            number=data.get("number"),
            document_type=data.get("document_type"),
            issuing_body=data.get("issuing_body"),
            signer=data.get("signer"),
            issue_date=as_date(data.get("issue_date")),
            file=NamedBlobFile(docx(text), filename=f"van-ban-{number}.docx"),
        )
    elif portal_type == "RadioItem":
        fields["script"] = text
    elif portal_type == "BoardNotice":
        fields["text"] = text
    item = createContentInContainer(
        container,
        portal_type,
        checkConstraints=False,
        id=data.get("id") or f"muc-{number:06d}",
        **fields,
    )
    state = data.get("review_state") or "draft"
    transitions = PATHS[state]
    effective = as_datetime(data.get("effective"))
    when = effective or as_datetime(data.get("issue_date"))
    if when is None:
        from DateTime import DateTime

        when = DateTime()
    if transitions:
        record = ApprovalState(item)
        record.start()
        if transitions[1:2] in (("approve",), ("publish",)):
            record.record_approval("admin")
    set_history(site, item, transitions, when, lambda name: "admin")
    item.effective_date = effective
    item.expiration_date = as_datetime(data.get("expires"))
    item.creation_date = when - 1 / 24
    item.reindexObject()
    item.setModificationDate(when)  # after reindexObject(), which sets it to now
    return item


# --- measure (child process) -----------------------------------------------------------------


def measure(root, solr_url, solr_port, samples, warmup, batch):
    """Index the copy's items into the empty core through the outbox, verify, then time the
    queries as an anonymous citizen."""
    from AccessControl.SecurityManagement import noSecurityManager
    from nguon.instance.site import open_app
    from nguon.outbox.interfaces import IOutboxConsumer
    from nguon.outbox.worker import deliver_pending
    from nguon.search import maintenance
    from nguon.search import verify
    from tests.solr_layers import point_at
    from zope.component import getUtility
    from zope.component.hooks import setSite

    import transaction

    app = open_app(instance_settings(root).zope_conf)
    site = app[SITE_ID]
    setSite(site)
    point_at(site, SimpleNamespace(port=solr_port))
    before = maintenance.pending(site).count()
    transaction.commit()
    say(f"indexing: {before} items pending before the rebuild")

    consumer = getUtility(IOutboxConsumer, name="solr")
    started = time.perf_counter()
    queued = maintenance.rebuild(site)
    transaction.commit()
    queued_at = time.perf_counter()
    say(f"indexing: {queued} items queued in {queued_at - started:.1f} s")
    delivered, refused, rounds, unavailable = 0, {}, 0, []
    while True:
        result = deliver_pending(site, "solr", consumer, batch)
        transaction.commit()
        rounds += 1
        delivered += result.delivered
        refused.update(result.refused)
        if result.unavailable:
            unavailable.append(result.unavailable)
            if len(unavailable) > 5:
                raise RuntimeError(f"Solr unavailable: {unavailable}")
            time.sleep(2)
            continue
        if not result.busy:
            break
        if rounds % 25 == 0:
            rate = delivered / (time.perf_counter() - queued_at)
            say(f"indexing: {delivered}/{queued} delivered, {rate:.0f} items/s")
    delivered_at = time.perf_counter()
    solr_node.post(solr_url, "update", {"commit": {}})
    committed_at = time.perf_counter()
    left = maintenance.pending(site).count()
    indexing = {
        "queued": queued,
        "delivered": delivered,
        "refused": refused,
        "rounds": rounds,
        "batch": batch,
        "unavailable": unavailable,
        "pending_before": before,
        "pending_after": left,
        "queue_seconds": queued_at - started,
        "deliver_seconds": delivered_at - queued_at,
        "commit_seconds": committed_at - delivered_at,
    }
    say(
        f"indexing: {delivered} delivered in {delivered_at - queued_at:.1f} s "
        f"({delivered / (delivered_at - queued_at):.0f} items/s), {len(refused)} refused, "
        f"{left} still pending; hard commit {committed_at - delivered_at:.1f} s"
    )

    started = time.perf_counter()
    differences = verify.compare(site)
    checked = {
        "summary": differences.summary(),
        "empty": differences.empty,
        "seconds": time.perf_counter() - started,
        "examples": {
            "missing": differences.missing[:5],
            "extra": differences.extra[:5],
            "mismatched": {
                uid: {name: list(map(str, pair)) for name, pair in fields.items()}
                for uid, fields in list(differences.mismatched.items())[:5]
            },
        },
    }
    say(f"verify: {checked['summary']} ({checked['seconds']:.1f} s)")
    transaction.abort()

    from plone import api

    settings = {
        name: api.portal.get_registry_record(f"collective.solr.{name}", default=None)
        for name in ("max_results", "search_pattern", "force_simple_search")
    }
    noSecurityManager()  # everything below as an anonymous citizen
    queries = measure_queries(site, samples, warmup)
    index = solr_index(solr_url)
    caches = solr_caches(solr_url)
    app._p_jar.db().close()
    return {
        "indexing": indexing,
        "verify": checked,
        "queries": queries,
        "solr_index": {
            "numDocs": index.get("numDocs"),
            "segments": index.get("segmentCount"),
            "bytes": index.get("sizeInBytes"),
        },
        "solr_caches": caches,
        "settings": settings,
    }


def query_cases(site):
    """(name, label, function returning (hits, page)) for every corpus query: the citizen
    search on Solr and on the catalog; and, for the text of each, Plone's own catalog search
    through nguon's dispatcher and the catalog's original ``searchResults``."""
    from nguon.search import citizen
    from nguon.search.query import clean_text
    from nguon.search.query import SearchRequest
    from plone.base.utils import munge_search_term

    catalog = site.portal_catalog
    cases, texts = [], set()
    for number, query in enumerate(corpus().QUERIES):
        label, request = search_request(query, SearchRequest, clean_text)

        def solr(request=request):
            results = citizen.run(request)
            if not results.from_solr:
                raise RuntimeError(
                    "the citizen search fell back to the catalog: Solr is down?"
                )
            return results.total, [hit.url for hit in results.hits]

        def zcatalog(request=request):
            results = citizen._from_catalog(catalog, request)
            return results.total, [hit.url for hit in results.hits]

        cases.append((f"q{number}", label, request, "citizen", solr, zcatalog))
        if request.text and request.text not in texts:
            texts.add(request.text)
            term = munge_search_term(request.text)

            def dispatcher(term=term):
                brains = catalog(SearchableText=term)
                return len(brains), [brain.getURL() for brain in brains[:PAGE]]

            def original(term=term):
                brains = catalog._cs_old_searchResults(SearchableText=term)
                return len(brains), [brain.getURL() for brain in brains[:PAGE]]

            cases.append((f"p{number}", label, request, "plone", dispatcher, original))
    return cases


def search_request(query, request_class, clean_text):
    """A corpus query (a dict, or an object with the same attributes) as a SearchRequest;
    returns its label too."""
    data = dict(query) if isinstance(query, dict) else dict(vars(query))
    text = data.get("text", data.get("q", "")) or ""
    label = data.get("label") or text
    fields = {
        name: data[name]
        for name in (
            "unit",
            "unit_level",
            "portal_type",
            "category",
            "document_type",
            "issuing_body",
            "year",
        )
        if data.get(name)
    }
    fields = {
        name: (value,) if isinstance(value, str) else tuple(map(str, value))
        for name, value in fields.items()
    }
    for name in ("date_from", "date_to"):
        if data.get(name):
            fields[name] = as_date(data[name])
    if data.get("sort"):
        fields["sort"] = data["sort"]
    return label, request_class(
        text=clean_text(text), facets=bool(data.get("facets", False)), **fields
    )


def measure_queries(site, samples, warmup):
    """Interleaved: every round runs every case's two sides once; returns per case the
    seconds of each side, the hits each found and how many of the first page both show."""
    from nguon.search import citizen

    cases = query_cases(site)
    results = {}
    solr_calls = []  # (seconds of the Solr request, Solr's QTime ms) of the citizen search
    search = citizen.client.search

    def timed_search(params, *args, **kwargs):
        begin = time.perf_counter()
        answer = search(params, *args, **kwargs)
        solr_calls.append(
            (time.perf_counter() - begin, answer.get("responseHeader", {}).get("QTime"))
        )
        return answer

    citizen.client.search = timed_search  # unwrapped again below
    try:
        return interleave(cases, results, solr_calls, samples, warmup)
    finally:
        citizen.client.search = search


def interleave(cases, results, solr_calls, samples, warmup):
    """Every round runs every case's two sides once; the samples after ``warmup`` count."""
    for name, label, request, kind, first, second in cases:
        hits = {}
        for side, call in (("a", first), ("b", second)):
            total, page = call()
            hits[side] = {"total": total, "page": page}
        results[name] = {
            "label": label,
            "kind": kind,
            "text": request.text,
            "facets": request.facets,
            "filters": {key: list(value) for key, value in request.filters.items()},
            "a": [],
            "b": [],
            "hits_a": hits["a"]["total"],
            "hits_b": hits["b"]["total"],
            "page_overlap": len(set(hits["a"]["page"]) & set(hits["b"]["page"])),
            "page_a": len(hits["a"]["page"]),
            "page_b": len(hits["b"]["page"]),
            "solr_request": [],
            "qtime": [],
        }
    started = time.perf_counter()
    for number in range(samples + warmup):
        for name, _label, _request, _kind, first, second in cases:
            for side, call in (("a", first), ("b", second)):
                solr_calls.clear()
                begin = time.perf_counter()
                call()
                seconds = time.perf_counter() - begin
                if number >= warmup:
                    results[name][side].append(seconds)
                    if side == "a" and solr_calls:
                        results[name]["solr_request"].append(solr_calls[0][0])
                        results[name]["qtime"].append(solr_calls[0][1])
        if (number + 1) % 10 == 0:
            elapsed = time.perf_counter() - started
            say(
                f"queries: {number + 1}/{samples + warmup} rounds, "
                f"{(samples + warmup - number - 1) * elapsed / (number + 1) / 60:.1f} min to go"
            )
    return results


def solr_index(solr_url):
    """The core's document count, segments and size on disk (never fails the run)."""
    base, core = solr_url.rsplit("/", 1)
    try:
        index = solr_node.get(solr_url, "admin/luke", numTerms=0)["index"]
        status = solr_node.get(base, "admin/cores", action="STATUS", core=core)
        index["sizeInBytes"] = status["status"][core]["index"].get("sizeInBytes")
    except (OSError, KeyError, ValueError) as error:
        say(f"cannot read Solr's index figures: {error!r}")
        return {}
    return index


def solr_caches(solr_url):
    """Hit ratios of Solr's query result and filter caches after the run."""
    try:
        metrics = solr_node.get(
            solr_url.rsplit("/", 1)[0],
            "admin/metrics",
            group="core",
            prefix="CACHE.searcher",
        )
    except OSError:
        return {}
    found = {}
    for values in metrics.get("metrics", {}).values():
        for key, value in values.items():
            cache = key.rsplit(".", 1)[-1]
            if cache in (
                "queryResultCache",
                "filterCache",
                "documentCache",
            ) and isinstance(value, dict):
                found[cache] = {
                    "lookups": value.get("cumulative_lookups"),
                    "hitratio": value.get("cumulative_hitratio"),
                }
    return found


# --- orchestration, figures and the document -------------------------------------------------


def child(phase, args, root, out, *extra):
    """Run a phase that opens the database in its own process (one opener at a time)."""
    subprocess.run(
        [
            sys.executable,
            __file__,
            "--phase",
            phase,
            "--root",
            str(root),
            "--out",
            str(out),
            "--items",
            str(args.items),
            "--samples",
            str(args.samples),
            "--warmup",
            str(args.warmup),
            "--batch",
            str(args.batch),
            *(["--no-versioning"] if not args.versioning else []),
            *extra,
        ],
        check=True,
    )
    return json.loads(out.read_text())


def fingerprint(count):
    """A digest of the corpus's first items: a template built from another generator (or
    another version of it) is not reused."""
    import hashlib
    import itertools

    sample = list(itertools.islice(corpus().items(count), 50))
    return hashlib.sha256(
        json.dumps(sample, sort_keys=True, default=str).encode()
    ).hexdigest()


def ensure_template(args, template):
    manifest = template / "manifest.json"
    if manifest.exists() and not args.rebuild:
        built = json.loads(manifest.read_text())
        if built.get("corpus") == fingerprint(args.items):
            say(f"reusing {template}")
            return built, False
        say(f"{template} was built from another corpus: building anew")
    shutil.rmtree(template, ignore_errors=True)
    template.mkdir(parents=True)
    say(f"building {args.items} items in {template}")
    result = child("build", args, template, template / "build.json")
    result["corpus"] = fingerprint(args.items)
    manifest.write_text(json.dumps(result, indent=1))
    return result, True


def start_solr(folder, heap):
    """A Solr node of the repo's configset on an empty data folder."""
    from tests.solr_node import SolrNode

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    say(f"starting Solr ({heap} heap) on {folder}")
    return SolrNode(folder, heap=heap).start()


def ms(value):
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def query_table(queries, kind):
    if kind == "citizen":
        header = (
            "| query | facets | Solr p50 ms | p95 | mean | Solr request p50 ms (QTime) "
            "| catalog p50 ms | p95 | mean | catalog ÷ Solr (p50) | hits Solr "
            "| hits catalog | same first page |"
        )
    else:
        header = (
            "| text | dispatcher (Solr) p50 ms | p95 | mean | catalog p50 ms | p95 | mean "
            "| catalog ÷ Solr (p50) | hits via Solr | hits catalog | same first page |"
        )
    rows = [header, "|---|" + ("--:|" * (12 if kind == "citizen" else 10))]
    for figures in queries.values():
        if figures["kind"] != kind:
            continue
        a, b = stats(figures["a"]), stats(figures["b"])
        label = figures["label"] if kind == "citizen" else ""
        if figures["filters"] and kind == "citizen":
            label += (
                " ("
                + ", ".join(
                    f"{key}={'/'.join(value)}"
                    for key, value in figures["filters"].items()
                )
                + ")"
            )
        cells = [
            f"{label} «{figures['text']}»".strip()
            if figures["text"] and figures["text"] not in label
            else label
        ]
        if kind == "citizen":
            cells.append("yes" if figures["facets"] else "no")
        cells += [ms(a["p50"]), ms(a["p95"]), ms(a["mean"])]
        if kind == "citizen":
            qtimes = [value for value in figures["qtime"] if value is not None]
            cells.append(
                f"{ms(stats(figures['solr_request'])['p50'])} "
                f"({statistics.median(qtimes):.0f})"
                if figures["solr_request"]
                else ""
            )
        cells += [
            ms(b["p50"]),
            ms(b["p95"]),
            ms(b["mean"]),
            f"{b['p50'] / a['p50']:.2f}×",
            str(figures["hits_a"]),
            str(figures["hits_b"]),
            f"{figures['page_overlap']}/{max(figures['page_a'], figures['page_b'])}",
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def folded(text):
    """``text`` without Vietnamese diacritics."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
    )
    return stripped.replace("đ", "d").replace("Đ", "D")


def describe_dataset(manifest):
    types = ", ".join(
        f"{count} {name}"
        for name, count in sorted(manifest["types"].items(), key=lambda pair: -pair[1])
    )
    states = ", ".join(
        f"{count} {name}"
        for name, count in sorted(manifest["states"].items(), key=lambda pair: -pair[1])
    )
    placed = ", ".join(
        f"{count} in {level} units"
        for level, count in sorted(
            manifest["placed"].items(), key=lambda pair: -pair[1]
        )
    )
    source = f"`tests.bench.corpus.items({manifest['items']})`"
    return (
        f"{manifest['items']} items of {source}: "
        f"{types}; {states}; {placed}; {len(manifest['categories'])} categories; "
        f"{manifest['text_chars'] / manifest['items']:.0f} characters of text per item on "
        f"average (a legal document's text is in its DOCX file, read by the product's "
        f"extraction). {manifest['units']} units (the full official tree). Data.fs "
        f"{manifest['data_fs_bytes'] / 2**30:.2f} GiB."
    )


def section(args, manifest, built_now, code, figures, load, solr_seconds):
    info = machine()
    steps = manifest["build_seconds"]
    indexing, checked = figures["indexing"], figures["verify"]
    deliver = indexing["deliver_seconds"]
    total = indexing["queue_seconds"] + deliver + indexing["commit_seconds"]
    caches = figures.get("solr_caches", {})
    lines = [
        BEGIN,
        f"Run {datetime.now():%Y-%m-%d %H:%M} on {info['cpu']}, {info['nproc']} cores, "
        f"{info['ram_gib']} GiB RAM (shared; load average {load[0]:.2f} at start, "
        f"{load[1]:.2f} at end); Python {info['python']}, Plone {info['plone']}, "
        f"ZODB {info['zodb']} FileStorage, Solr 9.10 (bundled node, {args.solr_heap} heap, "
        f"the repo's configset, on the same machine); {describe_code(manifest['code'], code)}.",
        "",
        "```sh",
        f".venv/bin/python tests/bench/bench_search.py --items {args.items} "
        f"--samples {args.samples} --warmup {args.warmup}"
        + ("" if args.versioning else " --no-versioning"),
        "```",
        "",
        "Dataset: " + describe_dataset(manifest),
        "",
        f"Build: {sum(steps.values()) / 60:.1f} min ("
        + ", ".join(f"{step} {seconds / 60:.1f} min" for step, seconds in steps.items())
        + f"; {manifest['items'] / steps['items']:.1f} items/s created, catalogued and "
        f"committed every {COMMIT_EVERY}), "
        + (
            "in this run"
            if built_now
            else f"on {manifest['built']}, reused by this run"
        )
        + ". Items are created as a Manager with `createContentInContainer` and put into their "
        "review state directly (workflow history, permissions, approval record)"
        + (
            ""
            if manifest["versioning"]
            else "; CMFEditions' automatic versioning is switched "
            "off for the four searchable types in the benchmark site only (no initial version "
            "at creation)"
        )
        + ". Every run measures a fresh copy of the built database and an empty Solr core "
        f"(Solr started in {solr_seconds:.0f} s).",
        "",
        f"Bulk indexing through the product's own path: `nguon.search.maintenance.rebuild` "
        f"queued {indexing['queued']} items (everything the catalog holds that Solr "
        f"indexes: the {manifest['items']} items and {indexing['queued'] - manifest['items']} "
        f"units and folders) in {indexing['queue_seconds']:.1f} s, then "
        f'`deliver_pending(portal, "solr", consumer, {indexing["batch"]})` with a '
        f"`transaction.commit()` after each of {indexing['rounds']} rounds delivered "
        f"{indexing['delivered']} in {deliver:.1f} s: **{indexing['delivered'] / deliver:.0f} "
        f"items/s** ({indexing['queued'] / total:.0f} items/s counting the queueing and the "
        f"final hard commit of {indexing['commit_seconds']:.1f} s); "
        f"{len(indexing['refused'])} refused, {indexing['pending_after']} left pending. "
        f"Solr then held {figures['solr_index']['numDocs']} documents "
        f"({(figures['solr_index']['bytes'] or 0) / 2**20:.1f} MiB, "
        f"{figures['solr_index']['segments']} segments).",
        "",
        f"Verify (`nguon.search.verify.compare`, item by item, {checked['seconds']:.1f} s): "
        f"{checked['summary']} — "
        + ("**Solr equals the catalog**." if checked["empty"] else "**they differ**.")
        + "",
        "",
        f"Queries: as an anonymous citizen, {args.samples} samples per row after "
        f"{args.warmup} warm-up ones, interleaved (every round runs every row's two sides "
        f"once), in one process that talks to Solr over loopback HTTP. Times are the Python "
        f"call until the results page ({PAGE} hits) is built.",
        "",
        "Citizen search: `nguon.search.citizen.run(SearchRequest(...))` on Solr (edismax over "
        "the exact and diacritic-folded fields, security and «in effect now» as `fq`, "
        "highlighted snippets, facet counts where the row says so, every hit checked against "
        "the catalog) beside `citizen._from_catalog` on the same archive (ZCatalog, "
        "ZCTextIndex `SearchableText`, the same filters and security, newest first, no facets "
        "or snippets).",
        "",
        *query_table(figures["queries"], "citizen"),
        "",
        "Plone's own search API: `portal_catalog(SearchableText=…)`, answered by Solr through "
        "nguon's dispatcher (`nguon.search.dispatcher`: a lazy sequence of the catalog's brains "
        "in Solr's order, rows fetched as they are read), beside "
        "`portal_catalog._cs_old_searchResults(SearchableText=…)`, the catalog's original "
        f"`searchResults`; each call plus the URLs of the first {PAGE} brains.",
        "",
        *query_table(figures["queries"], "plone"),
        "",
        *interpretation(figures, caches),
        END,
    ]
    return "\n".join(lines)


def interpretation(figures, caches):
    """Sentences computed from the figures (no hand-tuned claims)."""
    citizen = [
        value for value in figures["queries"].values() if value["kind"] == "citizen"
    ]
    p50 = {
        id(value): (stats(value["a"])["p50"], stats(value["b"])["p50"])
        for value in citizen
    }
    ratios = sorted(catalog / solr for solr, catalog in p50.values())
    shares = sorted(
        stats(value["solr_request"])["p50"] / p50[id(value)][0]
        for value in citizen
        if value["solr_request"]
    )
    differ = [value for value in citizen if value["hits_a"] != value["hits_b"]]
    bare = [
        value
        for value in citizen
        if value["text"] and folded(value["text"]) == value["text"]
    ]
    lines = [
        f"- Over the {len(citizen)} citizen queries the catalog's p50 is "
        f"{ratios[0]:.2f}× to {ratios[-1]:.2f}× Solr's (median {ratios[len(ratios) // 2]:.2f}×; "
        "above 1 the catalog is slower).",
    ]
    if shares:
        lines.append(
            f"- The Solr request itself (HTTP round trip, JSON decoding) is "
            f"{shares[0]:.0%} to {shares[-1]:.0%} of the citizen search's p50 on Solr (median "
            f"{shares[len(shares) // 2]:.0%}); the rest is the product's Python around it: the "
            "catalog check of every hit, the hits' brains and URLs, facet titles."
        )
    lines.append(
        f"- Solr and the catalog find a different number of items for {len(differ)} of "
        f"{len(citizen)} queries"
        + (
            ": "
            + "; ".join(
                f"{value['label']}: Solr {value['hits_a']}, catalog {value['hits_b']}"
                for value in differ
            )
            if differ
            else ""
        )
        + ". The catalog answers from ZCTextIndex with Plone's lexicon; Solr from the "
        "configset's Vietnamese analysis (exact and diacritic-folded fields). Where both find "
        "items, the first pages also differ because the catalog sorts newest first and Solr "
        "by relevance."
    )
    plone = [value for value in figures["queries"].values() if value["kind"] == "plone"]
    if plone:
        solr_p50 = sorted(stats(value["a"])["p50"] for value in plone)
        catalog_p50 = sorted(stats(value["b"])["p50"] for value in plone)
        faster_p50 = sum(
            stats(value["a"])["p50"] < stats(value["b"])["p50"] for value in plone
        )
        faster_p95 = sum(
            stats(value["a"])["p95"] < stats(value["b"])["p95"] for value in plone
        )
        lines.append(
            f"- Plone's own search through nguon's dispatcher takes "
            f"{ms(solr_p50[0])} to {ms(solr_p50[-1])} ms at p50 for these texts, the catalog's "
            f"original search {ms(catalog_p50[0])} to {ms(catalog_p50[-1])} ms; the dispatcher "
            f"is faster than the catalog for {faster_p50} of {len(plone)} texts at p50 and "
            f"{faster_p95} of {len(plone)} at p95. It asks Solr for the rows the caller reads "
            "(here none named: the first 25 UIDs, JSON), checks them against the catalog, whose "
            "brains are the results, and takes the length from Solr's count (before issue 18, "
            "collective.solr's dispatcher asked for up to `max_results`, 1000, rows in XML and "
            "built a result object for each: 57.4 to 843 ms at p50)."
        )
        differ_plone = [value for value in plone if value["hits_a"] != value["hits_b"]]
        if differ_plone:
            lines.append(
                "- Plone's own search (the text as Plone's search page sends it, each word a "
                "prefix: `munge_search_term`) finds a different number of items on Solr and on "
                "the catalog for "
                + "; ".join(
                    f"«{value['text']}»: Solr {value['hits_a']}, catalog {value['hits_b']}"
                    for value in differ_plone
                )
                + "."
            )
    if bare:
        lines.append(
            f"- Typed without diacritics ({len(bare)} queries), Solr finds "
            f"{sum(value['hits_a'] for value in bare)} items in all, the catalog "
            f"{sum(value['hits_b'] for value in bare)}."
        )
    if caches:
        lines.append(
            "- Solr's caches after the run: "
            + ", ".join(
                f"{name} {value['lookups']} lookups, hit ratio {float(value['hitratio'] or 0):.2f}"
                for name, value in sorted(caches.items())
            )
            + "."
            + (
                " Repeated queries were not answered from Solr's result cache: the citizen "
                "search's «in effect now» filter has an unrounded `NOW`."
                if float(caches.get("queryResultCache", {}).get("hitratio") or 0) < 0.05
                else ""
            )
        )
    lines.append(
        "- Solr, Plone and this client share the same cores (and the machine was "
        "shared with other work: see the load average)."
    )
    return lines


def write_doc(args, generated):
    replace_section(
        SECTION.format(items=args.items), SECTION_PREFIX, BEGIN, END, generated
    )


def replace_section(heading, prefix, begin, end, generated):
    """Replace one script's generated part (``generated`` starts with ``begin`` and ends with
    ``end``) of docs/benchmarks.md, and its heading,
    keeping the other sections and any notes written below the end marker. The file is
    re-read right before writing, since other scripts write their own sections."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else INTRO
    if begin in text:
        head, rest = text.split(begin, 1)
        start = head.rfind(prefix)
        if start != -1:
            head = head[:start] + heading + "\n" + head[start:].split("\n", 1)[1]
        text = head + generated + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{generated}\n"
    DOC.write_text(text, encoding="utf-8")


def dataset_folder(args):
    return Path(args.db).resolve() / (
        f"items-{args.items}-v{DATASET_VERSION}"
        + ("" if args.versioning else "-unversioned")
    )


def run(args):
    load_start = os.getloadavg()[0]
    dataset = dataset_folder(args)
    manifest, built_now = ensure_template(args, dataset / "template")
    code = code_version()  # the code the measuring process will load
    run_root = dataset / "run"
    say("copying the database")
    fresh_copy(dataset / "template", run_root)
    write_instance(instance_settings(run_root))
    started = time.perf_counter()
    node = start_solr(Path(args.db).resolve() / f"solr-{args.items}", args.solr_heap)
    solr_seconds = time.perf_counter() - started
    try:
        figures = child(
            "measure",
            args,
            run_root,
            run_root / "measure.json",
            "--solr-url",
            node.url,
            "--solr-port",
            str(node.port),
        )
    finally:
        node.stop()
    context = {
        "built_now": built_now,
        "code": code,
        "load": [load_start, os.getloadavg()[0]],
        "solr_seconds": solr_seconds,
        "finished": datetime.now().isoformat(),
    }
    (run_root / "run.json").write_text(json.dumps(context))
    report(args, manifest, figures, context)


def report(args, manifest, figures, context):
    """Write the section and print its figures."""
    generated = section(
        args,
        manifest,
        context["built_now"],
        context["code"],
        figures,
        context["load"],
        context["solr_seconds"],
    )
    if not args.no_doc:
        write_doc(args, generated)
    print(
        "\n".join(
            line
            for line in generated.splitlines()
            if line.startswith("|")
            or line.startswith("Bulk")
            or line.startswith("Verify")
            or line.startswith("Build")
        )
    )
    say(
        "not written to the document (--no-doc)" if args.no_doc else f"written to {DOC}"
    )


def report_again(args):
    """The section of the last run of this dataset again, from its saved figures."""
    run_root = dataset_folder(args) / "run"
    manifest = json.loads(
        (dataset_folder(args) / "template" / "manifest.json").read_text()
    )
    report(
        args,
        manifest,
        json.loads((run_root / "measure.json").read_text()),
        json.loads((run_root / "run.json").read_text()),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--items", type=int, default=100_000, help="items in the archive"
    )
    parser.add_argument(
        "--db",
        default=str(REPO / "var" / "bench" / "search"),
        help="where built databases and Solr data are kept",
    )
    parser.add_argument(
        "--samples", type=int, default=200, help="measured samples per row"
    )
    parser.add_argument(
        "--warmup", type=int, default=20, help="unmeasured samples per row first"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=200,
        help="items per outbox delivery round (the worker's default)",
    )
    parser.add_argument(
        "--solr-heap", default="2g", help="maximum Java heap of the Solr node"
    )
    parser.add_argument(
        "--no-versioning",
        dest="versioning",
        action="store_false",
        help="build without CMFEditions' initial version of every item",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the database anew"
    )
    parser.add_argument(
        "--report",
        action="store_true",
        help="only write the section again from the last run's saved figures",
    )
    parser.add_argument(
        "--no-doc",
        action="store_true",
        help="print the figures, leave docs/benchmarks.md alone (a trial on a small dataset)",
    )
    parser.add_argument(
        "--build-only",
        action="store_true",
        help="only build (or check) the dataset's template, measure nothing",
    )
    parser.add_argument("--phase", choices=("build", "measure"), help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--solr-url", help=argparse.SUPPRESS)
    parser.add_argument("--solr-port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "build":
        args.out.write_text(json.dumps(build(args.root, args.items, args.versioning)))
    elif args.phase == "measure":
        results = measure(
            args.root,
            args.solr_url,
            args.solr_port,
            args.samples,
            args.warmup,
            args.batch,
        )
        args.out.write_text(json.dumps(results))
    elif args.report:
        report_again(args)
    elif args.build_only:
        ensure_template(args, dataset_folder(args) / "template")
    else:
        run(args)


if __name__ == "__main__":
    main()
