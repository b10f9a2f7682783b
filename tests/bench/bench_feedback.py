"""Citizen feedback: reports filed per second through the public form with the proof of work
verified, and the province's desk at a million reports beside a catalog-only desk.

Issue 17 asks for "reports filed per second through the public form with the challenge
verified, and the province's handling page at 1,000,000 reports (p50/p95), beside the
catalog-only alternative in the same run". One Plone site (``nguon:default``, no demo) in a
real ZODB FileStorage holds the official tree of one province (Thành phố Huế, 40 communes
under the central unit) and an approver of the province; then, each step in a child process
(a FileStorage has one opener at a time) or against ``runwsgi`` serving it:

1. **Fill** the feedback store directly: ``Report`` objects built as filing builds them
   (handler from the routing policy, due date and warning from the working days, history
   steps, a phone contact for some), stored with the store's own ``add`` and ``count``,
   committed every ``BATCH``. Their fates (``plan``) spread over three years up to now: the
   recent ones mostly open, the older ones closed, withdrawn or merged, a few overdue and
   escalated to the province. The same reports, up to ``--catalog-max``, are then entered in
   a ZCatalog (``feedback_catalog``), timed on their own.
2. **The desk's queries in process**: ``store.listing`` beside the catalog's query with its
   50 results woken, for the province's and one commune's tabs, interleaved; both must give
   the same totals and the same pages in the same order.
3. **The desk over HTTP**: ``GET xu-ly-phan-anh`` as the province's approver (first page,
   a deep page, the escalated tab, one commune) beside ``xu-ly-phan-anh-catalog``, the same
   view and template with its page and counts from the catalog, interleaved.
4. **Filing** (at the first size, so that a long run that stops keeps it): 1, 4 and 16
   concurrent citizens POST the commune's ``gui-phan-anh`` form as a browser does
   (multipart, a phone photo with EXIF, Origin set), and the same reports to the REST
   service ``POST @feedback`` (JSON, the photo in base64), each with a challenge fetched from ``@feedback-challenge`` and solved beforehand with the
   tests' solver (``tests.feedback.altcha_solver``): solving is the citizen's phone's work,
   not the server's, so it is done before the clock starts; its median time at the
   production difficulty is printed for reference. Each citizen comes from its own address
   (``X-Forwarded-For`` from the trusted local proxy, as nginx sends it), so the adaptive
   work stays at its base. Then a child process counts the store: every report answered
   as filed must be in it.
5. The sizes: ``--checkpoints`` (smaller sizes) and ``--reports``; each size is filled,
   then measured (2, 3; 4 at the first).

The figures are printed and written between the markers of the section "Citizen feedback"
of ``docs/benchmarks.md``.

    .venv/bin/python -m tests.bench.bench_feedback                       # a smoke run
    .venv/bin/python -m tests.bench.bench_feedback --reports 1000000 \
        --checkpoints 100000 --catalog-max 100000 --filings 100 --samples 120 --warmup 5
    .venv/bin/python -m tests.bench.bench_feedback --reports 1000000 --extend-catalog \
        --samples 120 --warmup 5        # then the catalog at a million too, on that site
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench.bench_alerts import percentile  # noqa: E402
from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import describe_code  # noqa: E402
from tests.bench.bench_approval import free_port  # noqa: E402
from tests.bench.bench_approval import instance_settings  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import PASSWORD  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import SITE_ID  # noqa: E402
from tests.bench.bench_approval import wait_until_serving  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402


SECTION = "## Citizen feedback: filing through the form, the desk at {reports:,} reports (issue 17)"
SECTION_PREFIX = "## Citizen feedback:"
BEGIN = "<!-- bench_feedback.py: generated figures, replaced at every run -->"
END = "<!-- bench_feedback.py: end of generated figures -->"

PROVINCE = "46"  # Thành phố Huế, 40 communes (the city of Huế-S)
APPROVER = "bench-feedback-approver"
SEED = 17
YEARS = 3  # reports received over the three years up to now
BATCH = 2000  # reports per commit
FILL_CACHE = (
    500_000  # objects the filling connection keeps: every BTree bucket stays loaded
)
PAGE = 50  # the desk's page
DEEP = (
    10_000  # where the deep page starts (page 201), or the last page of a smaller tab
)
CONCURRENCY = (1, 4, 16)

# How often each category is chosen (others: 1): streets, rubbish and order lead, as in
# the cities' hotlines.
WEIGHTS = {
    "giao-thong": 5,
    "moi-truong": 5,
    "trat-tu-do-thi": 4,
    "an-ninh-trat-tu": 2,
    "dat-dai-xay-dung": 2,
    "thu-tuc-hanh-chinh": 2,
}
OPEN_RECENT = (
    0.75  # reports still within their period that are open (the rest answered)
)
OVERDUE = 0.03  # commune reports of the last half year still open past due, escalated
OVERDUE_DAYS = 183
WITHDRAWN_SHARE = 0.04
MERGED_SHARE = 0.03
CONTACT_SHARE = 0.4
TEXTS = (
    "Đoạn đường trước nhà số {n} bị sụt lún, có ổ gà lớn, xe máy đi qua rất nguy hiểm.",
    "Rác thải tập kết ở đầu kiệt {n} nhiều ngày chưa được thu gom, bốc mùi hôi thối.",
    "Quán karaoke ở tổ dân phố {n} mở nhạc lớn quá 23 giờ, ảnh hưởng giấc ngủ người dân.",
    "Đèn chiếu sáng trên tuyến đường số {n} bị hỏng nhiều tuần nay, buổi tối rất tối.",
    "Đề nghị hướng dẫn thủ tục cấp giấy chứng nhận quyền sử dụng đất cho hộ số {n}.",
)


# --- the plan (no site: tested in tests/unit/test_bench_feedback.py) ---------------------------


@dataclass(frozen=True)
class Spec:
    """One report of the fill: when it came, what about, where, and where it stands now."""

    index: int
    received: datetime
    category: str
    place: str
    due: datetime
    state: str
    closed_at: datetime | None
    overdue: bool  # open past its due date (escalated to the province by the clock)
    contact: bool


def plan(index, now, communes, categories):
    """The ``index``-th report (the same for every run): ``communes`` are codes,
    ``categories`` the policy's ``Category`` objects (``code``, ``level``, ``due_days``)."""
    from nguon.feedback import store
    from nguon.feedback.workdays import due_at

    rng = random.Random(SEED * 10_000_000 + index)
    received = now - timedelta(seconds=rng.uniform(0, YEARS * 365 * 86400))
    category = rng.choices(categories, [WEIGHTS.get(c.code, 1) for c in categories])[0]
    due = store.utc(due_at(received, category.due_days))
    closed_at, overdue = None, False
    if due > now:
        if rng.random() < OPEN_RECENT:
            state = rng.choices(store.OPEN_STATES, (40, 45, 15))[0]
        else:
            state, closed_at = store.CLOSED, received + (now - received) * rng.random()
    else:
        draw = rng.random()
        lagging = now - received < timedelta(days=OVERDUE_DAYS)
        if draw < OVERDUE and lagging and category.level == "commune":
            state, overdue = rng.choice((store.RECEIVED, store.IN_PROGRESS)), True
        else:
            state = (
                store.WITHDRAWN
                if draw < OVERDUE + WITHDRAWN_SHARE
                else store.MERGED
                if draw < OVERDUE + WITHDRAWN_SHARE + MERGED_SHARE
                else store.CLOSED
            )
            took = (due - received) * rng.uniform(0.2, 1.15)  # some answered late
            closed_at = min(received + took, now)
    return Spec(
        index,
        received,
        category.code,
        rng.choice(communes),
        due,
        state,
        closed_at,
        overdue,
        rng.random() < CONTACT_SHARE,
    )


def stats(seconds):
    """n, p50, p95 and mean, in milliseconds."""
    ms = sorted(value * 1000 for value in seconds)
    return {
        "n": len(ms),
        "p50": percentile(ms, 0.5),
        "p95": percentile(ms, 0.95),
        "mean": statistics.fmean(ms),
    }


def order(bucket, reports):
    """What a tab's page is sorted on, to the minute as the catalog's DateIndex keeps it:
    when a finished report was closed (or received), else its due date."""
    moments = [
        (r.closed_at or r.received) if bucket == "done" else r.due for r in reports
    ]
    return [moment.replace(second=0, microsecond=0) for moment in moments]


def deep_start(total):
    """Where the deep page of a tab of ``total`` reports starts: ``DEEP``, or the last page."""
    return max(0, min(DEEP, (total - 1) // PAGE * PAGE))


# --- in the site (child processes) ------------------------------------------------------------


def open_site(root):
    from nguon.instance.site import open_app
    from zope.component.hooks import setSite

    app = open_app(instance_settings(root).zope_conf)
    site = app[SITE_ID]
    setSite(site)
    return app, site


def build(root):
    """The site, the province's tree under the central unit, its approver."""
    from collections import Counter
    from nguon.units.importer import sync_tree
    from nguon.units.importer import sync_unit
    from nguon.units.official import CENTRAL
    from nguon.units.official import provinces
    from nguon.units.tree import group_id
    from plone import api

    import transaction

    started = time.perf_counter()
    app, site, _settings = new_site(root)
    transaction.commit()
    with api.env.adopt_user(username="admin"):
        central = sync_unit(site, CENTRAL, Counter())
        sync_tree(central, provinces()[PROVINCE])
        api.user.create(
            username=APPROVER, email=f"{APPROVER}@nguon.invalid", password=PASSWORD
        )
        api.group.add_user(groupname=group_id(PROVINCE, "approvers"), username=APPROVER)
        transaction.commit()
    app._p_jar.db().close()
    return {
        "build_seconds": round(time.perf_counter() - started, 1),
        "now": datetime.now(UTC).isoformat(),
    }


def make_report(store, spec, lineages, policy, province):
    """A ``Report`` as filing and handling leave it, stored with the store's methods."""
    from nguon.feedback import store as stored
    from nguon.feedback.workdays import warn_at
    from persistent.mapping import PersistentMapping

    import secrets

    text = TEXTS[spec.index % len(TEXTS)].format(n=spec.index % 997 + 1)
    areas = lineages[spec.place]
    handler = policy.handler(spec.category, areas)
    report = stored.Report(
        store.new_id(), spec.received, spec.category, spec.place, handler, text, text
    )
    report.areas = tuple(code for code, _level in areas)
    category = policy.category(spec.category)
    report.public = category.public
    report.due = spec.due
    if category.warn_days:
        report.warn_at = stored.utc(warn_at(spec.due, category.warn_days))
        report.warned = report.warn_at < spec.closed_at if spec.closed_at else True
    if spec.contact:
        report.contact = PersistentMapping(
            kind="phone", value=f"09{spec.index % 10**8:08d}", verified=False
        )

    def step(action, at, actor=None):
        report.history.append(
            PersistentMapping(
                at=at, actor=actor, action=action, unit=handler, note="", internal=False
            )
        )

    step("received", spec.received)
    report.state = spec.state
    if spec.overdue and handler != province:
        report.escalated_to, report.escalated_at = province, spec.due
        report.warned = True
        step("escalated", spec.due, "system")
    if spec.closed_at:
        report.closed_at = spec.closed_at
        step(
            spec.state, spec.closed_at, None if spec.state == "withdrawn" else APPROVER
        )
    store.add(report, secrets.token_urlsafe(16))
    store.count(handler, "received", spec.category, spec.received)
    if spec.state == stored.CLOSED:
        store.count(handler, "closed", spec.category, spec.closed_at)
        if spec.closed_at <= spec.due:
            store.count(handler, "closed_on_time", spec.category, spec.closed_at)
    return report


def fill(root, upto, catalog_max, now):
    """Add reports to the store until it holds ``upto`` filled ones, then catalog those up
    to ``catalog_max``; returns the seconds and counts of both."""
    from nguon.feedback.policy import load_policy
    from nguon.feedback.store import feedback_store
    from nguon.units.tree import find_unit
    from nguon.units.tree import lineage
    from tests.bench import feedback_catalog

    import transaction

    app, site = open_site(root)
    app._p_jar.db().setCacheSize(FILL_CACHE)
    store = feedback_store(site)
    state = Path(root) / "filled.json"
    done = json.loads(state.read_text()) if state.exists() else {"store": 0}
    policy = load_policy()
    lineages = {unit.code: lineage(unit) for unit in communes_of(find_unit(PROVINCE))}
    communes = sorted(lineages)
    categories = policy.offered([PROVINCE])
    figures = {}
    started, start = time.perf_counter(), done["store"]
    new_ids = []
    for index in range(start, upto):
        spec = plan(index, now, communes, categories)
        report = make_report(store, spec, lineages, policy, PROVINCE)
        if index < catalog_max:
            new_ids.append(report.id)
        if (index + 1) % BATCH == 0 or index + 1 == upto:
            transaction.commit()
            site._p_jar.cacheGC()
            if (index + 1) % (BATCH * 25) == 0:
                say(f"fill: {index + 1:,} reports")
    figures["store"] = {
        "reports": upto - start,
        "seconds": time.perf_counter() - started,
    }
    catalog = feedback_catalog.install(site)
    transaction.commit()
    started = time.perf_counter()
    for number, report_id in enumerate(new_ids, 1):
        feedback_catalog.catalog_report(catalog, store.reports[report_id])
        if number % BATCH == 0 or number == len(new_ids):
            transaction.commit()
            site._p_jar.cacheGC()
            if number % (BATCH * 25) == 0:
                say(f"catalog: {number:,} entries")
    figures["catalog"] = {
        "reports": len(new_ids),
        "seconds": time.perf_counter() - started,
    }
    figures["catalogued"] = len(catalog)
    state.write_text(json.dumps({"store": upto}))
    figures["data_fs_bytes"] = (
        (Path(root) / "var" / "filestorage" / "Data.fs").stat().st_size
    )
    app._p_jar.db().close()
    return figures


def communes_of(province):
    from nguon.content.unit import IAdministrativeUnit

    return [
        unit for unit in province.objectValues() if IAdministrativeUnit.providedBy(unit)
    ]


def commune_with_most(store, communes):
    """The commune whose open tab holds the most reports (from the store's tallies)."""
    from nguon.feedback.store import OPEN

    return max(
        (unit.code for unit in communes),
        key=lambda code: store.tally(code, OPEN),
    )


def desk_cases(site, store):
    """The pages timed: ``(name, label, unit code, bucket, start)``."""
    from nguon.feedback.store import DONE
    from nguon.feedback.store import ESCALATED
    from nguon.feedback.store import OPEN
    from nguon.units.tree import find_unit

    commune = commune_with_most(store, communes_of(find_unit(PROVINCE)))
    cases = []
    for unit, bucket, deep in (
        (PROVINCE, OPEN, False),
        (PROVINCE, DONE, True),
        (PROVINCE, ESCALATED, False),
        (commune, OPEN, False),
    ):
        total = store.tally(unit, bucket)
        start = deep_start(total) if deep else 0
        who = "province" if unit == PROVINCE else f"commune {unit}"
        where = f"b_start={start:,}" if deep else "first page"
        cases.append(
            {
                "name": f"{unit}-{bucket}-{start}",
                "label": f"{who}, tab {bucket} ({total:,} reports), {where}",
                "unit": unit,
                "bucket": bucket,
                "start": start,
                "total": total,
            }
        )
    return cases


def in_process(root, samples, warmup, with_catalog):
    """The desk's listing alone: ``store.listing`` beside the catalog's query and wake-up,
    interleaved; checks that both give the same totals and pages in the same order."""
    from nguon.feedback.store import feedback_store
    from tests.bench import feedback_catalog

    app, site = open_site(root)
    store = feedback_store(site)
    cases = desk_cases(site, store)
    sources = {"store": store}
    if with_catalog:
        sources["catalog"] = feedback_catalog.CatalogListing(
            store, feedback_catalog.catalog_of(site)
        )
    times = {case["name"]: {name: [] for name in sources} for case in cases}
    for case in cases:
        answers = {}
        for name, source in sources.items():
            total, page = source.listing(
                case["unit"], case["bucket"], case["start"], PAGE
            )
            answers[name] = (total, order(case["bucket"], page), len(page))
        case["agree"] = len({repr(answer) for answer in answers.values()}) == 1
        case["page_size"] = answers["store"][2]
        if not case["agree"]:
            say(f"DISAGREE on {case['label']}: {answers}")
    for number in range(samples + warmup):
        for case in cases:
            for name, source in sources.items():
                started = time.perf_counter()
                source.listing(case["unit"], case["bucket"], case["start"], PAGE)
                if number >= warmup:
                    times[case["name"]][name].append(time.perf_counter() - started)
    app._p_jar.db().close()
    return {"cases": cases, "times": times}


def count(root):
    """How many reports the store holds, and the catalog's entries."""
    from nguon.feedback.store import feedback_store
    from tests.bench import feedback_catalog

    app, site = open_site(root)
    found = {
        "reports": len(feedback_store(site).reports),
        "catalogued": len(feedback_catalog.catalog_of(site) or ()),
    }
    app._p_jar.db().close()
    return found


def catalog_rest(root):
    """Enter in the catalog every report of the store it does not hold yet (the reports
    filled after ``--catalog-max`` and those the citizens filed): ``--extend-catalog``."""
    from nguon.feedback.store import feedback_store
    from tests.bench import feedback_catalog

    import transaction

    app, site = open_site(root)
    app._p_jar.db().setCacheSize(FILL_CACHE)
    store = feedback_store(site)
    catalog = feedback_catalog.install(site)
    started, added = time.perf_counter(), 0
    for report_id in store.reports.keys():
        if catalog.getrid(report_id) is None:
            feedback_catalog.catalog_report(catalog, store.reports[report_id])
            added += 1
            if added % BATCH == 0:
                transaction.commit()
                site._p_jar.cacheGC()
                if added % (BATCH * 25) == 0:
                    say(f"catalog: {added:,} entries added")
    transaction.commit()
    figures = {
        "store": {"reports": 0, "seconds": 0},
        "catalog": {"reports": added, "seconds": time.perf_counter() - started},
        "catalogued": len(catalog),
        "data_fs_bytes": (Path(root) / "var" / "filestorage" / "Data.fs")
        .stat()
        .st_size,
    }
    app._p_jar.db().close()
    return figures


PHASES = {
    "build": build,
    "fill": fill,
    "in_process": in_process,
    "count": count,
    "catalog_rest": catalog_rest,
}


def child(root, phase, **arguments):
    """Run ``phase`` in its own process (the only opener of the FileStorage)."""
    out = Path(root) / f"{phase}.json"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.bench.bench_feedback",
            "--phase",
            phase,
            "--root",
            str(root),
            "--arguments",
            json.dumps(arguments),
        ],
        cwd=REPO,
        check=True,
    )
    return json.loads(out.read_text())


def run_phase(args):
    arguments = json.loads(args.arguments)
    if "now" in arguments:
        arguments["now"] = datetime.fromisoformat(arguments["now"])
    result = PHASES[args.phase](args.root, **arguments)
    Path(args.root, f"{args.phase}.json").write_text(
        json.dumps(result, indent=1, default=str)
    )


# --- over HTTP (this process, against runwsgi) ------------------------------------------------


def start_server(root, port):
    """``runwsgi`` on the instance under ``root`` (no outbox worker, no clock), loading the
    catalog desk (``feedback_catalog.zcml``) beside the product's."""
    from nguon.instance.files import write_instance

    settings = instance_settings(root, port)
    write_instance(settings)
    site_zcml = settings.instance_dir / "etc" / "site.zcml"
    site_zcml.write_text(
        site_zcml.read_text().replace(
            "</configure>",
            '  <include package="tests.bench" file="feedback_catalog.zcml" />\n'
            "</configure>",
        )
    )
    path = [str(REPO)] + [p for p in [os.environ.get("PYTHONPATH")] if p]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    env.pop("NGUON_OUTBOX_WORKER", None)
    log = open(Path(root) / "server.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("runwsgi")), str(settings.wsgi_ini)],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}/{SITE_ID}"
    wait_until_serving(server, base)
    return server, log, base


def unit_paths():
    from nguon.units.official import CENTRAL
    from nguon.units.official import provinces

    province = provinces()[PROVINCE]
    paths = {province.code: f"{CENTRAL.slug}/{province.slug}"}
    for commune in province.children:
        paths[commune.code] = f"{CENTRAL.slug}/{province.slug}/{commune.slug}"
    return paths


def desk_pages(base, cases, samples, warmup, with_catalog):
    """``GET xu-ly-phan-anh`` beside ``xu-ly-phan-anh-catalog``, interleaved, one at a time,
    as the province's approver."""
    import requests

    session = requests.Session()
    session.auth = (APPROVER, PASSWORD)
    paths = unit_paths()
    views = {"store": "xu-ly-phan-anh"}
    if with_catalog:
        views["catalog"] = "xu-ly-phan-anh-catalog"
    times = {case["name"]: {name: [] for name in views} for case in cases}
    sizes = {}

    def url(case, view):
        return f"{base}/{paths[case['unit']]}/{view}"

    def params(case):
        return {"ds": case["bucket"], "b_start": case["start"]}

    for case in cases:
        rows = {}
        for name, view in views.items():
            response = session.get(url(case, view), params=params(case))
            response.raise_for_status()
            rows[name] = response.text.count("data-report=")
            sizes[f"{case['name']}-{name}"] = len(response.content)
        case["rows"] = rows
    for number in range(samples + warmup):
        for case in cases:
            for name, view in views.items():
                started = time.perf_counter()
                response = session.get(url(case, view), params=params(case))
                seconds = time.perf_counter() - started
                response.raise_for_status()
                if number >= warmup:
                    times[case["name"]][name].append(seconds)
    return {"times": times, "bytes": sizes}


def phone_photo():
    """A phone's JPEG of 1024×768 with its EXIF (place, make, model), about 100 KB."""
    from io import BytesIO
    from PIL import Image
    from tests.feedback.photos import phone_exif

    rng = random.Random(SEED)
    image = Image.effect_noise((1024, 768), 24).convert("RGB")
    image.paste((rng.randrange(256), 120, 60), (0, 0, 512, 768))
    out = BytesIO()
    image.save(out, "JPEG", quality=70, exif=phone_exif())
    return out.getvalue()


def citizen_address(number):
    """A distinct client address per citizen (10.x.y.z)."""
    return f"10.{number // 65536 % 256}.{number // 256 % 256}.{number % 256}"


def fetch_challenges(base, first, how_many):
    """``how_many`` challenges, each asked from its own citizen's address."""
    import requests

    session = requests.Session()
    found = []
    for number in range(first, first + how_many):
        response = session.get(
            f"{base}/@feedback-challenge",
            headers={
                "Accept": "application/json",
                "X-Forwarded-For": citizen_address(number),
            },
        )
        response.raise_for_status()
        found.append((number, response.json()))
    return found


def timed_solve(challenge):
    from tests.feedback.altcha_solver import solve

    started = time.perf_counter()
    payload = solve(challenge)
    return payload, time.perf_counter() - started


def solve_all(challenges, processes=2):
    """Solve the challenges (the citizens' phones' work), in ``processes`` processes; returns
    the payloads and each one's solving time."""
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        solved = pool.map(timed_solve, [challenge for _n, challenge in challenges])
    return [payload for payload, _s in solved], [seconds for _p, seconds in solved]


def citizen_report(number):
    """What citizen ``number`` reports: the commune's code and the form's fields."""
    rng = random.Random(number)
    commune = rng.choice(sorted(code for code in unit_paths() if code != PROVINCE))
    return commune, {
        "category": rng.choice(("giao-thong", "moi-truong", "trat-tu-do-thi")),
        "text": TEXTS[number % len(TEXTS)].format(n=number) + f" (bench {number}).",
        "address": f"Số {number % 300 + 1}, kiệt {number % 40 + 1}",
        "lat": f"{16.45 + rng.random() / 20:.6f}",
        "lon": f"{107.55 + rng.random() / 20:.6f}",
        "contact": f"09{number:08d}" if number % 2 else "",
    }


def form_request(base, number, payload, photo):
    """The POST of the commune's ``gui-phan-anh`` as a browser sends the form."""
    import requests

    commune, fields = citizen_report(number)
    return requests.Request(
        "POST",
        f"{base}/{unit_paths()[commune]}/gui-phan-anh",
        data={**fields, "altcha": payload},
        files={"photos": ("IMG_2026.jpg", photo, "image/jpeg")},
        headers={
            "Origin": base.rsplit("/", 1)[0],
            "X-Forwarded-For": citizen_address(number),
        },
    ).prepare()


def rest_request(base, number, payload, photo):
    """The same report as the citizen app sends it: ``POST <commune>/@feedback``, JSON with
    the photo in base64."""
    import base64
    import requests

    commune, fields = citizen_report(number)
    body = {
        "category": fields["category"],
        "text": fields["text"],
        "address": fields["address"],
        "point": [float(fields["lat"]), float(fields["lon"])],
        "photos": [
            {"data": base64.b64encode(photo).decode("ascii"), "filename": "IMG.jpg"}
        ],
        "altcha": payload,
    }
    if fields["contact"]:
        body["contact"] = {"kind": "phone", "value": fields["contact"]}
    return requests.Request(
        "POST",
        f"{base}/{unit_paths()[commune]}/@feedback",
        json=body,
        headers={
            "Accept": "application/json",
            "X-Forwarded-For": citizen_address(number),
        },
    ).prepare()


def filed_form(response):
    return response.status_code == 200 and "theo-doi-phan-anh?ma=" in response.text


def filed_rest(response):
    return response.status_code == 201 and "id" in response.json()


# way -> (what it is, its request, whether an answer says the report was filed)
WAYS = {
    "form": ("public form `gui-phan-anh` (multipart)", form_request, filed_form),
    "rest": ("REST `POST @feedback` (JSON, photo in base64)", rest_request, filed_rest),
}


def rest_available(base):
    """Whether this checkout serves ``POST @feedback`` (an empty body is refused, not 404)."""
    import requests

    answer = requests.post(
        f"{base}/@feedback", json={}, headers={"Accept": "application/json"}
    )
    return answer.status_code != 404


def file_concurrently(prepared, clients, filed):
    """Send the prepared POSTs from ``clients`` threads (each its own kept-alive connection,
    one request after the other); returns latencies, statuses, filed count and wall time."""
    import requests

    shares = [prepared[number::clients] for number in range(clients)]
    outcome = {"latencies": [], "statuses": {}, "filed": 0}
    lock = threading.Lock()

    def citizen(share):
        session = requests.Session()
        for request in share:
            started = time.perf_counter()
            response = session.send(request)
            seconds = time.perf_counter() - started
            with lock:
                outcome["latencies"].append(seconds)
                status = str(response.status_code)
                outcome["statuses"][status] = outcome["statuses"].get(status, 0) + 1
                if filed(response):
                    outcome["filed"] += 1

    threads = [threading.Thread(target=citizen, args=(share,)) for share in shares]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    outcome["seconds"] = time.perf_counter() - started
    return outcome


def filing(base, filings, photo):
    """Each concurrency level and way in turn: challenges fetched and solved, then the POSTs
    timed. Returns ``{way: {clients: outcome}}`` and the solving times."""
    ways = [way for way in WAYS if way == "form" or rest_available(base)]
    results, solve_times, first = {way: {} for way in ways}, [], 0
    for clients in CONCURRENCY:
        for way in ways:
            _label, make, filed = WAYS[way]
            say(f"filing ({way}): {filings} reports from {clients} concurrent citizens")
            challenges = fetch_challenges(base, first, filings)
            payloads, seconds = solve_all(challenges)
            solve_times += seconds
            prepared = [
                make(base, number, payload, photo)
                for (number, _challenge), payload in zip(
                    challenges, payloads, strict=True
                )
            ]
            outcome = file_concurrently(prepared, clients, filed)
            results[way][str(clients)] = outcome  # str: as JSON gives it back
            first += filings
            say(
                f"  {outcome['filed']} filed in {outcome['seconds']:.1f} s, "
                f"answers {outcome['statuses']}"
            )
    return results, solve_times


# --- orchestration, figures and the document --------------------------------------------------


def run(args, command):
    load_start = os.getloadavg()[0]
    code = code_version()
    root = Path(args.db).resolve() / f"reports-{args.reports}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    catalog_max = min(args.catalog_max or args.reports, args.reports)
    results = {
        "command": command,
        "reports": args.reports,
        "catalog_max": catalog_max,
        "filings": args.filings,
        "samples": args.samples,
        "warmup": args.warmup,
        "machine": machine(),
        "code": code,
        "started": datetime.now().isoformat(timespec="minutes"),
        "checkpoints": [],
    }
    say(f"building the site in {root}")
    results["build"] = child(root, "build")
    now = results["build"]["now"]
    photo = phone_photo()
    sizes = {size for size in args.checkpoints if size < args.reports}
    sizes |= {catalog_max, args.reports}
    for size in sorted(sizes):
        say(f"filling the store to {size:,} reports (catalog up to {catalog_max:,})")
        filled = child(root, "fill", upto=size, catalog_max=catalog_max, now=now)
        with_catalog = filled["catalogued"] == size
        point = {"size": size, "fill": filled, "with_catalog": with_catalog}
        say(f"  {filled}")
        # The citizens file at the first size: its figures are kept if a long run stops.
        measure(root, point, args, photo if size == min(sizes) else None)
        results["checkpoints"].append(point)
        save(root, results, load_start)
    results["count"] = child(root, "count")
    save(root, results, load_start)
    return results


def measure(root, point, args, photo=None):
    """The desk in process and over HTTP, and the citizens filing when ``photo`` is given
    (then the store counted)."""
    with_catalog = point["with_catalog"]
    say("the desk's listing in process")
    point["in_process"] = child(
        root,
        "in_process",
        samples=args.samples,
        warmup=args.warmup,
        with_catalog=with_catalog,
    )
    server, log, base = start_server(root, free_port())
    try:
        say("the desk over HTTP")
        point["http"] = desk_pages(
            base, point["in_process"]["cases"], args.samples, args.warmup, with_catalog
        )
        if photo is not None:
            point["filing"], point["solve_seconds"] = filing(base, args.filings, photo)
    finally:
        server.terminate()
        server.wait(timeout=120)
        log.close()
    if photo is not None:
        point["count"] = child(root, "count")


def extend_catalog(args, command):
    """Catalog the rest of the store a run of ``--reports`` kept, then measure both desks
    again at its whole size (the catalog was limited by ``--catalog-max``)."""
    load_start = os.getloadavg()[0]
    root = Path(args.db).resolve() / f"reports-{args.reports}"
    results = json.loads((root / "results.json").read_text())
    say("cataloguing the rest of the store")
    filled = child(root, "catalog_rest")
    say(f"  {filled}")
    point = {
        "size": filled["catalogued"],
        "fill": filled,
        "with_catalog": True,
        "extended": command,
    }
    measure(root, point, args)
    results["checkpoints"].append(point)
    save(root, results, load_start)
    return results


def save(root, results, load_start):
    """Write what the run measured so far (``--report`` writes the section from it)."""
    results["load"] = (load_start, os.getloadavg()[0])
    results["finished"] = datetime.now().isoformat(timespec="minutes")
    (root / "results.json").write_text(json.dumps(results, indent=1, default=str))


def filed_at(results):
    """The checkpoint where the citizens filed (the first)."""
    return next(point for point in results["checkpoints"] if "filing" in point)


def filed_total(results):
    return sum(
        outcome["filed"]
        for way in filed_at(results)["filing"].values()
        for outcome in way.values()
    )


def lost(results):
    """Reports answered as filed that the store does not hold (must be 0)."""
    point = filed_at(results)
    return point["size"] + filed_total(results) - point["count"]["reports"]


def fmt(value):
    return f"{value:.1f}" if value < 100 else f"{value:.0f}"


def pair(seconds, scale=1):
    """p50 / p95 in milliseconds (``scale`` 1000: in microseconds)."""
    figures = stats(seconds)
    return f"{fmt(figures['p50'] * scale)} / {fmt(figures['p95'] * scale)}"


def desk_table(point, where):
    """The pages (``where`` is ``http``, in ms, or ``in_process``, in µs) of one size, side
    by side."""
    times = point[where]["times"]
    scale, unit = (1, "ms") if where == "http" else (1000, "µs")
    header = f"| page | store p50 / p95 {unit} |"
    rule = "|---|--:|"
    if point["with_catalog"]:
        header += f" catalog p50 / p95 {unit} | catalog ÷ store (p50) | same totals and order |"
        rule += "--:|--:|:-:|"
    rows = [header, rule]
    for case in point["in_process"]["cases"]:
        found = times[case["name"]]
        line = f"| {case['label']} | {pair(found['store'], scale)} |"
        if point["with_catalog"]:
            ratio = stats(found["catalog"])["p50"] / stats(found["store"])["p50"]
            line += (
                f" {pair(found['catalog'], scale)} | {ratio:.1f} |"
                f" {'yes' if case['agree'] else '**no**'} |"
            )
        rows.append(line)
    return "\n".join(rows)


def filing_table(point):
    rows = [
        "| way | concurrent citizens | reports filed | reports/s | p50 / p95 ms | mean ms "
        "| answers |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for clients in CONCURRENCY:
        for way, outcomes in point["filing"].items():
            outcome = outcomes[str(clients)]
            rate = outcome["filed"] / outcome["seconds"] if outcome["seconds"] else 0
            statuses = ", ".join(
                f"{n}× {s}" for s, n in sorted(outcome["statuses"].items())
            )
            rows.append(
                f"| {WAYS[way][0]} | {clients} | {outcome['filed']} | {rate:.1f} | "
                f"{pair(outcome['latencies'])} | "
                f"{fmt(stats(outcome['latencies'])['mean'])} | {statuses} |"
            )
    return "\n".join(rows)


def section(results):
    m = results["machine"]
    filed = filed_at(results)
    solve = statistics.median(filed["solve_seconds"]) * 1000
    lines = [
        BEGIN,
        f"Run {results['started']} to {results['finished']} on {m['cpu']}, {m['nproc']} cores, "
        f"{m['ram_gib']} GiB RAM, shared with the other engineers' work (load average "
        f"{results['load'][0]:.2f} at start, {results['load'][1]:.2f} at the end); Python "
        f"{m['python']}, Plone {m['plone']}, ZODB {m['zodb']} FileStorage; "
        f"{describe_code(results['code'], results['code'])}.",
        "",
        "```sh",
        results["command"],
        "```",
        "",
        f"Site: Thành phố Huế's official tree ({PROVINCE}, 40 communes) under the central "
        "unit, `nguon:default`, in a FileStorage. Build "
        f"{results['build']['build_seconds']:.0f} s.",
        "",
        "### Filling the store",
        "",
        "| size | reports added | store: reports/s | catalog: entries/s | Data.fs |",
        "|--:|--:|--:|--:|--:|",
    ]
    for point in results["checkpoints"]:
        fill = point["fill"]
        store_rate = (
            f"{fill['store']['reports'] / fill['store']['seconds']:,.0f}"
            if fill["store"]["reports"]
            else "— (the catalog completed)"
        )
        catalog_rate = (
            f"{fill['catalog']['reports'] / fill['catalog']['seconds']:,.0f}"
            f" ({fill['catalog']['reports']:,} entries)"
            if fill["catalog"]["reports"]
            else "—"
        )
        lines.append(
            f"| {point['size']:,} | {fill['store']['reports']:,} | {store_rate} | "
            f"{catalog_rate} | {fill['data_fs_bytes'] / 2**30:.2f} GiB |"
        )
    lines += [
        "",
        "Reports are built as filing and handling leave them (a `Report` with its history "
        "steps, a phone contact for 40 %) and stored with `FeedbackStore.add` and `count`, "
        f"committed every {BATCH:,}; three years of reports up to now, the recent ones "
        "mostly open, the older ones closed, withdrawn or merged; 3 % of the last half "
        "year's commune reports past their due date are still open and escalated to the "
        "province. The catalog entries are the same "
        "reports in a ZCatalog (FieldIndex handler, state, bucket, escalated_to; DateIndex "
        "due, finished), entered after the store's fill and timed on their own.",
    ]
    for point in results["checkpoints"]:
        lines += [
            "",
            f"### The desk at {point['size']:,} reports",
            "",
            *(
                [
                    "The same site after the run, its catalog completed to the whole "
                    f"store and both desks measured again: `{point['extended']}`",
                    "",
                ]
                if point.get("extended")
                else []
            ),
            f"`GET xu-ly-phan-anh` through `runwsgi` as the province's approver "
            f"({results['samples']} samples after {results['warmup']} warm-up, interleaved"
            + (
                " with `xu-ly-phan-anh-catalog`, the same view and template with its page "
                "and counts from the catalog"
                if point["with_catalog"]
                else "; the catalog holds fewer reports at this size and is not compared"
            )
            + "):",
            "",
            desk_table(point, "http"),
            "",
            "The listing alone, in process (the store's `listing` beside the catalog's "
            "query with `sort_limit` and its 50 results woken from the store):",
            "",
            desk_table(point, "in_process"),
        ]
    lines += [
        "",
        f"### Filing through the form at {filed['size']:,} reports",
        "",
        f"{results['filings']} reports per row, each with a 1024×768 phone photo with EXIF "
        f"({len(phone_photo()) // 1024} KiB) and a solved challenge: the public form as a "
        "browser posts it (multipart, `Origin` set), and beside it the same report through "
        "the REST service the citizen app uses; each citizen from its own address, each "
        "client thread on its own kept-alive connection. Solving is the citizen's phone's work and is done before the clock "
        f"starts: median {solve:.0f} ms per challenge here (Python's PBKDF2, the tests' "
        "solver, at the production difficulty), the reports/s below are the server's alone "
        "(verifying the proof, cleaning the photo, filing, committing).",
        "",
        filing_table(filed),
        "",
        f"Every report answered as filed is in the store: {filed['count']['reports']:,} "
        f"reports after filing = {filed['size']:,} filled + {filed_total(results)} "
        f"filed; lost: {lost(results)}."
        + (
            f" At the end of the run the store held {results['count']['reports']:,}."
            if "count" in results
            else " The run stopped before its last count."
        ),
        END,
    ]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=2000)
    parser.add_argument(
        "--catalog-max",
        type=int,
        default=0,
        help="catalog at most this many reports (default: all)",
    )
    parser.add_argument("--filings", type=int, default=20, help="reports per level")
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "feedback"))
    parser.add_argument(
        "--checkpoints",
        type=lambda text: [int(size) for size in text.split(",") if size],
        default=[],
        help="smaller sizes to measure on the way, e.g. 100000",
    )
    parser.add_argument("--no-doc", action="store_true")
    parser.add_argument(
        "--report", help="write the section from a results.json a run saved, and exit"
    )
    parser.add_argument(
        "--extend-catalog",
        action="store_true",
        help="catalog the rest of the store a run of --reports kept, measure both again",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--root", help=argparse.SUPPRESS)
    parser.add_argument("--arguments", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        return run_phase(args)
    if args.report:
        results = json.loads(Path(args.report).read_text())
    else:
        command = ".venv/bin/python -m tests.bench.bench_feedback " + " ".join(
            sys.argv[1:] if argv is None else argv
        )
        results = (extend_catalog if args.extend_catalog else run)(args, command)
    text = section(results)
    print(text)
    if not args.no_doc:
        replace_section(
            SECTION.format(reports=results["reports"]), SECTION_PREFIX, BEGIN, END, text
        )
    if lost(results):
        raise SystemExit(f"{lost(results)} filed reports are missing from the store")


if __name__ == "__main__":
    main()
