"""The delivery ledger's store, chosen by measuring: ZODB BTrees beside PostgreSQL.

Issue 15 asks which store keeps the delivery ledger (one immutable record per item × receiving
unit × channel × device × time) for a province's year at a generous rate, measured side by side
on the same records: how fast records go in, what recording one adds to the request that
proves a delivery (goal under 1 ms), and how fast the province's statistics page is computed
(goal under 500 ms at p95).

- **ZODB** is the product's own code path: a Plone site with ``nguon:default`` in a real
  FileStorage, the official tree of one province (Nghệ An: 130 communes), its essential items
  created as real ``Bulletin`` items and entered by ``nguon.ledger.obligations.enter`` at their
  publication time; every delivery goes through ``nguon.ledger.record.record``; the page is
  ``nguon.statistics.summary.gather`` (indicators, coverage per commune, months, gaps).
- **PostgreSQL** is the natural relational schema: a ``records`` table (primary key on the
  record's identity, an index on unit and time), the essential items' ``obligations`` and
  their required ``pairs`` (first proof, last failure, kept by the same statement that inserts
  the record), and the page as GROUP BY queries over them. The script runs its own throw-away
  cluster (``initdb``/``pg_ctl`` of the Debian package, as the ``postgres`` user when run as
  root) in ``<db>/pg``; ``psycopg`` comes from the ``bench`` extra. Nothing of it is needed by
  ``make start`` or ``make test``.

The same deliveries (one generator, a fixed seed) go into both stores day by day, the ZODB
first, then PostgreSQL, each day's batch in one transaction; then single deliveries, each in
its own transaction as in the request that proves it, alternate between the stores; then the
province page, alternating too. The workload is stated in the output: communes × devices ×
deliveries per device per day × 365 days = ``--records``.

Usage::

    .venv/bin/python tests/bench/bench_ledger.py --records 10000000        # docs/benchmarks.md
    .venv/bin/python tests/bench/bench_ledger.py --records 200000 --essential 300 --samples 10
    .venv/bin/python tests/bench/bench_ledger.py --records 10000000 --remeasure

``--remeasure`` reopens the stores a full run kept in ``<db>/records-<records>`` (its
FileStorage site and its stopped PostgreSQL cluster), ingests nothing, and measures the single
deliveries and the province page again with the code of the checkout; ``results.json`` keeps
both, and docs/benchmarks.md says which figure comes from which.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from pathlib import Path

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import time


REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: make ``tests.*`` importable
    sys.path.insert(0, str(REPO))

from tests.bench.bench_approval import code_version  # noqa: E402
from tests.bench.bench_approval import instance_settings  # noqa: E402
from tests.bench.bench_approval import machine  # noqa: E402
from tests.bench.bench_approval import new_site  # noqa: E402
from tests.bench.bench_approval import say  # noqa: E402
from tests.bench.bench_approval import SITE_ID  # noqa: E402
from tests.bench.bench_approval import stats  # noqa: E402
from tests.bench.bench_search import ms  # noqa: E402
from tests.bench.bench_search import replace_section  # noqa: E402


SECTION = "## Delivery ledger: ZODB BTrees beside PostgreSQL at {records:,} records (issue 15)"
SECTION_PREFIX = "## Delivery ledger:"
BEGIN = "<!-- bench_ledger.py: generated figures, replaced at every run -->"
END = "<!-- bench_ledger.py: end of generated figures -->"

PROVINCE = "40"  # Tỉnh Nghệ An, 130 communes
YEAR = 2026
DAYS = 365
CHANNELS = ("web", "radio", "board")
# The devices of every commune: (device suffix, channel, kind of its records).
DEVICES = (
    ("feed", "web", "bench-push-ack"),
    ("station", "radio", "bench-as-run"),
    ("board-1", "board", "bench-played"),
    ("board-2", "board", "bench-played"),
)
REFUSED = "bench-refused"
ORDINARY_PER_DAY = 20  # items of no obligation delivered beside the essential ones
ACTIVE_DAYS = 3  # an item is delivered on the day of its publication and the two after
GAP_RATE = 0.005  # share of required pairs that never get a proof
EMERGENCY_EVERY = 20  # one essential item in 20 is an emergency
SEED = 15
LOCAL = timedelta(hours=7)  # Vietnam, no daylight saving


def kinds():
    """The record kinds of the benchmark, registered in this process only (the product's
    channels register their own; ``record`` treats them all alike)."""
    from nguon.ledger.kinds import ProofKind

    return (
        ProofKind("bench-push-ack", "web", "push acknowledged (bench)"),
        ProofKind("bench-as-run", "radio", "as-run (bench)"),
        ProofKind("bench-played", "board", "proof of play (bench)"),
        ProofKind(REFUSED, "radio", "audio refused (bench)", proves=False),
    )


def register_kinds():
    from nguon.ledger.interfaces import IProofKind
    from zope.component import getGlobalSiteManager

    registry = getGlobalSiteManager()
    for each in kinds():
        registry.registerUtility(each, IProofKind, name=each.name)


# --- the workload ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Essential:
    index: int
    day: int
    published: datetime  # UTC
    emergency: bool


@dataclass
class Workload:
    """One province's year: every commune's devices deliver ``rate`` records a day."""

    records: int
    communes: tuple  # codes
    essential: int  # essential items a year
    areas: tuple = ()  # the codes above every commune: an item is listed under each

    @property
    def rate(self):
        return self.records / (len(self.communes) * len(DEVICES) * DAYS)

    def day_start(self, day):
        """Local midnight of ``day`` (0 = 1 January) as a UTC datetime."""
        return datetime(YEAR, 1, 1, tzinfo=UTC) + timedelta(days=day) - LOCAL

    def plan(self):
        """The essential items: evenly over the year, published from 05:00 local."""
        found = []
        for index in range(self.essential):
            day = index * DAYS // self.essential
            order = index - (day * self.essential + DAYS - 1) // DAYS
            minute = 5 * 60 + 3 * order
            found.append(
                Essential(
                    index,
                    day,
                    self.day_start(day) + timedelta(minutes=minute),
                    index % EMERGENCY_EVERY == 0,
                )
            )
        return found

    def gaps(self):
        """``{(item index, commune index, channel)}`` that never get a proof."""
        rng = random.Random(SEED)
        return {
            (item, commune, channel)
            for item in range(self.essential)
            for commune in range(len(self.communes))
            for channel in CHANNELS
            if rng.random() < GAP_RATE
        }


def ordinary_uid(day, number):
    return f"{day * 100 + number + 1:032x}"


def deliveries(workload, plan, uids, gaps, day):
    """The records of ``day``: ``(kind, item, unit, device, at, detail)``; the same for both
    stores. Every device first delivers the essential items published that day, then goes
    round the items of the last ``ACTIVE_DAYS`` days; a pair chosen as a gap is never proven
    (its station refuses the audio once, for one radio gap in three)."""
    today = [e for e in plan if e.day == day]
    recent = [e for e in plan if day - ACTIVE_DAYS < e.day <= day]
    ordinary = [
        ordinary_uid(d, n)
        for d in range(max(0, day - ACTIVE_DAYS + 1), day + 1)
        for n in range(ORDINARY_PER_DAY)
    ]
    pool = [uids[e.index] for e in recent] + ordinary
    index_of = {uids[e.index]: e.index for e in recent}
    start = workload.day_start(day) + timedelta(hours=6)
    per_device = len(DEVICES)
    found = []
    for c, code in enumerate(workload.communes):
        for j, (suffix, channel, kind_name) in enumerate(DEVICES):
            slot = (day * len(workload.communes) + c) * per_device + j
            count = int(workload.rate * (slot + 1)) - int(workload.rate * slot)
            if not count:
                continue
            device = f"{code}-{suffix}"
            step = 15 * 3600 / count
            wanted = [uids[e.index] for e in today] + [
                pool[(k * 7 + c + j * 3 + day) % len(pool)]
                for k in range(max(0, count - len(today)))
            ]
            for k, item in enumerate(wanted[:count]):
                gap = (index_of.get(item), c, channel) in gaps
                if gap:
                    item = ordinary[(k + c) % len(ordinary)]
                at = start + timedelta(seconds=int(k * step) + j * 11 + c % 7)
                found.append((kind_name, item, code, device, at, _detail(channel, k)))
            if channel == "radio":
                for e in today:
                    if (e.index, c, "radio") in gaps and (e.index + c) % 3 == 0:
                        at = start - timedelta(minutes=30)
                        found.append(
                            (
                                REFUSED,
                                uids[e.index],
                                code,
                                device,
                                at,
                                {"message": "Tệp âm thanh hỏng, không phát được"},
                            )
                        )
    return found


def _detail(channel, k):
    if channel == "radio":
        return {"status": "finished", "seconds": 60 + 30 * (k % 5), "clusters": ["1"]}
    if channel == "board":
        return {"seconds": 15, "slide": str(k % 12)}
    return {"subscriber": "feed"}


def single_deliveries(
    workload, plan, uids, gaps, day, count, start=None, proven=(), draw=0
):
    """``count`` deliveries after the last of ``day`` (from 21:30, or from ``start``), each as
    the request that proves it would bring it: one in four proves a pair that had no proof
    yet (a gap pair not in ``proven``). Another ``draw`` chooses other ones."""
    rng = random.Random(SEED + day + 1000 * draw)
    recent = [e for e in plan if day - ACTIVE_DAYS < e.day <= day]
    pending = sorted(
        (item, commune, channel)
        for item, commune, channel in gaps
        if day - 30 < plan[item].day <= day and (item, commune, channel) not in proven
    )
    rng.shuffle(pending)
    start = start or workload.day_start(day) + timedelta(hours=21, minutes=30)
    found = []
    for number in range(count):
        if number % 4 == 0 and pending:
            item, c, channel = pending.pop()
            uid = uids[item]
        else:
            c = rng.randrange(len(workload.communes))
            channel = rng.choice(CHANNELS)
            uid = (
                uids[rng.choice(recent).index]
                if recent
                else ordinary_uid(day, number % ORDINARY_PER_DAY)
            )
        suffix, _channel, kind_name = next(d for d in DEVICES if d[1] == channel)
        code = workload.communes[c]
        at = start + timedelta(seconds=number)
        found.append(
            (kind_name, uid, code, f"{code}-{suffix}", at, _detail(channel, number))
        )
    return found


# --- ZODB: the product's code path -----------------------------------------------------------


class Zodb:
    name = "ZODB BTrees (nguon.ledger)"

    def __init__(self, root):
        self.root = root

    def build(self, workload, plan):
        """A site with the province's tree and its essential items entered in the ledger;
        returns the items' UIDs in plan order."""
        from nguon.units.importer import sync_tree
        from nguon.units.importer import sync_unit
        from nguon.units.official import CENTRAL
        from nguon.units.official import provinces
        from plone import api

        import transaction

        register_kinds()
        self.app, self.site, settings = new_site(self.root)
        self.data_fs = settings.var / "filestorage" / "Data.fs"
        transaction.commit()
        with api.env.adopt_user(username="admin"):
            central = sync_unit(self.site, CENTRAL, Counter())
            sync_tree(central, provinces()[PROVINCE])
            transaction.commit()
            uids = self._items(plan)
        return uids

    def open(self, plan):
        """Reopen the site a full run built (``--remeasure``); returns the essential items'
        UIDs in plan order."""
        from nguon.instance.site import open_app
        from nguon.units.tree import find_unit
        from zope.component.hooks import setSite

        register_kinds()
        settings = instance_settings(self.root)
        self.app = open_app(settings.zope_conf)
        self.site = self.app[SITE_ID]
        setSite(self.site)
        self.data_fs = settings.var / "filestorage" / "Data.fs"
        province = find_unit(PROVINCE)
        return [province[f"essential-{each.index:05d}"].UID() for each in plan]

    def _items(self, plan):
        from nguon.units.tree import find_unit
        from nguon.workflow.approval import ApprovalState
        from plone import api

        import transaction

        province = find_unit(PROVINCE)
        uids = []
        for each in plan:
            item = api.content.create(
                container=province,
                type="Bulletin",
                id=f"essential-{each.index:05d}",
                title=f"Thông báo thiết yếu số {each.index}",
                category=("disaster", "health")[each.index % 2],
                priority="emergency" if each.emergency else "normal",
                channels=set(CHANNELS),
                target_scope="subtree",
            )
            approval = ApprovalState(item)  # approved by the province, as published
            approval.start()
            approval.record_approval("admin")
            uids.append(item.UID())
            if len(uids) % 200 == 0:
                transaction.commit()
                say(f"ZODB: {len(uids)}/{len(plan)} essential items")
        transaction.commit()
        return uids

    def publish(self, published):
        """Enter the essential items published on a day (``Essential`` list) as the
        publication subscriber does, at their publication time (not timed)."""
        from nguon.ledger.obligations import enter
        from nguon.ledger.store import ledger
        from nguon.units.tree import find_unit

        import transaction

        province = find_unit(PROVINCE)
        store = ledger(self.site)
        for each in published:
            enter(store, province[f"essential-{each.index:05d}"], each.published)
        transaction.commit()

    def ingest(self, batch):
        from nguon.ledger.record import record

        import transaction

        for kind_name, item, unit, device, at, detail in batch:
            record(self.site, kind_name, item, unit, device, at, detail)
        transaction.commit()

    def single(self, delivery):
        """Seconds for ``record`` and for the commit of its own transaction."""
        from nguon.ledger.record import record

        import transaction

        kind_name, item, unit, device, at, detail = delivery
        started = time.perf_counter()
        record(self.site, kind_name, item, unit, device, at, detail)
        middle = time.perf_counter()
        transaction.commit()
        return middle - started, time.perf_counter() - middle

    def page(self):
        """The province's page for the year: ``gather`` when the statistics helper is there,
        else the same computation from the ledger's own functions."""
        from nguon.units.tree import find_unit

        unit = find_unit(PROVINCE)
        start, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
        try:
            from nguon.statistics.periods import custom
            from nguon.statistics.summary import gather
        except ImportError:
            return self._page_from_ledger(unit, start, last)
        found = gather(self.site, unit, custom(start, last))
        values = {each.name: value for each, value in found.figures}
        return {
            "coverage": {c: values.get(f"coverage_{c}") for c in CHANNELS},
            "essential_items": values.get("essential_items"),
            "emergencies": values.get("emergencies"),
            "radio_hours": values.get("radio_hours"),
            "children": len(found.children),
            "months": len(found.months),
            "gaps": found.gaps.total,
        }

    def _page_from_ledger(self, unit, start, last):
        from nguon.ledger.counters import series
        from nguon.ledger.counters import total
        from nguon.ledger.coverage import gaps
        from nguon.ledger.figures import utc_bounds
        from nguon.ledger.indicators import figures
        from nguon.ledger.store import ledger
        from nguon.ledger.units import area_codes
        from nguon.ledger.units import children_codes

        end = last + timedelta(days=1)
        store = ledger(self.site)
        values = figures(self.site, unit, start, end)
        children = [
            {
                (figure, c): total(store, area_codes(code), figure, c, start, end)
                for figure in ("required", "delivered")
                for c in CHANNELS
            }
            for code, _title in children_codes(unit.code, self.site)
        ]
        codes = area_codes(unit.code, self.site)
        months = [(YEAR, m) for m in range(1, 13)]
        for figure in ("required", "delivered", "seconds"):
            for c in CHANNELS:
                series(store, codes, figure, c, months)
        found = gaps(self.site, unit.code, *utc_bounds(start, end), limit=None)
        return {
            "coverage": {c: values.get(f"coverage_{c}") for c in CHANNELS},
            "essential_items": values.get("essential_items"),
            "emergencies": values.get("emergencies"),
            "radio_hours": values.get("radio_hours"),
            "children": len(children),
            "months": len(months),
            "gaps": len(found),
        }

    def size(self):
        return self.data_fs.stat().st_size

    def pack(self):
        self.app._p_jar.db().pack()

    def close(self):
        self.app._p_jar.db().close()


# --- PostgreSQL: the natural schema ----------------------------------------------------------

SCHEMA = """
CREATE TABLE units (code text PRIMARY KEY, parent text, title text);
CREATE TABLE obligations (
    item text PRIMARY KEY, published timestamptz NOT NULL, priority text NOT NULL,
    title text NOT NULL);
CREATE TABLE obligation_areas (
    area text, published timestamptz, item text REFERENCES obligations,
    PRIMARY KEY (area, published, item));
CREATE TABLE pairs (
    item text REFERENCES obligations, unit text, channel text,
    proof_at timestamptz, proof_kind text, proof_device text,
    failure_at timestamptz, failure text,
    PRIMARY KEY (item, unit, channel));
CREATE INDEX pairs_missing ON pairs (item) WHERE proof_at IS NULL;
CREATE TABLE records (
    item text NOT NULL, unit text NOT NULL, channel text NOT NULL, at timestamptz NOT NULL,
    device text NOT NULL, kind text NOT NULL, proves boolean NOT NULL, seconds integer,
    detail jsonb NOT NULL,
    PRIMARY KEY (item, unit, channel, at, device, kind));
CREATE INDEX records_unit_at ON records (unit, at);
"""

# One statement per delivery: the record (a duplicate is ignored) and, when it is new, the
# first proof or the last failure of its pair.
RECORD = """
WITH new AS (
    INSERT INTO records (item, unit, channel, at, device, kind, proves, seconds, detail)
    VALUES (%(item)s, %(unit)s, %(channel)s, %(at)s, %(device)s, %(kind)s, %(proves)s,
        %(seconds)s, %(detail)s)
    ON CONFLICT DO NOTHING
    RETURNING 1),
proved AS (
    UPDATE pairs SET proof_at = %(at)s, proof_kind = %(kind)s, proof_device = %(device)s
    WHERE %(proves)s AND item = %(item)s AND unit = %(unit)s AND channel = %(channel)s
        AND proof_at IS NULL AND EXISTS (SELECT 1 FROM new))
UPDATE pairs SET failure_at = %(at)s, failure = %(message)s
WHERE NOT %(proves)s AND item = %(item)s AND unit = %(unit)s AND channel = %(channel)s
    AND proof_at IS NULL AND EXISTS (SELECT 1 FROM new)
"""

PAGE_PAIRS = """
SELECT p.unit, p.channel, to_char(o.published AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM'),
    count(*), count(p.proof_at),
    sum(extract(epoch FROM p.proof_at - o.published)),
    sum(extract(epoch FROM p.proof_at - o.published))
        FILTER (WHERE o.priority = 'emergency'),
    count(p.proof_at) FILTER (WHERE o.priority = 'emergency')
FROM obligations o JOIN pairs p USING (item)
WHERE o.published >= %(start)s AND o.published < %(end)s AND p.unit = ANY(%(codes)s)
GROUP BY GROUPING SETS ((p.unit, p.channel), (3, p.channel))
"""
PAGE_RECORDS = """
SELECT to_char(at AT TIME ZONE 'Asia/Ho_Chi_Minh', 'YYYY-MM'), channel, count(*),
    coalesce(sum(seconds), 0)
FROM records
WHERE unit = ANY(%(codes)s) AND at >= %(start)s AND at < %(end)s AND proves
GROUP BY 1, 2
"""
PAGE_ITEMS = """
SELECT count(*), count(*) FILTER (WHERE o.priority = 'emergency'),
    count(*) FILTER (WHERE NOT EXISTS (
        SELECT 1 FROM pairs p WHERE p.item = o.item AND p.proof_at IS NULL
            AND p.unit = ANY(%(codes)s)))
FROM obligation_areas a JOIN obligations o USING (item)
WHERE a.area = %(area)s AND a.published >= %(start)s AND a.published < %(end)s
"""
PAGE_GAPS = """
SELECT o.item, o.title, o.priority, o.published,
    count(*) FILTER (WHERE p.failure IS NOT NULL) AS failed, count(*) AS missing,
    count(*) OVER () AS total
FROM obligation_areas a JOIN obligations o USING (item)
    JOIN pairs p ON p.item = o.item AND p.proof_at IS NULL AND p.unit = ANY(%(codes)s)
WHERE a.area = %(area)s AND a.published >= %(start)s AND a.published < %(end)s
GROUP BY o.item
ORDER BY o.priority <> 'emergency', failed DESC, missing DESC, o.published
LIMIT 50
"""
PAGE_GAP_PAIRS = """
SELECT p.item, p.unit, u.title, p.channel, p.failure, p.failure_at
FROM pairs p JOIN units u ON u.code = p.unit
WHERE p.item = ANY(%(items)s) AND p.proof_at IS NULL AND p.unit = ANY(%(codes)s)
"""


def postgres_binaries():
    """The folder of the Debian package's server programs, installed when missing (root)."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        say("PostgreSQL is missing: installing the Debian package postgresql")
        sudo = [] if os.geteuid() == 0 else ["sudo"]
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(
            [*sudo, "apt-get", "install", "-y", "-qq", "postgresql"],
            check=True,
            env=env,
        )
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return found[-1].parent


class Postgres:
    name = "PostgreSQL (records table, GROUP BY)"

    def __init__(self, folder):
        self.folder = folder
        self.bin = postgres_binaries()
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, program, *words):
        subprocess.run(
            [*self.as_user, str(self.bin / program), *words],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def create(self):
        """A new cluster in ``folder`` listening on its own socket only, started, with the
        schema."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True)
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run("initdb", "-D", str(data), "-U", "bench", "-E", "UTF8", "--no-locale")
        settings = {
            "listen_addresses": "''",
            "unix_socket_directories": f"'{self.folder}'",
            "shared_buffers": "2GB",
            "work_mem": "64MB",
            "maintenance_work_mem": "512MB",
            "max_wal_size": "8GB",
            "timezone": "'UTC'",
        }
        with (data / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
        self.start()
        with self.conn.cursor() as cur:
            cur.execute(SCHEMA)
        self.conn.commit()

    def start(self):
        """Start the cluster in ``folder`` (``create``, or kept by a full run) and connect."""
        import psycopg

        self._run(
            "pg_ctl",
            "-D",
            str(self.folder / "data"),
            "-l",
            str(self.folder / "log"),
            "-w",
            "start",
        )
        self.conn = psycopg.connect(
            host=str(self.folder), user="bench", dbname="postgres"
        )
        self.version = self.conn.info.server_version

    def build(self, lineage):
        with self.conn.cursor() as cur:
            cur.executemany(
                "INSERT INTO units VALUES (%s, %s, %s)",
                [(code, parent, title) for code, parent, title in lineage],
            )
        self.conn.commit()

    def publish(self, workload, published, uids):
        """The same obligations as the ZODB's (every commune × channel) for the essential
        items published on a day (not timed)."""
        with self.conn.cursor() as cur:
            for each in published:
                uid = uids[each.index]
                cur.execute(
                    "INSERT INTO obligations VALUES (%s, %s, %s, %s)",
                    (
                        uid,
                        each.published,
                        "emergency" if each.emergency else "normal",
                        f"Thông báo thiết yếu số {each.index}",
                    ),
                )
                cur.executemany(
                    "INSERT INTO obligation_areas VALUES (%s, %s, %s)",
                    [
                        (area, each.published, uid)
                        for area in workload.areas + workload.communes
                    ],
                )
                cur.executemany(
                    "INSERT INTO pairs (item, unit, channel) VALUES (%s, %s, %s)",
                    [(uid, code, c) for code in workload.communes for c in CHANNELS],
                )
        self.conn.commit()

    def _row(self, delivery, proves):
        from psycopg.types.json import Jsonb

        kind_name, item, unit, device, at, detail = delivery
        return {
            "item": item,
            "unit": unit,
            "channel": self.channels[kind_name],
            "at": at,
            "device": device,
            "kind": kind_name,
            "proves": proves[kind_name],
            "seconds": detail.get("seconds"),
            "detail": Jsonb(detail),
            "message": detail.get("message"),
        }

    def prepare(self):
        self.channels = {each.name: each.channel for each in kinds()}
        self.proves = {each.name: each.proves for each in kinds()}

    def ingest(self, batch):
        with self.conn.cursor() as cur:
            cur.executemany(RECORD, [self._row(d, self.proves) for d in batch])
        self.conn.commit()

    def single(self, delivery):
        row = self._row(delivery, self.proves)
        started = time.perf_counter()
        with self.conn.cursor() as cur:
            cur.execute(RECORD, row, prepare=True)
        middle = time.perf_counter()
        self.conn.commit()
        return middle - started, time.perf_counter() - middle

    def analyze(self):
        self.conn.autocommit = True
        with self.conn.cursor() as cur:
            cur.execute("ANALYZE")
        self.conn.autocommit = False

    def page(self, workload):
        start = workload.day_start(0)
        params = {
            "start": start,
            "end": workload.day_start(DAYS),
            "codes": list(workload.communes) + [PROVINCE],
            "area": PROVINCE,
        }
        with self.conn.cursor() as cur:
            cur.execute(PAGE_PAIRS, params)
            pairs = cur.fetchall()
            cur.execute(PAGE_RECORDS, params)
            records = cur.fetchall()
            cur.execute(PAGE_ITEMS, params)
            items, emergencies, delivered = cur.fetchone()
            cur.execute(PAGE_GAPS, params)
            worst = cur.fetchall()
            cur.execute(PAGE_GAP_PAIRS, {**params, "items": [row[0] for row in worst]})
            cur.fetchall()
        self.conn.commit()
        by_channel = Counter()
        for unit, channel, _month, required, proven, *_rest in pairs:
            if unit is not None:
                by_channel[(channel, "required")] += required
                by_channel[(channel, "delivered")] += proven
        radio_seconds = sum(row[3] for row in records if row[1] == "radio")
        return {
            "coverage": {
                c: round(
                    100 * by_channel[(c, "delivered")] / by_channel[(c, "required")], 2
                )
                if by_channel[(c, "required")]
                else None
                for c in CHANNELS
            },
            "essential_items": items,
            "emergencies": emergencies,
            "radio_hours": round(radio_seconds / 3600, 2),
            "children": len({row[0] for row in pairs if row[0] is not None}),
            "months": len({row[0] for row in records}),
            "gaps": worst[0][6] if worst else 0,
        }

    def size(self):
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            (found,) = cur.fetchone()
            cur.execute(
                "SELECT relname, pg_total_relation_size(oid) FROM pg_class "
                "WHERE relname IN ('records', 'pairs', 'obligations', 'obligation_areas')"
            )
            self.tables = dict(cur.fetchall())
        self.conn.commit()
        return found

    def state(self):
        """What new single deliveries must avoid repeating (``--remeasure``): the time of
        the last record, and the required pairs still without a proof, as
        ``{(item, unit, channel)}``."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT max(at) FROM records")
            (last,) = cur.fetchone()
            cur.execute("SELECT item, unit, channel FROM pairs WHERE proof_at IS NULL")
            missing = set(cur.fetchall())
        self.conn.commit()
        return last, missing

    def stop(self):
        if getattr(self, "conn", None) is not None:
            self.conn.close()
        self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "fast", "stop")


# --- the run ---------------------------------------------------------------------------------


def province_lineage():
    """``(code, parent, title)`` of the province and its communes, and the communes' codes."""
    from nguon.units.official import provinces

    province = provinces()[PROVINCE]
    rows = [(province.code, "", province.title)] + [
        (child.code, province.code, child.title) for child in province.children
    ]
    return rows, tuple(child.code for child in province.children), province.title


def run(args):
    from nguon.units.official import CENTRAL

    folder = Path(args.db).resolve() / f"records-{args.records}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = folder / "results.json"
    lineage, communes, title = province_lineage()
    workload = Workload(
        args.records, communes, args.essential, (CENTRAL.code, PROVINCE)
    )
    plan = workload.plan()
    gaps = workload.gaps()
    results = {
        "args": vars(args),
        "province": title,
        "communes": len(communes),
        "devices": len(DEVICES),
        "rate": workload.rate,
        "gap_pairs": len(gaps),
        "started": datetime.now().isoformat(timespec="seconds"),
        "load": [os.getloadavg()[0]],
        "code": code_version()["commit"],
        "checkpoints": [],
    }
    say(
        f"{len(communes)} communes × {len(DEVICES)} devices × {workload.rate:.1f} "
        f"deliveries a day × {DAYS} days ≈ {args.records:,} records; "
        f"{args.essential} essential items, {len(gaps)} pairs never proven"
    )
    zodb = Zodb(folder / "zodb")
    pg = Postgres(folder / "pg")
    try:
        started = time.perf_counter()
        uids = zodb.build(workload, plan)
        results["zodb_build_s"] = time.perf_counter() - started
        pg.create()
        pg.prepare()
        results["pg_version"] = pg.version
        started = time.perf_counter()
        pg.build(lineage)
        results["pg_build_s"] = time.perf_counter() - started
        stops = {max(1, round(DAYS * share)) for share in args.checkpoints}
        spent = {"zodb": 0.0, "pg": 0.0}
        total = 0
        for day in range(DAYS):
            published = [each for each in plan if each.day == day]
            zodb.publish(published)
            pg.publish(workload, published, uids)
            batch = deliveries(workload, plan, uids, gaps, day)
            total += len(batch)
            for name, store in (("zodb", zodb), ("pg", pg)):
                moment = time.perf_counter()
                store.ingest(batch)
                spent[name] += time.perf_counter() - moment
            if (day + 1) % 5 == 0:
                say(
                    f"day {day + 1}/{DAYS}: {total:,} records; ZODB "
                    f"{total / spent['zodb']:,.0f}/s, PostgreSQL "
                    f"{total / spent['pg']:,.0f}/s"
                )
            if day + 1 in stops:
                point = {"day": day + 1, "records": total, "ingest_s": dict(spent)}
                results["checkpoints"].append(point)
                measure(workload, plan, uids, gaps, zodb, pg, args, day, point)
                results["load"].append(os.getloadavg()[0])
                out.write_text(json.dumps(results, indent=1, default=str))
        if args.pack:
            say("packing the FileStorage")
            started = time.perf_counter()
            zodb.pack()
            results["zodb_pack_s"] = time.perf_counter() - started
            results["zodb_packed_bytes"] = zodb.size()
    finally:
        zodb.close()
        pg.stop()
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    out.write_text(json.dumps(results, indent=1, default=str))
    report(results, args.no_doc)


# The passes of single deliveries of a remeasure: the first right after opening the stores
# (nothing of them in the ZODB's cache), the second after it, as at a checkpoint of the full
# run (the day's ingest had just gone through the cache).
PASSES = ("cold", "warm")


def remeasure(args):
    """Measure again, with the code of this checkout, on the stores a full run kept in
    ``<db>/records-<records>``: nothing is ingested; new single deliveries (after the last
    record; the first proofs of pairs still without one) in each of ``PASSES``, then the
    province page, as at a checkpoint. ``results.json`` gets them under ``remeasures``."""
    from nguon.units.official import CENTRAL

    folder = Path(args.db).resolve() / f"records-{args.records}"
    out = folder / "results.json"
    results = json.loads(out.read_text())
    full = results["args"]
    _lineage, communes, _title = province_lineage()
    workload = Workload(
        full["records"], communes, full["essential"], (CENTRAL.code, PROVINCE)
    )
    plan, gaps = workload.plan(), workload.gaps()
    day = results["checkpoints"][-1]["day"] - 1
    code = code_version()
    point = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "code": code["commit"]
        + (
            f" plus uncommitted changes to {code['changed']}" if code["changed"] else ""
        ),
        "args": {
            "samples": args.samples,
            "warmup": args.warmup,
            "singles": args.singles,
        },
        "load": [os.getloadavg()[0]],
    }
    say(f"remeasuring {folder} with code {point['code']}")
    zodb = Zodb(folder / "zodb")
    pg = Postgres(folder / "pg")
    uids = zodb.open(plan)
    point["rewritten_obligations"] = rewrite_obligations(zodb.site)
    point["zodb_bytes"] = zodb.size()
    try:
        pg.start()
        pg.prepare()
        point["passes"] = {}
        for draw, name in enumerate(PASSES, start=1):
            last, missing = pg.state()
            proven = {
                (item, c, channel)
                for item, c, channel in gaps
                if (uids[item], communes[c], channel) not in missing
            }
            chosen = single_deliveries(
                workload,
                plan,
                uids,
                gaps,
                day,
                args.singles,
                start=last + timedelta(minutes=1),
                proven=proven,
                draw=draw,
            )
            found = point["passes"][name] = {}
            found["first_proofs"] = first_proofs(chosen, missing, pg.channels)
            time_singles(zodb, pg, chosen, found)
            point["load"].append(os.getloadavg()[0])
        time_page(workload, zodb, pg, args, point)
        point["load"].append(os.getloadavg()[0])
    finally:
        zodb.close()
        pg.stop()
    point["finished"] = datetime.now().isoformat(timespec="seconds")
    results.setdefault("remeasures", []).append(point)
    out.write_text(json.dumps(results, indent=1, default=str))
    report(results, args.no_doc)


def rewrite_obligations(site):
    """Store again, in the current shape, the obligations a full run stored the earlier way
    (what an upgrade would do: ``Obligation.__setstate__`` reads the old shape), so that
    the remeasure times the current code on current data; returns how many."""
    from nguon.ledger.store import ledger

    import transaction

    rewritten = 0
    for obligation in ledger(site).obligations.values():
        if obligation.detail._p_oid is None:  # made on load from the old shape
            obligation._p_changed = True
            rewritten += 1
    if rewritten:
        transaction.commit()
        say(f"{rewritten} obligations stored in the current shape")
    return rewritten


def first_proofs(chosen, missing, channels):
    """For each delivery of ``chosen``: whether it is the first proof of its pair."""
    missing = set(missing)
    found = []
    for kind_name, item, unit, _device, _at, _detail in chosen:
        pair = (item, unit, channels[kind_name])
        found.append(pair in missing)
        missing.discard(pair)
    return found


def report(results, no_doc=False):
    generated = section(results)
    print(generated)
    if not no_doc:
        records = results["checkpoints"][-1]["records"]
        replace_section(
            SECTION.format(records=records), SECTION_PREFIX, BEGIN, END, generated
        )
        say("written to docs/benchmarks.md")


def measure(workload, plan, uids, gaps, zodb, pg, args, day, point):
    """At a checkpoint: sizes, single deliveries, then the province page."""
    say(f"checkpoint at day {day + 1}: {point['records']:,} records")
    pg.analyze()
    point["zodb_bytes"], point["pg_bytes"] = zodb.size(), pg.size()
    point["pg_tables"] = pg.tables
    chosen = single_deliveries(workload, plan, uids, gaps, day, args.singles)
    time_singles(zodb, pg, chosen, point)
    point["zodb_bytes_each"] = (zodb.size() - point["zodb_bytes"]) / len(chosen)
    point["pg_bytes_each"] = (pg.size() - point["pg_bytes"]) / len(chosen)
    time_page(workload, zodb, pg, args, point)


def time_singles(zodb, pg, chosen, point):
    """Each delivery of ``chosen`` recorded in its own transaction, alternating between the
    stores: ``point["singles"]`` gets (call, commit) seconds per store."""
    times = {"zodb": [], "pg": []}
    for delivery in chosen:  # alternating between the stores
        times["zodb"].append(zodb.single(delivery))
        times["pg"].append(pg.single(delivery))
    point["singles"] = times
    say(
        "single deliveries p50: ZODB "
        f"{stats([a + b for a, b in times['zodb']])['p50']:.2f} ms, PostgreSQL "
        f"{stats([a + b for a, b in times['pg']])['p50']:.2f} ms"
    )


def time_page(workload, zodb, pg, args, point):
    """The province page, ``args.warmup`` then ``args.samples`` times, alternating between
    the stores; ``point`` gets the seconds and the figures each store found."""
    pages = {"zodb": [], "pg": []}
    found = {}
    for number in range(args.samples + args.warmup):
        for name, compute in (("zodb", zodb.page), ("pg", lambda: pg.page(workload))):
            started = time.perf_counter()
            found[name] = compute()
            seconds = time.perf_counter() - started
            if number == 0:
                point[f"{name}_page_first_s"] = seconds
            if number >= args.warmup:
                pages[name].append(seconds)
    point["pages"] = pages
    point["page_figures"] = found
    say(
        f"province page p50: ZODB {stats(pages['zodb'])['p50']:.0f} ms, PostgreSQL "
        f"{stats(pages['pg'])['p50']:.0f} ms; {found}"
    )


# --- the section of docs/benchmarks.md -------------------------------------------------------


def gib(size):
    return f"{size / 2**30:.2f} GiB" if size >= 2**30 else f"{size / 2**20:.0f} MiB"


def section(results):
    host = machine()
    args = results["args"]
    last = results["checkpoints"][-1]
    n = last["records"]
    figures = last["page_figures"]
    complete = last["day"] == DAYS
    z_page, p_page = stats(last["pages"]["zodb"]), stats(last["pages"]["pg"])
    zs, ps = last["singles"]["zodb"], last["singles"]["pg"]
    z_all, p_all = stats([a + b for a, b in zs]), stats([a + b for a, b in ps])
    z_call, p_call = stats([a for a, _b in zs]), stats([a for a, _b in ps])
    spent = last["ingest_s"]
    pg_version = results["pg_version"]
    lines = [
        BEGIN,
        f"Full run {results['started'][:16].replace('T', ' ')} on {host['cpu']}, "
        f"{host['nproc']} cores, {host['ram_gib']} GiB RAM (shared with other work; load "
        f"average {min(results['load']):.2f} to {max(results['load']):.2f} over the run); "
        f"Python {host['python']}, Plone {host['plone']}, ZODB {host['zodb']} "
        f"FileStorage, PostgreSQL {pg_version // 10000}.{pg_version % 10000} "
        f"(Debian package, shared_buffers 2GB, work_mem 64MB, fsync and synchronous "
        f"commit on); measured with code {results['code']}.",
        "",
        "```sh",
        f"nice .venv/bin/python tests/bench/bench_ledger.py --records {args['records']} "
        f"--essential {args['essential']} --samples {args['samples']} "
        f"--warmup {args['warmup']} --singles {args['singles']} --checkpoints "
        + ",".join(f"{share:g}" for share in args["checkpoints"]),
        "```",
        "",
        f"Workload: one year of {results['province']} at a generous rate: "
        f"{results['communes']} communes × {results['devices']} devices (a feed "
        f"subscriber, a radio station, two boards) × {results['rate']:.1f} deliveries per "
        f"device per day × {DAYS} days ≈ {args['records']:,} records (as-run, proof of "
        "play, push acknowledgements, and the refusals of one radio gap in three). "
        f"{args['essential']:,} essential items (one in {EMERGENCY_EVERY} an emergency) "
        "target the whole province on web, radio and board: "
        f"{args['essential'] * results['communes'] * len(CHANNELS):,} required pairs, "
        f"{results['gap_pairs']:,} of them never proven; {ORDINARY_PER_DAY} ordinary "
        f"items a day besides. Each device delivers the items of the last {ACTIVE_DAYS} "
        "days over and over. The same records go into both stores, day by day, one "
        "transaction per store and day.",
        "",
    ]
    if not complete:
        lines += [
            f"**This run stopped after day {last['day']} of {DAYS}: the figures below are "
            f"at {n:,} records, not at {args['records']:,}.**",
            "",
        ]
    lines += [
        f"At {n:,} records (day {last['day']}), the full run with code "
        f"{results['code'].split()[0]}:",
        "",
        "| | ZODB BTrees (nguon.ledger) | PostgreSQL (records table, GROUP BY) |",
        "|---|--:|--:|",
        f"| bulk ingest, records/s (days 1–{last['day']}, one transaction a day) | "
        f"{n / spent['zodb']:,.0f} | {n / spent['pg']:,.0f} |",
        f"| one delivery, recording call alone, p50 / p95 µs | "
        f"{z_call['p50'] * 1000:.0f} / {z_call['p95'] * 1000:.0f} | "
        f"{p_call['p50'] * 1000:.0f} / {p_call['p95'] * 1000:.0f} |",
        f"| one delivery with the commit of its own transaction, p50 / p95 ms | "
        f"{ms(z_all['p50'])} / {ms(z_all['p95'])} | {ms(p_all['p50'])} / "
        f"{ms(p_all['p95'])} |",
        f"| province page for the year, p50 / p95 ms | {ms(z_page['p50'])} / "
        f"{ms(z_page['p95'])} | {ms(p_page['p50'])} / {ms(p_page['p95'])} |",
        f"| province page, first computation at this size, ms | "
        f"{ms(last['zodb_page_first_s'] * 1000)} | "
        f"{ms(last['pg_page_first_s'] * 1000)} |",
        f"| database size | {gib(last['zodb_bytes'])} (FileStorage, never packed) | "
        f"{gib(last['pg_bytes'])} (records {gib(last['pg_tables'].get('records', 0))}) |",
        f"| growth per delivery committed alone | "
        f"{last['zodb_bytes_each'] / 1024:.1f} KiB | "
        f"{last['pg_bytes_each'] / 1024:.1f} KiB |",
        "",
        "As the ledger grows (the full run, measured at each checkpoint):",
        "",
        "| records | ZODB ingest /s | PostgreSQL ingest /s | ZODB call p50 µs | "
        "PostgreSQL call p50 µs | ZODB page p50 / p95 ms | PostgreSQL page p50 / p95 ms "
        "| ZODB size | PostgreSQL size |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for point in results["checkpoints"]:
        zp, pp = stats(point["pages"]["zodb"]), stats(point["pages"]["pg"])
        zc = stats([a for a, _b in point["singles"]["zodb"]])
        pc = stats([a for a, _b in point["singles"]["pg"]])
        lines.append(
            f"| {point['records']:,} | {point['records'] / point['ingest_s']['zodb']:,.0f}"
            f" | {point['records'] / point['ingest_s']['pg']:,.0f} | "
            f"{zc['p50'] * 1000:.0f} | {pc['p50'] * 1000:.0f} | {ms(zp['p50'])} / "
            f"{ms(zp['p95'])} | {ms(pp['p50'])} / {ms(pp['p95'])} | "
            f"{gib(point['zodb_bytes'])} | {gib(point['pg_bytes'])} |"
        )
    if "zodb_packed_bytes" in results:
        lines += [
            "",
            f"Packing the FileStorage afterwards took {results['zodb_pack_s'] / 60:.1f} "
            f"min and left {gib(results['zodb_packed_bytes'])}.",
        ]
    if results.get("remeasures"):
        lines += remeasured(results, results["remeasures"][-1])
    lines += [
        "",
        f"Single deliveries: {args['singles']} at each checkpoint, alternating between "
        "the stores, after the day's last (from 21:30), one in four the first proof of a "
        "pair that had none; the recording call is `nguon.ledger.record.record` on one "
        "side and one prepared `INSERT … ON CONFLICT DO NOTHING` with the pair's "
        "`UPDATE` in the same statement on the other; then the commit of its own "
        "transaction (FileStorage and PostgreSQL both fsync). The request that proves a "
        "delivery commits anyway (the device's last-seen time), so what recording adds "
        "to it is the call and its share of that commit. A remeasure records new ones, "
        "after the last record the stores hold, the first proofs among pairs still "
        "without one; a first proof is one whose pair had no proof before it.",
        "",
        f"Province page: {args['samples']} samples after {args['warmup']} warm-up ones at "
        "each checkpoint of the full run, alternating; ZODB: "
        "`nguon.statistics.summary.gather` for the year (every registered indicator, the "
        "coverage of each commune, the twelve months, the gaps ranked and the worst 50 "
        "described); PostgreSQL: the same figures from five queries (required pairs "
        "grouped by commune and channel and by month, records grouped by month and "
        "channel, the items delivered everywhere, the gaps ranked, their missing pairs)."
        " At the last checkpoint the figures "
        f"{agree(figures)}: ZODB {figure_line(figures['zodb'])}; PostgreSQL "
        f"{figure_line(figures['pg'])}.",
        END,
    ]
    return "\n".join(lines) + "\n"


def remeasured(results, point):
    """The lines of the section on the last ``--remeasure``: what, when, its figures."""
    args = point["args"]
    z_page, p_page = stats(point["pages"]["zodb"]), stats(point["pages"]["pg"])
    figures = point["page_figures"]
    titles = {
        "cold": f"the first {args['singles']} after opening the stores (ZODB cache cold)",
        "warm": f"the next {args['singles']} (ZODB cache warm, as in the full run)",
    }
    rows = []
    for name in PASSES:
        rows += singles_rows(titles[name], point["passes"][name])
    return [
        "",
        f"**Measured again** {point['started'][:16].replace('T', ' ')} with code "
        f"{point['code']}, on the stores the full run kept (nothing ingested again; the "
        f"FileStorage was {gib(point['zodb_bytes'])} when opened, the full run left "
        f"{gib(results['checkpoints'][-1]['zodb_bytes'])}), the same machine, load "
        f"average {min(point['load']):.2f} to {max(point['load']):.2f} over the "
        "remeasure. For recording and the page these figures replace the full run's "
        "(the warm pass is the one to set beside its single deliveries); ingest and "
        "sizes above are the full run's:",
        "",
        "```sh",
        f"nice .venv/bin/python tests/bench/bench_ledger.py --records "
        f"{results['args']['records']} --remeasure --samples {args['samples']} "
        f"--warmup {args['warmup']} --singles {args['singles']}",
        "```",
        "",
        "| | ZODB BTrees (nguon.ledger) | PostgreSQL (records table, GROUP BY) |",
        "|---|--:|--:|",
        *rows,
        f"| province page for the year, p50 / p95 ms ({args['samples']} samples after "
        f"{args['warmup']} warm-up, alternating) | {ms(z_page['p50'])} / "
        f"{ms(z_page['p95'])} | {ms(p_page['p50'])} / {ms(p_page['p95'])} |",
        "| province page, first computation after opening the stores (after the single "
        "deliveries), ms | "
        f"{ms(point['zodb_page_first_s'] * 1000)} | "
        f"{ms(point['pg_page_first_s'] * 1000)} |",
        "",
        f"The page's figures {agree(figures)} (they include the single deliveries "
        f"recorded since the full run): ZODB {figure_line(figures['zodb'])}; "
        f"PostgreSQL {figure_line(figures['pg'])}.",
    ]


def singles_rows(title, found):
    """Rows of the remeasure's table for one pass of single deliveries: the recording call
    of all, of the repeated deliveries, of the first proofs; then with the commit."""
    first = found["first_proofs"]

    def calls(name, keep):
        chosen = [
            call
            for (call, _commit), is_first in zip(
                found["singles"][name], first, strict=True
            )
            if keep(is_first)
        ]
        if len(chosen) < 2:  # a small workload may have no pair left to prove
            return "–"
        figures = stats(chosen)
        return f"{figures['p50'] * 1000:.0f} / {figures['p95'] * 1000:.0f}"

    def committed(name):
        figures = stats([a + b for a, b in found["singles"][name]])
        return f"{ms(figures['p50'])} / {ms(figures['p95'])}"

    firsts = sum(first)
    return [
        f"| single deliveries, {title}: recording call alone, p50 / p95 µs, all | "
        f"{calls('zodb', lambda _f: True)} | {calls('pg', lambda _f: True)} |",
        f"| … repeated deliveries ({len(first) - firsts}) | "
        f"{calls('zodb', lambda f: not f)} | {calls('pg', lambda f: not f)} |",
        f"| … first proofs of a pair ({firsts}) | {calls('zodb', lambda f: f)} | "
        f"{calls('pg', lambda f: f)} |",
        f"| … with the commit of its own transaction, p50 / p95 ms | "
        f"{committed('zodb')} | {committed('pg')} |",
    ]


def agree(figures):
    same = figure_line(figures["zodb"]) == figure_line(figures["pg"])
    return "agree" if same else "DO NOT agree"


def figure_line(found):
    coverage = ", ".join(f"{c} {v}%" for c, v in found["coverage"].items())
    return (
        f"coverage {coverage}, {found['essential_items']} essential items "
        f"({found['emergencies']} emergencies), {found['radio_hours']} radio hours, "
        f"{found['children']} communes, {found['gaps']} items with gaps"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--essential", type=int, default=3000)
    parser.add_argument("--samples", type=int, default=20, help="page samples")
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument(
        "--singles", type=int, default=200, help="single deliveries per checkpoint"
    )
    parser.add_argument(
        "--checkpoints",
        type=lambda text: [float(share) for share in text.split(",")],
        default=[0.1, 0.5, 1.0],
        help="shares of the year after which to measure",
    )
    parser.add_argument("--pack", action="store_true", help="pack the FileStorage")
    parser.add_argument("--no-doc", action="store_true", help="print only")
    parser.add_argument(
        "--report", help="write the section from a results.json (of a stopped run)"
    )
    parser.add_argument(
        "--remeasure",
        action="store_true",
        help="measure again on the stores a full run of --records kept, ingesting nothing",
    )
    parser.add_argument("--db", default=str(REPO / "var" / "bench" / "ledger"))
    args = parser.parse_args(argv)
    if args.report:
        report(json.loads(Path(args.report).read_text()), args.no_doc)
    elif args.remeasure:
        remeasure(args)
    else:
        run(args)


if __name__ == "__main__":
    sys.exit(main())
