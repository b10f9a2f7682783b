"""pytest fixtures: the Plone layers of nguon.testing (see tests/layers.py), and pytest-plone's
helpers (``portal``, ``app``, …) on top of the ``integration`` and ``functional`` fixtures."""

from nguon import testing
from tests import layers
from tests import solr_layers
from tests.solr_node import SolrNode

import os
import pytest


# The WSGI server of the functional layers fires IProcessStarting, which starts the outbox
# delivery thread; tests deliver explicitly instead (tests/search/test_worker.py runs one).
os.environ["NGUON_OUTBOX_WORKER"] = "0"


pytest_plugins = ["pytest_plone"]

globals().update(
    layers.layer_fixtures(
        integration=testing.INTEGRATION_TESTING,
        functional=testing.FUNCTIONAL_TESTING,
        tree=testing.TREE_INTEGRATION_TESTING,
        tree_functional=testing.TREE_FUNCTIONAL_TESTING,
        demo_integration=testing.DEMO_INTEGRATION_TESTING,
        demo_functional=testing.DEMO_FUNCTIONAL_TESTING,
        solr_functional=solr_layers.SOLR_FUNCTIONAL,
        tree_solr=solr_layers.TREE_SOLR_FUNCTIONAL,
    )
)


def pytest_collection_modifyitems(session, config, items):
    layers.mark_layers(session, items)


@pytest.fixture(scope="session")
def solr(tmp_path_factory):
    """A real Solr node with the project's configset, for the whole session."""
    node = SolrNode(tmp_path_factory.mktemp("solr-data")).start()
    yield node
    node.stop()


@pytest.fixture(scope="session")
def mosquitto(tmp_path_factory):
    """A real Mosquitto (tests/messaging.py) for the rest of the session; the site's
    broadcast publishes through it while it runs."""
    from tests.messaging import MosquittoNode

    node = MosquittoNode(tmp_path_factory.mktemp("mosquitto")).start()
    saved = {name: os.environ.get(name) for name in node.environ}
    os.environ.update(node.environ)
    yield node
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    node.stop()
