"""The four fault runs of issue 18, as functions of a running cluster (``nguon.cluster``'s
``Cluster``): the fault tests (tests/cluster/test_faults.py) assert on what they return, the
cluster benchmark (tests/bench/bench_cluster.py) reports it.

Each run starts the mixed load (tests/cluster/load.py), does the fault, lets the load go on,
stops it, puts the cluster back as it was (the instance or node started again) and counts the
deliveries of the items the editor published during the run at a commune's push receiver and
in Solr (tests/cluster/fault_counters.py). It prints its figures line
(``FAULT <name>: sent …, failed …, lost …, doubled …``).
"""

from dataclasses import dataclass
from dataclasses import field
from nguon.demo.users import demo_password
from nguon.outbox.lease import term
from tests.cluster import fault_counters
from tests.cluster import load as mixed
from urllib.parse import urlsplit

import psutil
import requests
import threading
import time


# Statuses a client may get while the database restarts: the balancer's or the site's 503
# (a clear "try again"), never a 500 or no answer at all.
DB_DOWN = (503,)
# No request may hang longer: the load's client gives up at this (status 0).
TIMEOUT = 30
# Seconds for every published item to reach the consumers after a run.
DELIVERY_WAIT = 60
# Seconds a pusher waits for the commune's answer (nguon.syndication.pusher.TIMEOUT).
PUSH_TIMEOUT = 10
COMMUNE_ADMIN = "thuanhoa.quantri"  # a demo user, admin of the editor's commune


@dataclass
class Run:
    """What a fault run measured."""

    name: str
    figures: mixed.Figures
    lost: set = field(default_factory=set)  # published, never pushed to the commune
    missing: set = field(default_factory=set)  # published, not in Solr
    doubled: dict = field(default_factory=dict)  # (uid, seq) pushed more than once
    # events whose push may not have been acknowledged to the pusher (in flight when it
    # died, or its cursor's commit failed): sent again, the commune absorbs them by (uid, seq)
    resendable: set = field(default_factory=set)
    facts: dict = field(default_factory=dict)
    line: str = ""

    @property
    def failed_gets(self):
        return [r for r in self.figures.records if r.method == "GET" and not r.ok]

    @property
    def failed_posts(self):
        return [r for r in self.figures.records if r.method == "POST" and not r.ok]

    def summary(self):
        committed, not_committed, unknown = self.figures.posts_failed()
        return {
            "name": self.name,
            "sent": self.figures.sent,
            "seconds": round(self.figures.seconds, 1),
            "failed": sum(self.figures.failed().values()),
            "failed_statuses": {str(k): v for k, v in self.figures.failed().items()},
            "failed_posts": [committed, not_committed, unknown],
            "published": len(self.figures.published),
            "lost": len(self.lost),
            "not_in_solr": len(self.missing),
            "doubled": len(self.doubled),
            "doubled_beyond_resends": len(set(self.doubled) - self.resendable),
            "facts": self.facts,
            "line": self.line,
        }


# --- the shared setting ------------------------------------------------------------------


def site_url(url):
    """The Plone site's URL behind a front URL (``http://host:port`` or its ``/Plone``)."""
    url = url.rstrip("/")
    return url if url.rsplit("/", 1)[-1] == "Plone" else f"{url}/Plone"


def admin_auth(cluster):
    """The Zope root admin of the cluster's site (NGUON_ADMIN_PASSWORD, or "admin")."""
    environ = getattr(cluster, "base_env", None) or {}
    return ("admin", environ.get("NGUON_ADMIN_PASSWORD") or "admin")


class Setting:
    """The load's URLs, and a commune's push receiver subscribed to the editor's unit."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.front = site_url(cluster.url)
        self.balancer = site_url(cluster.balancer_url)
        self.units = {}
        self.tokens = {}
        self.counter = None
        self.pending = []  # threads putting parts back (``later``)
        self.errors = []

    def start(self):
        admin = requests.Session()
        admin.auth = admin_auth(self.cluster)
        admin.headers["Accept"] = "application/json"
        allowed = admin.patch(
            f"{self.balancer}/@registry",
            json={"nguon.syndication.allowed_networks": ["127.0.0.0/8"]},
            timeout=60,
        )
        assert allowed.status_code == 204, allowed.text
        first = mixed.Load(self.front, self.balancer).prepare()
        self.units = first.units
        for user in (
            mixed.EDITOR,
            mixed.APPROVER,
        ):  # log in once: runs start publishing
            first.login(user)
        self.tokens = first.tokens
        self.counter = fault_counters.WebSubCounter().start()
        self.counter.subscribe(
            f"{self.balancer}/{self.units[mixed.EDITOR_UNIT]}",
            (COMMUNE_ADMIN, demo_password()),
        )
        return self

    def later(self, function, *args):
        """Run ``function(*args)`` in a thread (putting back a part of the cluster that
        takes long to start); ``stop`` waits for it and raises what it raised."""

        def run():
            try:
                function(*args)
            except BaseException as error:
                self.errors.append(error)

        thread = threading.Thread(target=run)
        thread.start()
        self.pending.append(thread)

    def stop(self):
        for thread in self.pending:
            thread.join()
        self.pending = []
        if self.counter is not None:
            self.counter.stop()
        if self.errors:
            raise self.errors[0]

    def load(self, **options):
        load = mixed.Load(self.front, self.balancer, timeout=TIMEOUT, **options)
        load.units = self.units
        load.tokens = dict(self.tokens)
        load.mark = self.counter.mark()  # what the receiver had before the run
        return load

    def solr_core(self, skip=()):
        """A live Solr node's collection URL (``…/solr/plone``): one that answers a ping."""
        for number, url in enumerate(self.cluster.solr.node_urls):
            if number in skip:
                continue
            url = url.rstrip("/")
            core = url if url.endswith("/plone") else f"{url}/plone"
            try:
                if requests.get(f"{core}/admin/ping", timeout=5).status_code == 200:
                    return core
            except requests.RequestException:
                pass
        raise AssertionError("no live Solr node")

    def instance_pids(self):
        """{pid of the process listening on an instance's port: instance number}."""
        ports = {
            urlsplit(url).port: n for n, url in enumerate(self.cluster.instance_urls)
        }
        found = {}
        for connection in psutil.net_connections(kind="tcp"):
            if (
                connection.status == psutil.CONN_LISTEN
                and connection.laddr.port in ports
                and connection.pid
            ):
                found[connection.pid] = ports[connection.laddr.port]
        return found

    def count(self, run, load, skip_nodes=()):
        """Wait for every item published in ``run`` at the push receiver and in Solr, then
        print its figures line."""
        uids = [item.uid for item in run.figures.published if item.uid]
        assert len(uids) == len(run.figures.published), "a published item had no UID"
        self.counter.wait_for(uids, DELIVERY_WAIT)
        run.lost, run.doubled = fault_counters.deliveries(uids, self.counter, load.mark)
        if run.doubled:
            run.facts["doubled beyond re-sent unacknowledged pushes"] = len(
                set(run.doubled) - run.resendable
            )
        run.missing = fault_counters.wait_solr(
            self.solr_core(skip_nodes), uids, DELIVERY_WAIT
        )
        run.line = mixed.report(
            run.name,
            run.figures,
            lost=len(run.lost),
            doubled=len(run.doubled),
            extra=", ".join(
                [f"not in Solr {len(run.missing)}"]
                + [f"{k} {v}" for k, v in run.facts.items()]
            ),
        )
        return run


def lease_term(cluster):
    """How long a delivery lease runs in ``cluster`` (``NGUON_LEASE_SECONDS``)."""
    return term(cluster.base_env)


def wait_serving(url, timeout=120):
    """Wait until ``url`` answers 200 to a REST client (the cluster recovered); returns
    the seconds waited."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            answer = requests.get(
                url, headers={"Accept": "application/json"}, timeout=10
            )
            if answer.status_code == 200:
                return time.monotonic() - started
        except requests.RequestException:
            pass
        time.sleep(0.25)
    raise AssertionError(f"{url} did not recover within {timeout} s")


def warm(load, before, timeout=60):
    """Let the load run ``before`` seconds, and at least until the editor published once."""
    time.sleep(before)
    deadline = time.monotonic() + timeout
    while not load.figures().published and time.monotonic() < deadline:
        time.sleep(0.2)


# --- the faults --------------------------------------------------------------------------


def restarting(cluster, victim):
    """Start instance ``victim`` again in a thread (it takes a while: the deliveries are
    counted meanwhile); ``join()`` the thread returned."""
    thread = threading.Thread(target=cluster.start_instance, args=(victim,))
    thread.start()
    return thread


def kill_instance(setting, victim=0, before=3, after=8):
    """SIGKILL one Plone instance under load, then start it again."""
    cluster = setting.cluster
    pid = {n: p for p, n in setting.instance_pids().items()}.get(victim)
    load = setting.load().start()
    warm(load, before)
    killed_wall = time.time()
    cluster.kill_instance(victim)
    killed_at = time.monotonic()
    time.sleep(after)
    figures = load.stop()
    restarted = time.monotonic()
    restart = restarting(cluster, victim)
    run = Run("kill one Plone instance", figures)
    # If the killed instance was pushing, its push in flight may be sent again.
    run.resendable = setting.counter.events_between(
        killed_wall - PUSH_TIMEOUT, killed_wall, pid
    )
    run.facts = {
        "answered after the kill": sum(
            1 for r in figures.records if r.started >= killed_at and r.ok
        ),
        "failed GETs": len(run.failed_gets),
        "failed POSTs": len(run.failed_posts),
    }
    try:
        setting.count(run, load)
    finally:
        restart.join()
    run.facts["instance back in s"] = round(time.monotonic() - restarted, 1)
    return run


def kill_solr_node(setting, victim=0, before=3, after=8):
    """Kill one SolrCloud node under load (searches and indexing go on), then start it."""
    cluster = setting.cluster
    load = setting.load().start()
    warm(load, before)
    waited = cluster.solr.kill_node(victim)
    time.sleep(after)
    figures = load.stop()
    run = Run("kill one Solr node", figures)
    searches = [r for r in figures.records if r.kind == "search"]
    run.facts = {
        "searches": len(searches),
        "failed searches": sum(1 for r in searches if not r.ok),
    }
    if isinstance(waited, (int, float)):
        run.facts["node dropped, leader again after s"] = round(waited, 1)
    try:
        setting.count(run, load, skip_nodes=(victim,))
    finally:
        # A node takes the better part of a minute to start: the next runs go on meanwhile
        # (they do not need it: the other two serve), ``Setting.stop`` waits for it.
        setting.later(cluster.solr.start_node, victim)
    return run


def restart_postgres(setting, before=3, down=3, after=5, settle=2):
    """Stop PostgreSQL under load, start it again ``down`` seconds later; nothing is
    restarted on the Plone side."""
    cluster = setting.cluster
    load = setting.load().start()
    warm(load, before)
    published_before = len(load.figures().published)
    restart_at, restart_wall = time.monotonic(), time.time()
    if hasattr(cluster, "postgres_stop"):  # down for ``down`` seconds, then up again
        cluster.postgres_stop()
        time.sleep(down)
        cluster.postgres_start()
    else:
        cluster.postgres_restart()
    restarted_at = time.monotonic()
    recovery = wait_serving(f"{setting.balancer}/@search?portal_type=Bulletin")
    recovered_at, recovered_wall = time.monotonic(), time.time()
    time.sleep(after)  # the load goes on against the recovered cluster
    figures = load.stop()
    run = Run("restart PostgreSQL", figures)
    run.during = load.figures(restart_at, recovered_at)
    # The first seconds after the first success: pooled connections that still point at
    # the old server reconnect at their next use (a 503 each at most), then nothing fails.
    run.settling = load.figures(recovered_at, recovered_at + settle)
    run.after = load.figures(recovered_at + settle)
    # A push acknowledged while the database was down could not move its cursor: it is
    # sent again once the database is back.
    run.resendable = setting.counter.events_between(
        restart_wall - PUSH_TIMEOUT, recovered_wall
    )
    # Nothing committed is lost: every item published (before the restart too) is there.
    anonymous = requests.Session()
    anonymous.headers["Accept"] = "application/json"
    run.gone = [
        item.path
        for item in figures.published
        if anonymous.get(f"{setting.balancer}/{item.path}", timeout=30).status_code
        != 200
    ]
    run.published_before = published_before
    run.facts = {
        "database down for s": round(restarted_at - restart_at, 1),
        "served again after s": round(recovery, 1),
        "during it": f"{run.during.sent} requests {run.during.statuses()}",
        f"in the {settle} s after the first success": run.settling.statuses(),
        "failed after it": run.after.failed(),
        "published before it": published_before,
        "published items gone": len(run.gone),
        "slowest answer s": round(figures.slowest(), 1),
    }
    return setting.count(run, load)


def kill_lease_holder(setting, hold=4.0):
    """Kill the instance that holds the pusher's lease while the commune has its push and
    has not answered yet; another instance must take the lease over and push again."""
    cluster = setting.cluster
    counter = setting.counter
    pids = setting.instance_pids()
    load = setting.load().start()
    counter.delay = hold  # the next pushes are answered late
    watched_from = time.time()
    deadline = time.monotonic() + 60
    holder = None
    while time.monotonic() < deadline and holder is None:
        for pid in counter.senders(watched_from):
            holder = fault_counters.process_of(pid, pids)
            if holder is not None:
                break
        time.sleep(0.05)
    if holder is None:
        counter.delay = 0.0
        load.stop()
        raise AssertionError(f"no push from an instance {pids} within 60 s")
    victim = pids[holder]
    cluster.kill_instance(victim)
    killed_at = time.time()
    counter.delay = 0.0
    in_flight = counter.events_between(watched_from, killed_at, holder)
    # Another instance takes the lease over once its term has run out, and pushes.
    deadline = time.monotonic() + lease_term(cluster) + 30
    others = set()
    while time.monotonic() < deadline and not others:
        others = {
            fault_counters.process_of(pid, pids) for pid in counter.senders(killed_at)
        } - {None, holder}
        time.sleep(0.2)
    took_over = time.time() - killed_at
    time.sleep(2)
    figures = load.stop()
    restart = restarting(cluster, victim)
    run = Run("kill the outbox lease holder", figures)
    run.holder, run.in_flight, run.resendable = holder, in_flight, in_flight
    run.senders_after = {
        fault_counters.process_of(pid, pids) for pid in counter.senders(killed_at)
    } - {None}
    run.facts = {
        "killed instance": victim,
        "pushing after": sorted(pids.get(p, p) for p in run.senders_after),
        "another pushed after s": round(took_over, 1),
        "in-flight events": len(in_flight),
    }
    try:
        setting.count(run, load)
        run.facts["re-sent in-flight events"] = len(set(run.doubled) & in_flight)
    finally:
        restart.join()
    return run


RUNS = (kill_instance, kill_solr_node, restart_postgres, kill_lease_holder)
