"""The production cluster on one machine: what ``nguon-cluster start`` runs and the tests'
harness. API (for the CLI, the tests and the fault tests)::

    from nguon.cluster.stack import Cluster, Ports

    with Cluster(var, instances=2, ports=Ports.free(2)) as cluster:   # start() ... stop()
        cluster.url              # the site through Varnish     http://127.0.0.1:P/Plone
        cluster.balancer_url     # the site through HAProxy     http://127.0.0.1:P/Plone
        cluster.instance_urls    # the site on each instance    [http://127.0.0.1:P/Plone, …]
        cluster.kill_instance(0)     # SIGKILL instance 0 (a crash); the watch leaves it dead
        cluster.start_instance(0)    # start it again, returns when it answers /ok
        cluster.postgres_stop()      # PostgreSQL down (mode "fast" or "immediate")
        cluster.postgres_start()     # and up again; postgres_restart() does both
        cluster.solr                 # the SolrCloud object: kill_node(i), start_node(i), …
        cluster.haproxy_states()     # {"i1": "UP", "i2": "DOWN", "s1": …} from the admin socket
        cluster.haproxy_command("disable server plone/i1")
        cluster.postgres.dsn()       # the libpq DSN of the site's database
        cluster.folder               # var/cluster; log/haproxy.log has one line per request
                                     # (httplog: server, timers, retries), log/instance<i>.log
    # leaving the block stops everything, in reverse order of start

``watch()`` (nguon-cluster start) restarts what died without being stopped or killed on
purpose; the tests do not run it, so a killed instance stays dead until ``start_instance``.

What runs (``var/cluster/`` holds every file, re-rendered at every start from ``deploy/``):
PostgreSQL 15 (``postgresql/``, initdb once, the ``nguon`` database, RelStorage history-free
with its blobs in the database), SolrCloud (``nguon.cluster.solrcloud``: 3 nodes and
ZooKeeper; one bundled node when that module is absent), Mosquitto (``mosquitto/``), HAProxy
(``haproxy.cfg``: the Plone instances, health-checked on ``/ok``, and the Solr nodes, checked
on ``/solr/plone/admin/ping``; every instance's SOLR_URL is HAProxy's Solr frontend), N Plone
instances (``instance<i>/``: zope.conf with the RelStorage section, wsgi.ini, a local blob
cache, logs) and Varnish (``nguon.vcl`` from ``deploy/varnish/nguon.vcl``) in front of
HAProxy. The site (with the demo data unless NGUON_DEMO=0) is created once, on the first
start, by ``python -m nguon.instance.site``, before the instances start.
"""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from nguon.cluster.postgres import Postgres
from nguon.cluster.processes import Child
from nguon.cluster.processes import status_of
from nguon.cluster.processes import wait_for
from nguon.instance import preflight
from nguon.instance.files import write_instance
from nguon.instance.mosquitto import broker_of
from nguon.instance.settings import ConfigurationError
from nguon.instance.settings import from_environment
from nguon.instance.solr import ping
from nguon.instance.solr import repository_root
from nguon.messaging.settings import CREDENTIALS
from pathlib import Path
from string import Template

import json
import os
import shutil
import socket
import subprocess
import sys
import time


HOST = "127.0.0.1"
HEALTH_PATH = (
    "/ok"  # Products.CMFPlone's @@ok on the Zope root: no catalog, never cached
)


def deploy_dir():
    """The deployable configuration files (a source checkout's ``deploy/``)."""
    return repository_root() / "deploy"


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass
class Ports:
    varnish: int = 8080
    haproxy: int = 8081
    instances: list = field(default_factory=lambda: [8091, 8092])
    postgres: int = 55432
    solr: int = 8983  # HAProxy's Solr frontend: the SOLR_URL of every instance
    solr_nodes: list = field(default_factory=lambda: [8984, 8985, 8986])
    zookeeper: int = 9983
    mqtt: int = 1884
    mqtt_ws: int = 9001

    @classmethod
    def default(cls, instances=2, varnish=8080):
        return cls(
            varnish=varnish,
            instances=[8091 + i for i in range(instances)],
        )

    @classmethod
    def free(cls, instances=2, solr_nodes=3):
        """Ports nothing listens on now (tests)."""
        return cls(
            varnish=free_port(),
            haproxy=free_port(),
            instances=[free_port() for _ in range(instances)],
            postgres=free_port(),
            solr=free_port(),
            solr_nodes=[free_port() for _ in range(solr_nodes)],
            zookeeper=free_port(),
            mqtt=free_port(),
            mqtt_ws=free_port(),
        )

    def all(self):
        return [
            ("varnish", self.varnish),
            ("haproxy", self.haproxy),
            *((f"instance{i + 1}", p) for i, p in enumerate(self.instances)),
            ("postgresql", self.postgres),
            ("solr", self.solr),
            *((f"solr{i + 1}", p) for i, p in enumerate(self.solr_nodes)),
            ("zookeeper", self.zookeeper),
            ("mqtt", self.mqtt),
            ("mqtt-ws", self.mqtt_ws),
        ]


def render(template, target, **values):
    """``template`` (a file of deploy/) with its $names replaced, written to ``target``."""
    text = Template(Path(template).read_text(encoding="utf-8")).substitute(values)
    Path(target).write_text(text, encoding="utf-8")
    return Path(target)


def say(message):
    print(f"nguon: {message}", flush=True)


def _solrcloud_class():
    try:
        from nguon.cluster.solrcloud import SolrCloud
    except ImportError:
        from nguon.cluster.single_solr import SingleSolr as SolrCloud
    return SolrCloud


GUARD_FILTER = """
[filter:database_guard]
use = call:nguon.cluster.wsgi:filter_factory
"""


class Cluster:
    """The cluster of ``var/cluster`` (see the module's docstring)."""

    def __init__(
        self,
        var="var",
        instances=2,
        ports=None,
        vcl=None,
        solr_heap="512m",
        site_id=None,
        env=None,
        log=say,
        startup_timeout=600,
    ):
        self.var = Path(var).resolve()
        self.folder = self.var / "cluster"
        self.ports = ports or Ports.default(instances)
        if len(self.ports.instances) != instances:
            raise ValueError(
                f"{instances} instances but {len(self.ports.instances)} instance ports"
            )
        self.vcl = Path(vcl or deploy_dir() / "varnish" / "nguon.vcl")
        self.solr_heap = solr_heap
        self.base_env = dict(os.environ if env is None else env)
        self.site_id = site_id or self.base_env.get("NGUON_SITE_ID", "Plone")
        self.log = log
        self.startup_timeout = startup_timeout
        self.postgres = Postgres(
            self.folder / "postgresql",
            self.ports.postgres,
            settings_file=deploy_dir() / "postgresql" / "nguon.conf",
        )
        self.solr = None
        self.mosquitto = None
        self.broker = None
        self.haproxy = None
        self.varnish = None
        self.instances = []
        self.created = None

    # -- addresses

    def _site(self, port):
        return f"http://{HOST}:{port}/{self.site_id}"

    @property
    def url(self):
        return self._site(self.ports.varnish)

    @property
    def balancer_url(self):
        return self._site(self.ports.haproxy)

    @property
    def instance_urls(self):
        return [self._site(port) for port in self.ports.instances]

    @property
    def solr_url(self):
        return f"http://{HOST}:{self.ports.solr}/solr/plone"

    @property
    def admin_socket(self):
        return self.folder / "haproxy" / "admin.sock"

    @property
    def state_file(self):
        return self.folder / "cluster.json"

    # -- the whole

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        began = time.monotonic()
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "log").mkdir(exist_ok=True)
        self._end_stale_run()
        for name, port in self.ports.all():
            preflight.check_port_free(HOST, port, f"cổng của {name}")
        self._check_programs()
        self.log(
            f"PostgreSQL tại {HOST}:{self.ports.postgres} ({self.postgres.folder})"
        )
        self.postgres.init()
        self.postgres.start()
        self.postgres.ensure_database()
        self._write_state()
        self.log("khởi động SolrCloud (3 nút và ZooKeeper)…")
        self.solr = _solrcloud_class()(
            self.folder / "solrcloud",
            self.ports.zookeeper,
            list(self.ports.solr_nodes),
            self.solr_heap,
        )
        self.solr.start()
        self.log(f"HAProxy tại {HOST}:{self.ports.haproxy} (Solr: {self.solr_url})")
        self._start_haproxy()
        self._write_state()
        wait_for(
            lambda: ping(self.solr_url, timeout=2),
            120,
            pause=0.5,
            fail=self._fail("Solr không trả lời qua HAProxy", self.haproxy),
        )
        self._start_mosquitto()
        settings = [self._write_instance(i) for i in range(len(self.ports.instances))]
        self.created = self._create_or_open_site()
        self.log(
            ("đã tạo site mới" if self.created else "dùng lại site có sẵn")
            + f" trên PostgreSQL ({self.postgres.dsn()})"
        )
        self.instances = [
            Child(
                f"instance{i + 1}",
                [Path(sys.executable).with_name("runwsgi"), s.wsgi_ini],
                self.folder / "log" / f"instance{i + 1}.log",
                env=self._instance_env(i),
                cwd=self.folder,
            )
            for i, s in enumerate(settings)
        ]
        for child in self.instances:
            child.start()
        # Varnish compiles its VCL while the instances load.
        self.log(f"Varnish tại {HOST}:{self.ports.varnish}")
        self._start_varnish()
        self._write_state()
        with ThreadPoolExecutor(len(self.instances)) as pool:
            list(pool.map(self._wait_instance, range(len(self.instances))))
        wait_for(
            lambda: status_of(self.url, timeout=10) == 200,
            120,
            pause=0.5,
            fail=self._fail("site không trả lời qua Varnish", self.varnish),
        )
        self._write_state()
        self.log(f"cụm sẵn sàng sau {time.monotonic() - began:.0f} giây")
        return self

    def stop(self):
        for child in [self.varnish, self.haproxy, *self.instances]:
            if child:
                child.stop()
        if self.mosquitto:
            self.mosquitto.stop()
        if self.solr:
            self.solr.stop()
        try:
            self.postgres.stop()
        except ConfigurationError as error:
            self.log(str(error))
        self.state_file.unlink(missing_ok=True)

    def watch(self, pause=2.0):
        """Restart what died without being stopped on purpose (as systemd's Restart=);
        runs until interrupted."""
        while True:
            time.sleep(pause)
            for child in (*self.instances, self.haproxy, self.varnish):
                if child and child.wanted and not child.alive():
                    self.log(f"{child.name} đã dừng: khởi động lại")
                    child.start()

    # -- parts the fault tests act on

    def kill_instance(self, i):
        self.instances[i].kill()

    def stop_instance(self, i):
        self.instances[i].stop()

    def start_instance(self, i):
        if not self.instances[i].alive():
            self.instances[i].start()
        self._wait_instance(i)

    def postgres_stop(self, mode="fast"):
        self.postgres.stop(mode)

    def postgres_start(self):
        self.postgres.start()

    def postgres_restart(self, mode="fast"):
        self.postgres.restart(mode)

    def haproxy_command(self, command):
        """One command on HAProxy's admin socket; returns its answer."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(5)
            conn.connect(str(self.admin_socket))
            conn.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := conn.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def haproxy_states(self):
        """{server name: "UP" | "DOWN" | "MAINT" | …} for the Plone and Solr servers."""
        states = {}
        for line in self.haproxy_command("show stat").splitlines():
            fields = line.split(",")
            if len(fields) > 17 and fields[1] not in ("FRONTEND", "BACKEND", "svname"):
                states[fields[1]] = fields[17]
        return states

    # -- the pieces

    def _check_programs(self):
        for program in ("haproxy", "varnishd"):
            if not shutil.which(
                program, path=f"{os.environ.get('PATH', '')}:/usr/sbin"
            ):
                raise ConfigurationError(
                    f"không có {program} trên máy này: chạy scripts/system-packages.sh"
                )
        if not self.vcl.exists():
            raise ConfigurationError(f"không thấy cấu hình Varnish {self.vcl}")

    def _fail(self, what, child=None):
        def fail():
            detail = f": {child.tail(3)}" if child else ""
            raise ConfigurationError(f"{what}{detail}")

        return fail

    def _start_haproxy(self):
        self.admin_socket.parent.mkdir(exist_ok=True)
        servers = "\n".join(
            f"    server i{i + 1} {HOST}:{port} check"
            for i, port in enumerate(self.ports.instances)
        )
        solr_servers = "\n".join(
            f"    server s{i + 1} {HOST}:{port} check"
            for i, port in enumerate(self.ports.solr_nodes[: len(self.solr.node_urls)])
        )
        config = render(
            deploy_dir() / "haproxy" / "nguon.cfg",
            self.folder / "haproxy.cfg",
            admin_socket=self.admin_socket,
            plone_bind=f"{HOST}:{self.ports.haproxy}",
            plone_servers=servers,
            solr_bind=f"{HOST}:{self.ports.solr}",
            solr_servers=solr_servers,
            errorfile_503=deploy_dir() / "haproxy" / "503.http",
            health_path=HEALTH_PATH,
        )
        self.haproxy = Child(
            "haproxy",
            [_sbin("haproxy"), "-W", "-db", "-f", config],
            self.folder / "log" / "haproxy.log",
        ).start()
        wait_for(
            lambda: self.admin_socket.exists() or not self.haproxy.alive(),
            30,
            pause=0.2,
        )
        if not self.haproxy.alive():
            self._fail("HAProxy dừng khi khởi động", self.haproxy)()

    def _start_varnish(self):
        vcl = self.folder / "nguon.vcl"
        text = Template(self.vcl.read_text(encoding="utf-8")).substitute(
            backend_host=HOST, backend_port=self.ports.haproxy
        )
        vcl.write_text(text, encoding="utf-8")
        workdir = self.folder / "varnish"
        workdir.mkdir(exist_ok=True)
        self.varnish = Child(
            "varnish",
            [
                _sbin("varnishd"),
                "-F",
                "-a",
                f"{HOST}:{self.ports.varnish}",
                "-f",
                vcl,
                "-n",
                workdir,
                "-s",
                "malloc,256m",
            ],
            self.folder / "log" / "varnish.log",
        ).start()

    def _start_mosquitto(self):
        broker_env = {
            **self._without(("NGUON_MQTT_",)),
            "NGUON_MQTT_HOST": HOST,
            "NGUON_MQTT_PORT": str(self.ports.mqtt),
            "NGUON_MQTT_WS_PORT": str(self.ports.mqtt_ws),
            "NGUON_VAR": str(self.folder),
        }
        settings = from_environment(broker_env, cwd=self.folder)
        self.broker, self.mosquitto = broker_of(settings, broker_env)
        if self.mosquitto:
            self.mosquitto.start()
        self.log(f"Mosquitto tại {self.broker.address}")

    def _without(self, prefixes):
        return {
            k: v
            for k, v in self.base_env.items()
            if not any(k.startswith(p) for p in prefixes)
        }

    def _instance_env(self, i):
        home = self.folder / f"instance{i + 1}"
        proxy = f"http://{HOST}:{self.ports.varnish}"
        return {
            **self._without(("NGUON_MQTT_", "SOLR_")),
            "NGUON_HOST": HOST,
            "NGUON_PORT": str(self.ports.instances[i]),
            "NGUON_VAR": str(home),
            "NGUON_INSTANCE_DIR": str(home),
            "NGUON_ZODB_STORAGE": str(home / "storage.conf"),
            "NGUON_SITE_ID": self.site_id,
            "SOLR_URL": self.solr_url,
            "NGUON_SOLR_BUNDLED": "0",
            "NGUON_MQTT_HOST": HOST,
            "NGUON_MQTT_PORT": str(self.ports.mqtt),
            "NGUON_MQTT_WS_PORT": str(self.ports.mqtt_ws),
            CREDENTIALS: str(self.broker.credentials),
            "NGUON_PUBLIC_URL": self.base_env.get("NGUON_PUBLIC_URL", proxy),
            "NGUON_CACHING_PROXIES": self.base_env.get("NGUON_CACHING_PROXIES", proxy),
            "NGUON_OUTBOX_WORKER": self.base_env.get("NGUON_OUTBOX_WORKER", "1"),
        }

    def _write_instance(self, i):
        env = self._instance_env(i)
        home = Path(env["NGUON_INSTANCE_DIR"])
        (home / "blobcache").mkdir(parents=True, exist_ok=True)
        render(
            deploy_dir() / "relstorage" / "zope-relstorage.conf.in",
            home / "storage.conf",
            blob_dir=home / "blobcache",
            dsn=self.postgres.dsn(),
            cache_size=100,
        )
        settings = from_environment(env, cwd=self.folder)
        write_instance(settings)
        # Zope answers a database it cannot reach with a 503 (nguon.cluster.wsgi), not a 500.
        wsgi = settings.wsgi_ini.read_text(encoding="utf-8")
        pipeline = "pipeline =\n    egg:Zope#httpexceptions\n    zope\n"
        if pipeline not in wsgi:
            raise ConfigurationError(f"wsgi.ini không có pipeline mong đợi: {pipeline}")
        wsgi = wsgi.replace(
            pipeline,
            "pipeline =\n    database_guard\n    egg:Zope#httpexceptions\n    zope\n",
        )
        settings.wsgi_ini.write_text(wsgi + GUARD_FILTER, encoding="utf-8")
        return settings

    def _create_or_open_site(self):
        log = self.folder / "log" / "site-setup.log"
        self.log("tạo hoặc mở site (lần đầu cần vài phút cho dữ liệu mẫu)…")
        env = {**self._instance_env(0), "NGUON_OUTBOX_WORKER": "0"}
        done = subprocess.run(
            [sys.executable, "-m", "nguon.instance.site"],
            capture_output=True,
            text=True,
            env=env,
            cwd=self.folder,
        )
        log.write_text(done.stdout + done.stderr, encoding="utf-8")
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(không có thông báo)"])[-1]
            raise ConfigurationError(
                f"không tạo/mở được site: {last} — chi tiết trong {log}"
            )
        return done.stdout.strip().endswith("created")

    def _wait_instance(self, i):
        child = self.instances[i]
        ok = f"http://{HOST}:{self.ports.instances[i]}{HEALTH_PATH}"

        def fail():
            raise ConfigurationError(
                f"{child.name} không trả lời tại {ok}: {child.tail(3)}"
            )

        wait_for(
            lambda: status_of(ok, timeout=5) == 200 or not child.alive(),
            self.startup_timeout,
            pause=0.5,
            fail=fail,
        )
        if not child.alive():
            fail()
        # The first requests compile the page templates; several threads compiling at once
        # can fail (CPython 3.11's compile is not thread-safe), so compile the common ones now.
        site = self.instance_urls[i]
        for path in ("", "/@@search?SearchableText=x"):
            status_of(f"{site}{path}", timeout=120)

    def _end_stale_run(self):
        """A run that was killed (SIGKILL, a crash) left its programs running: end those
        that still run from this folder. A run that is alive is refused."""
        try:
            state = json.loads(self.state_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        if _alive(state.get("pid")) and state.get("pid") != os.getpid():
            raise ConfigurationError(
                f"cụm trong {self.folder} đang chạy (pid {state['pid']}): dừng nó trước"
            )
        for pid in state.get("children", []):
            if _runs_from(pid, self.folder):
                self.log(f"dừng tiến trình còn lại của lần chạy trước (pid {pid})")
                _end(pid)
        if self.postgres.initialized() and self.postgres.running():
            self.log("dừng PostgreSQL còn chạy từ lần trước")
            self.postgres.stop()
        self.state_file.unlink(missing_ok=True)

    def _write_state(self):
        children = [c for c in (self.haproxy, self.varnish, *self.instances) if c]
        state = {
            "pid": os.getpid(),
            "children": [c.pid for c in children if c.alive()]
            + _solr_pids(self.solr)
            + (
                [self.mosquitto.process.pid]
                if self.mosquitto and self.mosquitto.process
                else []
            ),
            "site_id": self.site_id,
            "ports": asdict(self.ports),
            "url": self.url,
            "balancer_url": self.balancer_url,
            "instance_urls": self.instance_urls,
            "solr_url": self.solr_url,
            "admin_socket": str(self.admin_socket),
            "postgres": {
                "folder": str(self.postgres.folder),
                "dsn": self.postgres.dsn(),
            },
        }
        self.state_file.write_text(json.dumps(state, indent=2), encoding="utf-8")


def _solr_pids(solr):
    """The pids of SolrCloud's programs (ZooKeeper and the nodes) that run."""
    if solr is None:
        return []
    if hasattr(solr, "pids"):
        return list(solr.pids())
    parts = [getattr(solr, "zookeeper", None), *getattr(solr, "nodes", [])]
    processes = [getattr(part, "process", None) for part in parts if part is not None]
    return [p.pid for p in processes if p is not None and p.poll() is None]


def _alive(pid):
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _runs_from(pid, folder):
    """True when process ``pid`` still runs with ``folder`` in its command line."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return any(str(folder).encode() in word for word in words)


def _end(pid, timeout=20):
    try:
        os.kill(pid, 15)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.2)
    if _alive(pid):
        os.kill(pid, 9)


def _sbin(program):
    return shutil.which(program) or f"/usr/sbin/{program}"
