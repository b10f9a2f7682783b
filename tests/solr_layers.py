"""Plone test layers on a real Solr node: the site indexes through the outbox into it, and
searches through it. Solr is emptied before every test, as the ZODB is."""

from nguon import testing
from plone.app.testing import FunctionalTesting
from plone.app.testing import PloneSandboxLayer
from plone.testing import Layer
from plone.testing.zope import WSGI_SERVER_FIXTURE
from tests.solr_node import SolrNode

import shutil
import tempfile


class SolrNodeLayer(Layer):
    """One Solr node for every layer that needs it."""

    def setUp(self):
        self.folder = tempfile.mkdtemp(prefix="nguon-solr-layer-")
        self.node = SolrNode(self.folder).start()
        self["solr"] = self.node

    def tearDown(self):
        self.node.stop()
        shutil.rmtree(self.folder, ignore_errors=True)
        del self["solr"]

    def testSetUp(self):
        self.node.post("update", {"delete": {"query": "*:*"}, "commit": {}})


SOLR_NODE = SolrNodeLayer(name="SolrNode")


def point_at(portal, node):
    from plone import api

    api.portal.set_registry_record("collective.solr.host", "127.0.0.1")
    api.portal.set_registry_record("collective.solr.port", node.port)
    api.portal.set_registry_record("collective.solr.base", "/solr/plone")
    api.portal.set_registry_record("collective.solr.active", True)


class NguonSolrLayer(PloneSandboxLayer):
    defaultBases = (testing.NGUON_FIXTURE, SOLR_NODE)

    def setUpPloneSite(self, portal):
        point_at(portal, self["solr"])


class NguonTreeSolrLayer(PloneSandboxLayer):
    defaultBases = (testing.NGUON_TREE_FIXTURE, SOLR_NODE)

    def setUpPloneSite(self, portal):
        point_at(portal, self["solr"])


SOLR_FIXTURE = NguonSolrLayer(name="NguonSolr:Fixture")
TREE_SOLR_FIXTURE = NguonTreeSolrLayer(name="NguonTreeSolr:Fixture")
SOLR_FUNCTIONAL = FunctionalTesting(
    bases=(SOLR_FIXTURE, WSGI_SERVER_FIXTURE), name="NguonSolr:Functional"
)
TREE_SOLR_FUNCTIONAL = FunctionalTesting(
    bases=(TREE_SOLR_FIXTURE, WSGI_SERVER_FIXTURE), name="NguonTreeSolr:Functional"
)
