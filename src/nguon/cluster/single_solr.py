"""One bundled Solr node with SolrCloud's interface, used when ``nguon.cluster.solrcloud``
is not there (a checkout without the launcher's cloud mode)."""

from nguon.cluster.processes import Child
from nguon.cluster.processes import wait_for
from nguon.instance.settings import ConfigurationError
from nguon.instance.solr import ping
from nguon.instance.solr import repository_root

import os


class SingleSolr:
    collection = "plone"

    def __init__(self, folder, zk_port, node_ports, heap="512m"):
        self.folder = folder
        self.port = node_ports[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOLR_")}
        env.update(
            SOLR_PORT=str(self.port),
            SOLR_DATA_DIR=str(folder / "data"),
            SOLR_HEAP=heap,
        )
        self.child = Child(
            "solr",
            ["bash", repository_root() / "solr" / "start.sh"],
            folder / "solr.log",
            env=env,
        )

    @property
    def node_urls(self):
        return [f"http://127.0.0.1:{self.port}/solr/{self.collection}"]

    def start(self, timeout=300):
        self.folder.mkdir(parents=True, exist_ok=True)
        self.start_node(0, timeout)

    def start_node(self, i, timeout=300):
        self.child.start()

        def fail():
            raise ConfigurationError(f"Solr chưa sẵn sàng: xem {self.child.log_path}")

        wait_for(
            lambda: (
                ping(f"{self.node_urls[0]}/{self.collection}", timeout=2)
                or not self.child.alive()
            ),
            timeout,
            pause=1,
            fail=fail,
        )
        if not self.child.alive():
            fail()

    def kill_node(self, i):
        self.child.kill()

    def stop(self):
        self.child.stop()

    def pids(self):
        return [self.child.pid] if self.child.alive() else []
