"""pytest fixtures: the Plone layers of nguon.testing (see tests/layers.py), and pytest-plone's
helpers (``portal``, ``app``, …) on top of the ``integration`` and ``functional`` fixtures."""
from nguon import testing
from tests.layers import layer_fixture
from tests.layers import sort_by_layer
from tests.layers import STACK
from tests import solr_layers
from tests.solr_node import SolrNode

import os
import pytest


# The WSGI server of the functional layers fires IProcessStarting, which starts the outbox
# delivery thread; tests deliver explicitly instead (tests/search/test_worker.py runs one).
os.environ["NGUON_OUTBOX_WORKER"] = "0"


pytest_plugins = ["pytest_plone"]

integration = layer_fixture(testing.INTEGRATION_TESTING, "integration")
functional = layer_fixture(testing.FUNCTIONAL_TESTING, "functional")
tree = layer_fixture(testing.TREE_INTEGRATION_TESTING, "tree")
tree_functional = layer_fixture(testing.TREE_FUNCTIONAL_TESTING, "tree_functional")
demo_integration = layer_fixture(testing.DEMO_INTEGRATION_TESTING, "demo_integration")
demo_functional = layer_fixture(testing.DEMO_FUNCTIONAL_TESTING, "demo_functional")
solr_functional = layer_fixture(solr_layers.SOLR_FUNCTIONAL, "solr_functional")
tree_solr = layer_fixture(solr_layers.TREE_SOLR_FUNCTIONAL, "tree_solr")


def pytest_collection_modifyitems(session, config, items):
    sort_by_layer(items)


def pytest_sessionfinish(session, exitstatus):
    STACK.close()


@pytest.fixture(scope="session")
def solr(tmp_path_factory):
    """A real Solr node with the project's configset, for the whole session."""
    node = SolrNode(tmp_path_factory.mktemp("solr-data")).start()
    yield node
    node.stop()
