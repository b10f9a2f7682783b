"""One running cluster for the tests of this folder (``cluster``, stopped after the last
of them, so that the rest of the suite does not run beside it): PostgreSQL with RelStorage, two
Plone instances with the demo site, HAProxy, Varnish, SolrCloud and Mosquitto, on free ports
in a temporary folder (see nguon.cluster.stack for what the fixture offers)."""

from nguon.cluster.stack import Cluster
from nguon.cluster.stack import Ports

import os
import pytest
import shutil
import tempfile


@pytest.fixture(scope="package")
def cluster():
    # Under /tmp and searchable by others: PostgreSQL runs as the postgres user when root.
    folder = tempfile.mkdtemp(prefix="nguon-cluster-")
    os.chmod(folder, 0o755)
    env = {
        **os.environ,
        # The test session turns the delivery threads off for its own layers; a cluster
        # runs them, as in production.
        "NGUON_OUTBOX_WORKER": "1",
        # A dead holder's background work is taken over after 10 s (20 s in production).
        "NGUON_LEASE_SECONDS": "10",
    }
    with Cluster(folder, instances=2, ports=Ports.free(2), env=env) as running:
        yield running
    shutil.rmtree(folder, ignore_errors=True)
