"""SolrCloud on one machine: ZooKeeper and N Solr nodes, each a JVM of its own, so that a node
can be killed for real (SIGKILL) as in a crash.

The programs are solr/launcher's ``nguon.solr.NguonCloud`` (Solr 9.10 and ZooKeeper 3.9 from
Maven Central, solr-test-framework's ``ZkTestServer`` and ``JettySolrRunner``):

- ``zk``: ZooKeeper on 127.0.0.1:zk_port, data in ``<folder>/zookeeper``, chroot ``/solr``;
- ``node``: one cloud-mode Solr node per port, its replicas in ``<folder>/node<i>``;
- ``setup`` (one shot, idempotent): uploads the configset ``solr/home/configsets/plone/conf``
  as ``plone`` when ZooKeeper's copy differs, creates the collection ``plone`` (one shard, one
  replica per node) when missing, and waits until every replica is active.

Every node answers for the whole collection (``/solr/plone/select``, ``/search``, ``/update``):
a node routes an update to the shard's leader, which passes it to the other replicas, and a
query is served by the node's own replica. When a node dies, ZooKeeper drops it after its
session timeout (``session_timeout``), and if it held the leadership another replica takes it;
searches on the other nodes answer all along. A node started again replays its transaction log
and catches up from the leader before it reports its replica active.

Logs: ``<folder>/zookeeper.log``, ``<folder>/node<i>.log``, ``<folder>/setup.log``.
"""

from nguon.instance.settings import ConfigurationError
from nguon.instance.solr import repository_root
from pathlib import Path

import fcntl
import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request


HOST = "127.0.0.1"
MAIN = "nguon.solr.NguonCloud"
READY = "nguon-solr: ready"


def solr_dir():
    return repository_root() / "solr"


def _needs_build(launcher):
    target = launcher / "target"
    jar = target / "nguon-solr-launcher.jar"
    classpath = target / "classpath.txt"
    if not (jar.is_file() and jar.stat().st_size and classpath.is_file()):
        return True
    if not classpath.stat().st_size:
        return True
    if (launcher / "pom.xml").stat().st_mtime > classpath.stat().st_mtime:
        return True
    built = jar.stat().st_mtime
    for path in (launcher / "src").rglob("*"):
        if path.is_file() and path.stat().st_mtime > built:
            return True
    entries = classpath.read_text().strip().split(":")
    return not all(Path(entry).is_file() for entry in entries if entry)


def ensure_launcher(log_path=None):
    """Build solr/launcher with Maven when solr/start.sh would (no jar or classpath yet, the
    pom or a source newer than the jar, a jar of the classpath gone); returns the ``-cp``
    value. Two builds at once wait for each other on start.sh's lock file."""
    launcher = solr_dir() / "launcher"
    target = launcher / "target"
    if _needs_build(launcher):
        target.mkdir(parents=True, exist_ok=True)
        with open(target / ".build.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _needs_build(launcher):
                _build(launcher, log_path)
    classpath = (target / "classpath.txt").read_text().strip()
    return f"{target / 'nguon-solr-launcher.jar'}:{classpath}"


def _build(launcher, log_path):
    if not _which("mvn"):
        raise ConfigurationError(
            "cần Maven (mvn) để dựng solr/launcher: apt-get install maven"
        )
    output = subprocess.run(
        ["mvn", "-B", "-q", "-f", str(launcher / "pom.xml"), "package"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    if log_path:
        Path(log_path).parent.mkdir(parents=True, exist_ok=True)
        Path(log_path).write_text(output.stdout)
    if output.returncode != 0:
        where = f"xem {log_path}" if log_path else output.stdout[-2000:]
        raise ConfigurationError(f"dựng solr/launcher bằng Maven thất bại: {where}")


def _which(program):
    return any(
        os.access(Path(folder) / program, os.X_OK)
        for folder in os.environ.get("PATH", "").split(os.pathsep)
        if folder
    )


def _environment():
    # Solr 9 turns every SOLR_FOO variable into the solr.foo property (SOLR_DATA_DIR would
    # move the replicas' data): the nodes get none of the caller's.
    return {k: v for k, v in os.environ.items() if not k.startswith("SOLR_")}


class _Part:
    """One JVM of the cloud, its output appended to ``log_path``."""

    def __init__(self, name, argv, log_path):
        self.name = name
        self.argv = [str(word) for word in argv]
        self.log_path = Path(log_path)
        self.process = None
        self.offset = 0

    def alive(self):
        return self.process is not None and self.process.poll() is None

    def start(self):
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.argv,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=_environment(),
                start_new_session=True,
            )

    def output(self):
        try:
            with open(self.log_path, "rb") as log:
                log.seek(self.offset)
                return log.read().decode("utf-8", errors="replace")
        except OSError:
            return ""

    def errors(self):
        lines = [ln for ln in self.output().splitlines() if "nguon-solr: ERROR" in ln]
        return lines[-1] if lines else ""

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if READY in self.output():
                return
            if not self.alive():
                code = self.process.returncode if self.process else None
                if code == 2:  # the launcher's code for a port in use
                    detail = "cổng của nó đang bận"
                else:
                    detail = self.errors() or f"mã thoát {code}"
                raise ConfigurationError(
                    f"{self.name} dừng khi khởi động ({detail}): xem {self.log_path}"
                )
            time.sleep(0.3)
        raise ConfigurationError(
            f"{self.name} chưa sẵn sàng sau {timeout:.0f} giây: xem {self.log_path}"
        )

    def terminate(self):
        if self.alive():
            self.process.terminate()

    def wait(self, timeout):
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self):
        if self.alive():
            os.kill(self.process.pid, signal.SIGKILL)
        if self.process is not None:
            self.process.wait()


class SolrCloud:
    """ZooKeeper and ``len(node_ports)`` Solr nodes holding the collection ``plone`` (one
    shard, one replica on every node), under ``folder``.

    ``start()`` waits until every replica is active; ``kill_node(i)`` is a crash (SIGKILL);
    ``start_node(i)`` waits until node i's replica is active again; ``stop()`` stops all.
    ``session_timeout`` (seconds) is how long ZooKeeper keeps a silent node: a killed node
    leaves the cluster (and hands on its leadership) that long after it died.
    ``java_options`` are added to every JVM's command line.
    """

    collection = "plone"

    def __init__(
        self,
        folder,
        zk_port,
        node_ports,
        heap="512m",
        session_timeout=10,
        startup_timeout=300,
        configset=None,
        java_options=(),
    ):
        self.folder = Path(folder)
        self.zk_port = int(zk_port)
        self.node_ports = [int(port) for port in node_ports]
        self.heap = heap
        self.session_timeout = session_timeout
        self.startup_timeout = startup_timeout
        self.configset = Path(
            configset or solr_dir() / "home" / "configsets" / "plone" / "conf"
        )
        self.java_options = list(java_options)
        self.classpath = None
        self.zookeeper = None
        self.nodes = [None] * len(self.node_ports)

    # -- addresses

    @property
    def zk_address(self):
        """ZooKeeper's connection string with the chroot the nodes use."""
        return f"{HOST}:{self.zk_port}/solr"

    @property
    def node_urls(self):
        return [
            f"http://{HOST}:{port}/solr/{self.collection}" for port in self.node_ports
        ]

    def node_name(self, i):
        """Node i's name in ZooKeeper (as in CLUSTERSTATUS's live_nodes)."""
        return f"{HOST}:{self.node_ports[i]}_solr"

    # -- life cycle

    def start(self):
        self._check_ports()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.classpath = ensure_launcher(self.folder / "launcher-build.log")
        try:
            self.zookeeper = _Part(
                "ZooKeeper",
                self._java(
                    "128m",
                    "zk",
                    "--port",
                    self.zk_port,
                    "--data-dir",
                    self.folder / "zookeeper",
                ),
                self.folder / "zookeeper.log",
            )
            self.zookeeper.start()
            self.zookeeper.wait_ready(self.startup_timeout)
            for i in range(len(self.node_ports)):
                self._part(i).start()
            for i in range(len(self.node_ports)):
                self.nodes[i].wait_ready(self.startup_timeout)
            self.setup()
            self.wait_active(timeout=self.startup_timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _check_ports(self):
        """Fail before anything starts when a port is taken (or named twice)."""
        named = [("ZooKeeper", self.zk_port)] + [
            (f"nút Solr {i}", port) for i, port in enumerate(self.node_ports)
        ]
        ports = [port for _name, port in named]
        for name, port in named:
            if ports.count(port) > 1:
                raise ConfigurationError(
                    f"cổng {port} được dùng hai lần trong SolrCloud"
                )
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((HOST, port))
                except OSError:
                    raise ConfigurationError(
                        f"cổng {port} trên {HOST} (của {name}) đang bận: "
                        "có SolrCloud khác đang chạy?"
                    ) from None

    def stop(self, timeout=60):
        """Stops the nodes (cleanly, each commits its index), then ZooKeeper."""
        running = [node for node in self.nodes if node is not None]
        for node in running:
            node.terminate()
        for node in running:
            node.wait(timeout)
        if self.zookeeper is not None:
            self.zookeeper.terminate()
            self.zookeeper.wait(timeout)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def kill_node(self, i, wait=True):
        """SIGKILL node i, as a crash. With ``wait``, returns once ZooKeeper has dropped it
        and the shard has an active leader again (updates go through from then on), and
        gives the seconds that took since the kill."""
        node = self.nodes[i]
        killed = time.monotonic()
        if node is not None:
            node.kill()
        if wait:
            self.wait_for(
                lambda state: (
                    self.node_name(i) not in state["live_nodes"]
                    and self._leader(state) is not None
                ),
                timeout=3 * self.session_timeout + 60,
                what=f"ZooKeeper chưa bỏ nút {i} (cổng {self.node_ports[i]}) "
                "hoặc chưa có replica dẫn đầu mới",
            )
            return round(time.monotonic() - killed, 1)
        return None

    def start_node(self, i, timeout=None):
        """Start node i again; returns once its replica is active (caught up), and gives
        the seconds that took."""
        started = time.monotonic()
        timeout = timeout or self.startup_timeout
        node = self.nodes[i]
        if node is not None and node.alive():
            raise ConfigurationError(f"nút Solr {i} đang chạy")
        self._part(i).start()
        self.nodes[i].wait_ready(timeout)
        name = self.node_name(i)
        self.wait_for(
            lambda state: (
                any(
                    r["node_name"] == name and r["state"] == "active"
                    for r in self._replicas(state)
                )
                and name in state["live_nodes"]
            ),
            timeout=timeout,
            what=f"replica trên nút {i} (cổng {self.node_ports[i]}) chưa hoạt động lại: "
            f"xem {self.nodes[i].log_path}",
        )
        return round(time.monotonic() - started, 1)

    # -- state

    def cluster_state(self):
        """CLUSTERSTATUS of the collection, asked of the first node that answers: a dict with
        ``live_nodes`` and ``replicas`` (each with ``node_name``, ``state``, ``leader``), or
        None when no node answers."""
        for i, port in enumerate(self.node_ports):
            if self.nodes[i] is None or not self.nodes[i].alive():
                continue
            query = urllib.parse.urlencode(
                {
                    "action": "CLUSTERSTATUS",
                    "collection": self.collection,
                    "wt": "json",
                }
            )
            url = f"http://{HOST}:{port}/solr/admin/collections?{query}"
            try:
                with urllib.request.urlopen(url, timeout=5) as answer:
                    cluster = json.load(answer)["cluster"]
            except (OSError, ValueError, KeyError, urllib.error.URLError):
                continue
            collection = cluster.get("collections", {}).get(self.collection)
            if collection is None:
                continue
            replicas = [
                {**replica, "name": name, "shard": shard_name}
                for shard_name, shard in collection["shards"].items()
                for name, replica in shard["replicas"].items()
            ]
            return {"live_nodes": set(cluster["live_nodes"]), "replicas": replicas}
        return None

    @staticmethod
    def _replicas(state):
        return state["replicas"] if state else []

    @staticmethod
    def _leader(state):
        for replica in state["replicas"]:
            if (
                replica.get("leader") == "true"
                and replica["state"] == "active"
                and replica["node_name"] in state["live_nodes"]
            ):
                return replica
        return None

    def leader(self):
        """The index of the node holding the shard's leader, or None."""
        state = self.cluster_state()
        replica = self._leader(state) if state else None
        if replica is None:
            return None
        for i in range(len(self.node_ports)):
            if replica["node_name"] == self.node_name(i):
                return i
        return None

    def active_nodes(self):
        """Indexes of the nodes whose replica is live and active."""
        state = self.cluster_state()
        if not state:
            return []
        active = {
            r["node_name"]
            for r in state["replicas"]
            if r["state"] == "active" and r["node_name"] in state["live_nodes"]
        }
        return [i for i in range(len(self.node_ports)) if self.node_name(i) in active]

    def wait_active(self, timeout=None):
        """Wait until every node's replica is active and the shard has a leader."""
        self.wait_for(
            lambda state: (
                self._leader(state) is not None
                and all(
                    any(
                        r["node_name"] == self.node_name(i) and r["state"] == "active"
                        for r in state["replicas"]
                    )
                    for i in range(len(self.node_ports))
                )
            ),
            timeout=timeout or self.startup_timeout,
            what=f"collection {self.collection} chưa có đủ {len(self.node_ports)} replica "
            f"hoạt động: xem {self.folder}/node*.log",
        )

    def wait_for(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            state = self.cluster_state()
            if state is not None and condition(state):
                return state
            if time.monotonic() > deadline:
                raise ConfigurationError(f"{what} (sau {timeout:.0f} giây)")
            time.sleep(0.5)

    # -- programs

    def _java(self, heap, *arguments):
        return [
            "java",
            f"-Xmx{heap}",
            "-Xss512k",
            "-XX:+UseG1GC",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            f"-Dlog4j2.configurationFile={solr_dir() / 'log4j2.xml'}",
            f"-Dsolr.log.dir={self.folder / 'logs'}",
            *self.java_options,
            "-cp",
            self.classpath,
            MAIN,
            *arguments,
        ]

    def _part(self, i):
        port = self.node_ports[i]
        self.nodes[i] = _Part(
            f"nút Solr {i} (cổng {port})",
            self._java(
                self.heap,
                "node",
                "--zk-host",
                self.zk_address,
                "--port",
                port,
                "--home",
                self.folder / f"node{i}",
                "--zk-timeout",
                int(self.session_timeout * 1000),
            ),
            self.folder / f"node{i}.log",
        )
        return self.nodes[i]

    def setup(self):
        """Run the one-shot setup step (start() does): upload the configset when ZooKeeper's
        copy differs, create the collection when missing, wait until its replicas are
        active. Running it again on a ready cloud changes nothing."""
        log_path = self.folder / "setup.log"
        setup = _Part(
            "bước setup của SolrCloud",
            self._java(
                "256m",
                "setup",
                "--zk-host",
                self.zk_address,
                "--configset",
                self.configset,
                "--collection",
                self.collection,
                "--nodes",
                len(self.node_ports),
                "--replicas",
                len(self.node_ports),
                "--timeout",
                int(self.startup_timeout),
            ),
            log_path,
        )
        setup.start()
        try:
            setup.process.wait(timeout=self.startup_timeout + 60)
        except subprocess.TimeoutExpired:
            setup.kill()
            raise ConfigurationError(
                f"bước setup của SolrCloud quá {self.startup_timeout + 60} giây: "
                f"xem {log_path}"
            ) from None
        if setup.process.returncode != 0 or READY not in setup.output():
            detail = setup.errors() or f"mã thoát {setup.process.returncode}"
            raise ConfigurationError(
                f"không tạo được collection {self.collection} trên SolrCloud "
                f"({detail}): xem {log_path}"
            )
