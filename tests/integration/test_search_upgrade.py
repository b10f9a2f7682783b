"""The upgrade step for sites made before nguon searched on Solr through the outbox.

The layer turns a current site back into one made before that change: collective.solr's own
indexing processor registered in the site, collective.solr's default settings, no outbox, none
of the catalog indexes the citizen search filters on, no link to the search page, and
nguon:default at the version before the step. Running the proposed step must bring it level
with a new site.
"""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.outbox.storage import KEY
from nguon.outbox.storage import outbox
from nguon.testing import NGUON_TREE_FIXTURE
from plone import api
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from Products.CMFCore.interfaces import IIndexQueueProcessor
from tests.integration.upgrade_steps import LATEST
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from tests.integration.upgrade_steps import titles_from
from tests.layers import layer_fixture
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtilitiesFor

import pytest


STEP = "20261124200000"
SYNDICATION = "20261129060000"  # tests/integration/test_syndication_upgrade.py
RADIO = "20261129070000"  # tests/integration/test_radio_upgrade.py
NEW_INDEXES = ("category", "document_type", "issuing_body")


class OldSiteLayer(PloneSandboxLayer):
    defaultBases = (NGUON_TREE_FIXTURE,)

    def setUpPloneSite(self, portal):
        with api.env.adopt_roles(["Manager"]):
            api.content.create(
                container=portal["vn"]["46"]["19786"],
                type="Bulletin",
                id="tiem-chung",
                title="Kế hoạch tiêm chủng",
                category="health",
            )
        setup = api.portal.get_tool("portal_setup")
        setup.runImportStepFromProfile(
            "profile-collective.solr:default",
            "componentregistry",
            run_dependencies=False,
            purge_old=False,
        )
        catalog = api.portal.get_tool("portal_catalog")
        for name in NEW_INDEXES:
            catalog.delIndex(name)
        api.portal.set_registry_record("collective.solr.force_simple_search", False)
        api.portal.set_registry_record("collective.solr.max_results", 0)
        del IAnnotations(portal)[KEY]
        api.portal.get_tool("portal_actions").site_actions.manage_delObjects(
            ["citizen-search"]
        )
        setup.setLastVersionForProfile(PROFILE, str(10**13))
        getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder).clear()


OLD_SITE_TESTING = IntegrationTesting(
    bases=(OldSiteLayer(),), name="NguonOldSite:Integration"
)
old_site = layer_fixture(OLD_SITE_TESTING, "old_site")


@pytest.fixture
def setup_tool(old_site):
    return api.portal.get_tool("portal_setup")


def _processors():
    return {name for name, _utility in getUtilitiesFor(IIndexQueueProcessor)}


def test_the_layer_is_a_site_from_before_the_change(setup_tool):
    portal = api.portal.get()
    assert "solr" in _processors()
    assert outbox(portal) is None
    assert not set(NEW_INDEXES) & set(api.portal.get_tool("portal_catalog").indexes())


def test_the_step_is_proposed_for_an_old_site(setup_tool):
    steps = proposed(setup_tool)
    assert [upgrade["title"] for upgrade in steps] == titles_from(
        "Search on Solr through the outbox."
    )
    assert steps[0]["dest"] == (STEP,)


def test_after_the_step_the_site_searches_like_a_new_one(setup_tool):
    portal = api.portal.get()
    catalog = api.portal.get_tool("portal_catalog")
    api.portal.set_registry_record(
        "collective.solr.active", True
    )  # switched on by a start
    try:
        run_next(setup_tool)
        assert api.portal.get_registry_record("collective.solr.active") is True
    finally:
        api.portal.set_registry_record("collective.solr.active", False)  # no Solr here

    assert "solr" not in _processors() and "nguon-outbox" in _processors()
    assert "solr" in outbox(portal).consumers
    assert set(NEW_INDEXES) <= set(catalog.indexes())
    found = catalog.unrestrictedSearchResults(category="health")
    assert [brain.getId for brain in found] == ["tiem-chung"]
    assert api.portal.get_registry_record("collective.solr.force_simple_search") is True
    assert api.portal.get_registry_record("collective.solr.max_results") == 1000
    assert "category" in api.portal.get_registry_record("collective.solr.facets")
    assert (
        "citizen-search"
        in api.portal.get_tool("portal_actions").site_actions.objectIds()
    )
    assert setup_tool.getLastVersionForProfile(PROFILE) == (STEP,)
    assert [upgrade["title"] for upgrade in proposed(setup_tool)] == titles_from(
        "Syndication to commune websites."
    )
    assert [upgrade["dest"] for upgrade in proposed(setup_tool)][:2] == [
        (SYNDICATION,),
        (RADIO,),
    ]
    assert proposed(setup_tool)[-1]["dest"] == (LATEST,)


def test_a_new_site_is_at_the_steps_version_and_is_not_offered_it(integration):
    setup_tool = api.portal.get_tool("portal_setup")
    assert setup_tool.getLastVersionForProfile(PROFILE) == (LATEST,)
    assert proposed(setup_tool) == []
