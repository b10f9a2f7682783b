"""Approval by level at national scale, beside stock Plone's simple_publication_workflow.

The issue "Administrative units and approval by level" asks, with 50,000 items across the
3,321 communes, for the p50/p95 time of

- an approval transition including reindexing (the transition and the commit that processes
  the indexing queue), and
- the approval-queue endpoint for a province approver,

each beside the same operation on stock Plone's ``simple_publication_workflow`` in the same run.

One Plone site (``nguon:default``, no demo) in a real ZODB FileStorage holds the full official
unit tree, N ``Bulletin`` items (``nguon_approval_workflow``) and, as their twins in the same
communes and corresponding states, N ``BenchBulletin`` items: the same class, schema,
behaviors and versioning policy, bound to ``simple_publication_workflow``. The database is
built once per dataset and kept as a template; every run works on a fresh copy of it, so runs
are repeatable:

1. build (a child process; only when the template is missing or ``--rebuild``),
2. HTTP: the copy is served by ``runwsgi`` on a free loopback port and this process times
   ``GET @approval-queue`` and the ``GET @search`` a stock reviewer would use, interleaved,
3. transitions (a child process): real ``api.content.transition`` calls as the acting
   approver, each followed by ``transaction.commit()``, interleaved between the workflows,
4. the figures are printed and written to docs/benchmarks.md.

Usage::

    .venv/bin/python tests/bench/bench_approval.py [--items 50000] [--db var/bench/approval]
        [--samples 200] [--warmup 10] [--rebuild]
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from nguon.instance.files import write_instance
from nguon.instance.settings import from_environment
from nguon.units.official import CENTRAL
from nguon.units.official import provinces
from pathlib import Path

import argparse
import importlib.metadata
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parents[2]
DOC = REPO / "docs" / "benchmarks.md"
SECTION = "## Approval by level (issue 3)"
BEGIN = "<!-- bench_approval.py: generated figures, replaced at every run -->"
END = "<!-- bench_approval.py: end of generated figures -->"

DATASET_VERSION = (
    1  # bump when the dataset recipe changes, so old templates are not reused
)
SEED = 3
SITE_ID = "Plone"
ADMIN_PASSWORD = "bench-admin-password"
PASSWORD = (
    "bench-password-1"  # every benchmark user's; the site only ever listens on loopback
)
REVIEWER = "bench-reviewer"  # stock Plone's reviewer: member of the Reviewers group
STOCK_TYPE = "BenchBulletin"
STOCK_WORKFLOW = "simple_publication_workflow"
BATCH = 100  # pairs of items per commit (CMFEditions' savepoints grow with the batch)

# What each planned item is, how often (weight), and the transitions that brought it there,
# in nguon's workflow and, for its stock twin, in simple_publication_workflow. "climbing" and
# "climbed" items target the whole province (target_scope "area"): their chain is commune,
# then province; "climbed" ones were approved by the commune and wait at the province.
KINDS = {
    "published": (60, ("submit", "publish"), ("submit", "publish")),
    "pending": (24, ("submit",), ("submit",)),
    "climbing": (6, ("submit",), ("submit",)),
    "climbed": (8, ("submit", "approve"), ("submit",)),
    "draft": (2, (), ()),
}
AREA_KINDS = ("climbing", "climbed")
CATEGORIES = (
    "policy-law",
    "local-directive",
    "health",
    "agriculture",
    "education",
    "culture-society",
    "economy",
    "public-services",
    "environment",
)
TEXT = (
    "<p>Ủy ban nhân dân {unit} thông báo tới toàn thể nhân dân nội dung số {n}: lịch làm "
    "việc, tiếp công dân và các thủ tục hành chính cần lưu ý trong tháng. Đề nghị các tổ dân "
    "phố, thôn, bản phổ biến rộng rãi tới từng hộ gia đình.</p>"
)

# (name, what is measured, kind of item, transition, who acts, on the stock twin?)
TRANSITION_CASES = (
    (
        "nguon-publish",
        "nguon `publish` at the commune (pending → published)",
        "pending",
        "publish",
        "commune approver",
        False,
    ),
    (
        "stock-publish",
        "stock `publish` (pending → published)",
        "pending",
        "publish",
        "Reviewer",
        True,
    ),
    (
        "nguon-approve",
        "nguon `approve` at the commune, climbs (pending → approved_at_level)",
        "climbing",
        "approve",
        "commune approver",
        False,
    ),
    (
        "nguon-publish-province",
        "nguon `publish` at the province (approved_at_level → published)",
        "climbed",
        "publish",
        "province approver",
        False,
    ),
)


@dataclass(frozen=True)
class Spec:
    """One planned Bulletin and its stock twin, in the same commune."""

    index: int
    province: object  # nguon.units.official.OfficialUnit
    commune: object
    kind: str
    age: int  # minutes since its last transition

    @property
    def folder(self):
        return f"/{SITE_ID}/{CENTRAL.slug}/{self.province.slug}/{self.commune.slug}"

    def path(self, stock):
        return f"{self.folder}/{'s' if stock else 'b'}-{self.index:06d}"


def unit_tree():
    """The official provinces with their communes (ids are unique within each province)."""
    return provinces()


def plan(items):
    """The dataset: items round robin over the communes, kinds drawn with a fixed seed."""
    communes = [(p, c) for p in unit_tree().values() for c in p.children]
    rng = random.Random(SEED)
    kinds = list(KINDS)
    weights = [KINDS[kind][0] for kind in kinds]
    return [
        Spec(
            i,
            *communes[i % len(communes)],
            rng.choices(kinds, weights)[0],
            rng.randrange(60, 30 * 24 * 60),
        )
        for i in range(items)
    ]


def approver(code):
    """The benchmark approver of the unit with this code (one per unit)."""
    return f"bench-approver-{code}"


def queue_province(specs):
    """The province with the most items waiting for its approvers."""
    waiting = Counter(spec.province.code for spec in specs if spec.kind == "climbed")
    code, count = waiting.most_common(1)[0]
    province = unit_tree()[code]
    return {
        "code": code,
        "title": province.title,
        "waiting": count,
        "path": f"/{SITE_ID}/{CENTRAL.slug}/{province.slug}",
        "communes": len(province.children),
    }


def instance_settings(root, port=8080):
    """nguon's own instance settings for a benchmark instance rooted at ``root``."""
    env = {
        "NGUON_DEMO": "0",
        "NGUON_ADMIN_PASSWORD": ADMIN_PASSWORD,
        "NGUON_SITE_ID": SITE_ID,
        "NGUON_PORT": str(port),
        "NGUON_VAR": "var",
    }
    return from_environment(env=env, cwd=root)


# --- build (child process) -------------------------------------------------------------------


def new_site(root):
    """A new FileStorage under ``root`` holding a Plone site with nguon:default (no demo);
    returns the Zope root, the site (the current site) and the instance settings."""
    from nguon.instance.site import create_site
    from nguon.instance.site import ensure_admin
    from nguon.instance.site import open_app
    from zope.component.hooks import setSite

    settings = instance_settings(root)
    write_instance(settings)
    app = open_app(settings.zope_conf)
    ensure_admin(app, ADMIN_PASSWORD)
    site = create_site(app, settings)
    setSite(site)
    return app, site, settings


def build(root, items):
    """Create the site, units, users and items in a new FileStorage; returns the manifest."""
    from plone import api

    import transaction

    code = code_version()  # the code this process loads now, whatever changes meanwhile
    steps = {}
    started = time.perf_counter()
    app, site, settings = new_site(root)
    transaction.commit()
    steps["site"] = lap(started)
    with api.env.adopt_user(username="admin"):
        units = build_units(site)
        steps["units"] = lap(started, steps)
        add_stock_type(site)
        users = create_users(units)
        steps["users"] = lap(started, steps)
        specs = plan(items)
        create_items(site, specs)
        steps["items"] = lap(started, steps)
    app._p_jar.db().close()
    return {
        "items": items,
        "units": len(units),
        "users": users,
        "kinds": dict(Counter(spec.kind for spec in specs)),
        "build_seconds": steps,
        "built": datetime.now().isoformat(timespec="seconds"),
        "code": code,
        "data_fs_bytes": (settings.var / "filestorage" / "Data.fs").stat().st_size,
    }


def lap(started, steps=None):
    """Seconds since ``started`` not yet counted in ``steps``."""
    return round(time.perf_counter() - started - sum((steps or {}).values()), 1)


def build_units(site):
    """The official tree under a central unit, committed province by province; returns the
    codes of all units."""
    from nguon.units.importer import sync_tree
    from nguon.units.importer import sync_unit

    import transaction

    central = sync_unit(site, CENTRAL, Counter())
    codes = [CENTRAL.code]
    for number, official in enumerate(unit_tree().values(), 1):
        sync_tree(central, official)
        transaction.commit()
        codes += [official.code] + [child.code for child in official.children]
        say(f"units: {number}/{len(provinces())} provinces, {len(codes)} units")
    return codes


def add_stock_type(site):
    """``BenchBulletin``: Bulletin's class, schema, behaviors and versioning policy, bound to
    stock ``simple_publication_workflow`` and addable in units (this site only)."""
    from plone.dexterity.fti import DexterityFTI

    types = site.portal_types
    bulletin = types["Bulletin"]
    fti = DexterityFTI(
        STOCK_TYPE,
        title="Bench bulletin (stock workflow)",
        klass=bulletin.klass,
        schema=bulletin.schema,
        behaviors=tuple(bulletin.behaviors),
        global_allow=False,
        add_permission=bulletin.add_permission,
    )
    types._setObject(STOCK_TYPE, fti)
    unit = types["AdministrativeUnit"]
    unit.allowed_content_types = tuple(unit.allowed_content_types) + (STOCK_TYPE,)
    site.portal_workflow.setChainForPortalTypes((STOCK_TYPE,), (STOCK_WORKFLOW,))
    repository = site.portal_repository
    if "Bulletin" in repository.getVersionableContentTypes():
        repository.setVersionableContentTypes(
            list(repository.getVersionableContentTypes()) + [STOCK_TYPE]
        )
    for policy in repository.getPolicyMap().get("Bulletin", ()):
        repository.addPolicyForContentType(STOCK_TYPE, policy)


def create_users(unit_codes):
    """One approver per unit (member of its approvers group) and a stock reviewer."""
    from nguon.units.tree import group_id
    from plone import api

    import transaction

    for number, code in enumerate(unit_codes, 1):
        userid = approver(code)
        api.user.create(
            username=userid, email=f"{userid}@nguon.invalid", password=PASSWORD
        )
        api.group.add_user(groupname=group_id(code, "approvers"), username=userid)
        if number % BATCH == 0:
            transaction.commit()
            say(f"users: {number}/{len(unit_codes)}")
    api.user.create(
        username=REVIEWER, email=f"{REVIEWER}@nguon.invalid", password=PASSWORD
    )
    api.group.add_user(groupname="Reviewers", username=REVIEWER)
    transaction.commit()
    return len(unit_codes) + 1


def create_items(site, specs):
    """Every Bulletin and its twin, put in their planned states, committed every BATCH."""
    import transaction

    started = time.perf_counter()
    folders = {}
    for number, spec in enumerate(specs, 1):
        if spec.folder not in folders:
            folders[spec.folder] = site.unrestrictedTraverse(spec.folder)
        create_item(site, folders[spec.folder], spec, stock=False)
        create_item(site, folders[spec.folder], spec, stock=True)
        if number % BATCH == 0 or number == len(specs):
            transaction.commit()
            rate = number / (time.perf_counter() - started)
            say(
                f"items: {number}/{len(specs)} pairs, {rate:.1f} pairs/s, "
                f"{(len(specs) - number) / rate / 60:.1f} min to go"
            )


def create_item(site, container, spec, stock):
    """Create one item as a Manager, then set its workflow state, history and approval record
    directly (fast); only the measured transitions go through the workflow."""
    from DateTime import DateTime
    from nguon.workflow.approval import ApprovalState
    from plone import api
    from plone.app.textfield.value import RichTextValue

    area = spec.kind in AREA_KINDS
    item = api.content.create(
        container=container,
        type=STOCK_TYPE if stock else "Bulletin",
        id=spec.path(stock).rsplit("/", 1)[1],
        safe_id=False,
        title=f"Thông báo số {spec.index} của {spec.commune.title}",
        description=f"Tin thử nghiệm số {spec.index} ({spec.kind}).",
        text=RichTextValue(
            TEXT.format(unit=spec.commune.title, n=spec.index),
            "text/html",
            "text/x-html-safe",
        ),
        category=CATEGORIES[spec.index % len(CATEGORIES)],
        priority="normal",
        target_scope="area" if area else "unit",
        target_units=[spec.province.code] if area else [],
        channels={"web"},
    )
    when = DateTime() - spec.age / (24 * 60)
    transitions = KINDS[spec.kind][2 if stock else 1]
    if not stock and transitions:
        record = ApprovalState(item)
        record.start()
        if transitions[-1] in ("approve", "publish"):
            record.record_approval(approver(spec.commune.code))
    set_history(site, item, transitions, when, lambda name: actor(spec, name, stock))
    if transitions[-1:] == ("publish",):
        item.effective_date = when
    item.reindexObject()
    item.setModificationDate(when)  # after reindexObject(), which sets it to now


def actor(spec, transition, stock):
    """Who took ``transition`` on the planned item (or its stock twin)."""
    if transition == "submit":
        return "admin"
    if stock:
        return REVIEWER
    if transition == "publish" and spec.kind in AREA_KINDS:
        return approver(spec.province.code)
    return approver(spec.commune.code)


def set_history(site, item, transitions, when, actor_of):
    """Append ``transitions`` to the item's workflow history, the last one at ``when`` and
    each earlier one an hour before the next, and apply the permissions of the state they
    lead to."""
    wftool = site.portal_workflow
    workflow = wftool.getWorkflowsFor(item)[0]
    for step, transition in enumerate(transitions):
        wftool.setStatusOf(
            workflow.getId(),
            item,
            {
                "action": transition,
                "actor": actor_of(transition),
                "comments": "",
                "review_state": workflow.transitions[transition].new_state_id,
                "time": when - (len(transitions) - 1 - step) / 24,
            },
        )
    workflow.updateRoleMappingsFor(item)


# --- transitions (child process) -------------------------------------------------------------


def measure_transitions(root, items, samples, warmup):
    """Interleaved real transitions, each timed with its commit; returns seconds per case."""
    from nguon.instance.site import open_app
    from zope.component.hooks import setSite

    app = open_app(instance_settings(root).zope_conf)
    site = app[SITE_ID]
    setSite(site)
    cases = transition_cases(plan(items), samples + warmup)
    results = {name: {"transition": [], "commit": []} for name in cases}
    for number in range(samples + warmup):
        for name, steps in cases.items():
            path, userid, transition, expected = steps[number]
            obj = site.unrestrictedTraverse(path)
            seconds = timed_transition(site, obj, userid, transition, expected)
            if number >= warmup:
                results[name]["transition"].append(seconds[0])
                results[name]["commit"].append(seconds[1])
        if (number + 1) % 50 == 0:
            say(f"transitions: {number + 1}/{samples + warmup} rounds")
    app._p_jar.db().close()
    return results


def transition_cases(specs, count):
    """For each case: ``count`` (path, acting user, transition, expected new state), the items
    taken in plan order, hence from consecutive communes."""
    new_state = {"publish": "published", "approve": "approved_at_level"}
    cases = {}
    for name, _label, kind, transition, who, stock in TRANSITION_CASES:
        chosen = [spec for spec in specs if spec.kind == kind][:count]
        if len(chosen) < count:
            raise SystemExit(
                f"only {len(chosen)} '{kind}' items for {count} samples of {name}: "
                f"use more --items or fewer --samples/--warmup"
            )
        cases[name] = [
            (
                spec.path(stock),
                REVIEWER
                if stock
                else approver(
                    spec.province.code
                    if who.startswith("province")
                    else spec.commune.code
                ),
                transition,
                new_state[transition],
            )
            for spec in chosen
        ]
    return cases


def timed_transition(site, obj, userid, transition, expected):
    """Seconds for the transition (guards, subscribers) and for the commit that follows it
    (indexing queue, catalog, storage), acting as ``userid``."""
    from plone import api

    import transaction

    with api.env.adopt_user(username=userid):
        start = time.perf_counter()
        api.content.transition(obj=obj, transition=transition)
        middle = time.perf_counter()
        transaction.commit()
        end = time.perf_counter()
    state = site.portal_workflow.getInfoFor(obj, "review_state")
    if state != expected:
        raise RuntimeError(f"{obj.absolute_url_path()} is {state} after {transition}")
    return middle - start, end - middle


# --- HTTP (this process, against runwsgi) ----------------------------------------------------


@dataclass(frozen=True)
class HttpCase:
    name: str
    label: str
    who: str
    path: str
    params: tuple
    userid: str


def http_cases(province):
    """The province approver's queue and the stock reviewer's search of the same province,
    first page and as many items as the queue."""
    queue_length = province["waiting"]
    search = (
        ("review_state", "pending"),
        ("portal_type", STOCK_TYPE),
        ("path", province["path"]),
        ("sort_on", "modified"),
    )
    who = f"approver of {province['title']}"
    return (
        HttpCase(
            "nguon-queue",
            "nguon `GET @approval-queue`",
            who,
            "@approval-queue",
            (),
            approver(province["code"]),
        ),
        HttpCase(
            "stock-search",
            "stock `GET @search` pending in the province (default batch)",
            "Reviewer",
            "@search",
            search,
            REVIEWER,
        ),
        HttpCase(
            "stock-search-n",
            f"stock `GET @search`, same, `b_size={queue_length}`",
            "Reviewer",
            "@search",
            search + (("b_size", queue_length),),
            REVIEWER,
        ),
    )


def measure_http(root, province, samples, warmup):
    """Serve the copy with runwsgi and time the requests, interleaved, one at a time."""
    import requests

    port = free_port()
    settings = instance_settings(root, port)
    write_instance(settings)
    log = open(settings.var / "log" / "server.log", "w")
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("runwsgi")), str(settings.wsgi_ini)],
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}/{SITE_ID}"
    try:
        wait_until_serving(server, base)
        cases = http_cases(province)
        sessions = {case.name: requests.Session() for case in cases}
        for case in cases:
            sessions[case.name].auth = (case.userid, PASSWORD)
            sessions[case.name].headers["Accept"] = "application/json"
        results = {case.name: {"seconds": []} for case in cases}
        for number in range(samples + warmup):
            for case in cases:
                seconds = timed_get(
                    sessions[case.name], f"{base}/{case.path}", case.params
                )
                if number >= warmup:
                    results[case.name]["seconds"].append(seconds)
        for case in cases:
            response = get(sessions[case.name], f"{base}/{case.path}", case.params)
            body = response.json()
            results[case.name].update(
                items=len(body["items"]),
                total=body["items_total"],
                bytes=len(response.content),
            )
        return results
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(server, base, timeout=600):
    import requests

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"runwsgi exited with {server.returncode}; see var/log/server.log"
            )
        try:
            requests.get(base, timeout=5)
            return
        except (requests.ConnectionError, requests.Timeout):  # not up, or warming up
            time.sleep(1)
    raise RuntimeError(f"runwsgi did not answer within {timeout} s")


def get(session, url, params):
    response = session.get(url, params=params)
    response.raise_for_status()
    return response


def timed_get(session, url, params):
    """Seconds until the whole response (status, headers, body) has arrived."""
    start = time.perf_counter()
    get(session, url, params)
    return time.perf_counter() - start


# --- orchestration, figures and the document -------------------------------------------------


def say(message):
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


def child(phase, args, root, out):
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
        ],
        check=True,
    )
    return json.loads(out.read_text())


def ensure_template(args, template, build=None, what=None):
    """The built database for these parameters, building it when missing: ``build(template)``
    returns the manifest (by default this script's build phase, in a child process)."""
    manifest = template / "manifest.json"
    if manifest.exists() and not args.rebuild:
        say(f"reusing {template}")
        return json.loads(manifest.read_text()), False
    shutil.rmtree(template, ignore_errors=True)
    template.mkdir(parents=True)
    say(
        f"building {what or f'{args.items} items (and as many stock twins)'} in {template}"
    )
    if build is None:
        result = child("build", args, template, template / "build.json")
    else:
        result = build(template)
    manifest.write_text(json.dumps(result, indent=1))
    return result, True


def build_in_child(script, template):
    """Run ``script``'s build phase in its own process (the only opener of the new database);
    returns the manifest it wrote."""
    out = template / "build.json"
    subprocess.run(
        [
            sys.executable,
            str(script),
            "--phase",
            "build",
            "--root",
            str(template),
            "--out",
            str(out),
        ],
        check=True,
    )
    return json.loads(out.read_text())


def fresh_copy(template, run):
    """A copy of the template's data to measure on; the template stays as built."""
    shutil.rmtree(run, ignore_errors=True)
    ignore = shutil.ignore_patterns("*.lock", "*.tmp")
    for folder in ("filestorage", "blobstorage"):
        shutil.copytree(template / "var" / folder, run / "var" / folder, ignore=ignore)


def code_version():
    """The commit measured, and whether the working tree differed from it."""

    def git(*words):
        return subprocess.run(
            ["git", *words], cwd=REPO, capture_output=True, text=True
        ).stdout

    changed = git(
        "status", "--porcelain", "--", "src", "profiles", "policies"
    ).splitlines()
    return {
        "commit": git("rev-parse", "--short", "HEAD").strip(),
        "changed": [line[3:] for line in changed],
    }


def describe_code(built, measured):
    def one(code):
        changed = len(code["changed"])
        return code["commit"] + (
            f" plus uncommitted changes to {changed} files" if changed else ""
        )

    if built == measured:
        return f"code {one(measured)}"
    return f"measured with code {one(measured)}, database built with code {one(built)}"


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in cpuinfo.splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kib = int(Path("/proc/meminfo").read_text().split()[1])
    return {
        "cpu": model,
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kib / 2**20, 1),
        "python": platform.python_version(),
        "plone": importlib.metadata.version("Products.CMFPlone"),
        "zodb": importlib.metadata.version("ZODB"),
    }


def stats(seconds):
    """n, p50, p95 and mean, in milliseconds."""
    ms = [value * 1000 for value in seconds]
    return {
        "n": len(ms),
        "p50": statistics.median(ms),
        "p95": statistics.quantiles(ms, n=20, method="inclusive")[18],
        "mean": statistics.fmean(ms),
    }


def row(results, name):
    """Statistics of a row's samples: a request, or a transition with its commit."""
    figures = results[name]
    if "seconds" in figures:
        return stats(figures["seconds"])
    return stats(
        [a + b for a, b in zip(figures["transition"], figures["commit"], strict=True)]
    )


def transition_table(results):
    rows = [
        "| operation | acting user | n | p50 ms | p95 ms | mean ms | p50 transition call ms "
        "| p50 commit ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for name, label, _kind, _transition, who, _stock in TRANSITION_CASES:
        total = row(results, name)
        rows.append(
            f"| {label} | {who} | {total['n']} | {total['p50']:.1f} | {total['p95']:.1f} "
            f"| {total['mean']:.1f} | {stats(results[name]['transition'])['p50']:.1f} "
            f"| {stats(results[name]['commit'])['p50']:.1f} |"
        )
    return rows


def http_table(results, province):
    rows = [
        "| request | user | n | p50 ms | p95 ms | mean ms | items returned / total "
        "| response KiB |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for case in http_cases(province):
        figures, timing = results[case.name], row(results, case.name)
        rows.append(
            f"| {case.label} | {case.who} | {timing['n']} | {timing['p50']:.1f} "
            f"| {timing['p95']:.1f} | {timing['mean']:.1f} "
            f"| {figures['items']} / {figures['total']} | {figures['bytes'] / 1024:.0f} |"
        )
    return rows


def interpretation(transitions, http, province):
    """Sentences computed from the figures (no hand-tuned claims)."""
    nguon, stock = row(transitions, "nguon-publish"), row(transitions, "stock-publish")
    call = stats(transitions["nguon-publish"]["transition"])["p50"]
    commit = stats(transitions["nguon-publish"]["commit"])["p50"]
    queue, search = http["nguon-queue"], http["stock-search"]
    return [
        f"- The same operation, pending → published by the acting reviewer, takes "
        f"{nguon['p50']:.1f} ms at p50 with nguon's workflow against {stock['p50']:.1f} ms "
        f"with the stock one ({nguon['p50'] / stock['p50']:.1f}×; "
        f"{nguon['p95'] / stock['p95']:.1f}× at p95). Of nguon's p50, {call:.1f} ms is the "
        f"transition call (guards, the approval record, subscribers, the version saved at "
        f"every transition) and {commit:.1f} ms the commit (indexing queue, catalog, "
        f"FileStorage write).",
        f"- The province approver's queue ({queue['total']} items waiting at "
        f"{province['title']}, {province['communes']} communes) takes "
        f"{row(http, 'nguon-queue')['p50']:.1f} ms at p50; the stock reviewer's first search "
        f"page of the same province ({search['total']} pending twins, {search['items']} "
        f"returned) {row(http, 'stock-search')['p50']:.1f} ms, and the same search returning "
        f"as many items as the queue {row(http, 'stock-search-n')['p50']:.1f} ms. "
        f"`@approval-queue` is not batched: it returns every waiting item at once, so its time "
        f"grows with the queue.",
        "- Both workflows run in the same site, so nguon's catalog indexers registered for all "
        "Dexterity content (`awaiting_unit`, `waiting_since`, `owning_unit`) also run for the "
        "stock twins: the stock rows are stock Plone's workflow, not a stock site.",
        "- collective.solr is installed but inactive: every query here is the ZODB catalog's. "
        "Caches are warm after the warm-up samples; the HTTP client and the server share the "
        "machine's cores.",
    ]


def section(args, manifest, built_now, code, province, transitions, http, load):
    kinds = manifest["kinds"]
    stock = Counter()
    for kind, count in kinds.items():
        stock[{"published": "published", "draft": "private"}.get(kind, "pending")] += (
            count
        )
    info = machine()
    steps = manifest["build_seconds"]
    build_total = sum(steps.values())
    lines = [
        BEGIN,
        f"Run {datetime.now():%Y-%m-%d %H:%M} on {info['cpu']}, {info['nproc']} cores, "
        f"{info['ram_gib']} GiB RAM (shared; load average {load[0]:.2f} at start, "
        f"{load[1]:.2f} at end); Python {info['python']}, Plone {info['plone']}, "
        f"ZODB {info['zodb']} FileStorage; {describe_code(manifest['code'], code)}.",
        "",
        "```sh",
        f".venv/bin/python tests/bench/bench_approval.py --items {args.items} "
        f"--samples {args.samples} --warmup {args.warmup}",
        "```",
        "",
        f"Dataset: {manifest['units']} units (central, {len(provinces())} provinces, "
        f"{manifest['units'] - 1 - len(provinces())} communes), {manifest['users']} users "
        f"(one approver per unit, one stock reviewer); {manifest['items']} Bulletin items "
        f"(nguon_approval_workflow) round robin over the communes: "
        + ", ".join(f"{kinds.get(kind, 0)} {kind}" for kind in KINDS)
        + f"; and {manifest['items']} BenchBulletin twins (simple_publication_workflow) in the "
        f"same communes: "
        + ", ".join(f"{count} {state}" for state, count in stock.items())
        + f'. "climbing" items target their whole province and wait at their commune; '
        f'"climbed" ones were approved there and wait at the province. Data.fs '
        f"{manifest['data_fs_bytes'] / 2**30:.2f} GiB.",
        "",
        f"Build: {build_total / 60:.1f} min ("
        + ", ".join(f"{step} {seconds / 60:.1f} min" for step, seconds in steps.items())
        + f"; {2 * manifest['items'] / steps['items']:.1f} items/s), "
        + (
            "in this run."
            if built_now
            else f"on {manifest['built']}, reused by this run."
        )
        + " Every run measures a fresh copy of the built database.",
        "",
        f"Transitions: {args.samples} samples per row after {args.warmup} warm-up ones, "
        f"interleaved, each on a different item of consecutive communes; the time is "
        f"`api.content.transition` as the acting user plus `transaction.commit()`.",
        "",
        *transition_table(transitions),
        "",
        f"Queue: `runwsgi` (waitress) on loopback, one request at a time on a keep-alive "
        f"connection, basic authentication; {args.samples} samples per row after "
        f"{args.warmup} warm-up ones, interleaved. The stock request is "
        f"`@search?review_state=pending&portal_type={STOCK_TYPE}&path={province['path']}"
        f"&sort_on=modified`, what a stock reviewer's review list queries.",
        "",
        *http_table(http, province),
        "",
        *interpretation(transitions, http, province),
        END,
    ]
    return "\n".join(lines)


INTRO = """# Benchmarks

Every figure here comes from a script in `tests/bench/`, run in one go: each script builds or
reuses its dataset, measures, and rewrites its own section, comparing side by side in the
same run (nguon's way beside stock Plone's, on the same data and machine). Timings never
decide a test; see `tests/bench/README.md` for how to run them.
"""


def write_doc(generated):
    """Replace the generated part of the section, keeping any notes written below it."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else INTRO
    if BEGIN in text:
        head, rest = text.split(BEGIN, 1)
        text = head + generated + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{SECTION}\n\n{generated}\n"
    DOC.write_text(text, encoding="utf-8")


def run(args):
    load_start = os.getloadavg()[0]
    dataset = Path(args.db).resolve() / f"items-{args.items}-v{DATASET_VERSION}"
    manifest, built_now = ensure_template(args, dataset / "template")
    code = code_version()  # the code the server and the transitions process will load
    run_root = dataset / "run"
    say("copying the database")
    fresh_copy(dataset / "template", run_root)
    province = queue_province(plan(args.items))
    say(f"HTTP: queue of {province['title']} ({province['waiting']} waiting)")
    http = measure_http(run_root, province, args.samples, args.warmup)
    say("transitions")
    transitions = child("transitions", args, run_root, run_root / "transitions.json")
    generated = section(
        args,
        manifest,
        built_now,
        code,
        province,
        transitions,
        http,
        (load_start, os.getloadavg()[0]),
    )
    write_doc(generated)
    print("\n".join(line for line in generated.splitlines() if line.startswith("|")))
    say(f"written to {DOC}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--items",
        type=int,
        default=50_000,
        help="Bulletin items (as many stock twins are added)",
    )
    parser.add_argument(
        "--db",
        default=str(REPO / "var" / "bench" / "approval"),
        help="where built databases are kept, one folder per dataset",
    )
    parser.add_argument(
        "--samples", type=int, default=200, help="measured samples per row"
    )
    parser.add_argument(
        "--warmup", type=int, default=10, help="unmeasured samples per row first"
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the database anew"
    )
    parser.add_argument(
        "--phase", choices=("build", "transitions"), help=argparse.SUPPRESS
    )
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "build":
        args.out.write_text(json.dumps(build(args.root, args.items)))
    elif args.phase == "transitions":
        results = measure_transitions(args.root, args.items, args.samples, args.warmup)
        args.out.write_text(json.dumps(results))
    else:
        run(args)


if __name__ == "__main__":
    main()
