"""The upgrade step for sites made before nguon syndicated to commune websites.

The layer turns a current site back into one made before that change: no change log, no
registry record of allowed networks, no subscription page action, the permission to manage
subscriptions unknown to the rolemap, and nguon:default at the search step's version. It
holds a published bulletin and a draft; after the step the bulletin is in its communes'
feeds, the draft in none.
"""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.outbox.worker import drain
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import KEY
from nguon.publication.store import storage
from nguon.testing import NGUON_TREE_FIXTURE
from plone import api
from plone.app.testing import IntegrationTesting
from plone.app.testing import PloneSandboxLayer
from plone.registry.interfaces import IRegistry
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from tests.integration.upgrade_steps import titles_from
from tests.layers import layer_fixture
from tests.search.helpers import create
from tests.search.helpers import published
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility

import pytest


BEFORE = "20261124200000"
STEP = "20261129060000"
RECORD = "nguon.syndication.allowed_networks"


class BeforeSyndicationLayer(PloneSandboxLayer):
    defaultBases = (NGUON_TREE_FIXTURE,)

    def setUpPloneSite(self, portal):
        province = portal["vn"]["46"]
        published(
            province,
            "Bulletin",
            "46-editors",
            "46-approvers",
            id="bao-so-9",
            title="Thông báo ứng phó bão số 9",
            category="disaster",
            target_scope="subtree",
        )
        create(
            province,
            "Bulletin",
            "46-editors",
            id="du-thao",
            title="Dự thảo chưa duyệt",
            category="disaster",
            target_scope="subtree",
        )
        del IAnnotations(portal)[KEY]
        del getUtility(IRegistry).records[RECORD]
        api.portal.get_tool("portal_actions").object.manage_delObjects(
            ["push-subscriptions"]
        )
        setup = api.portal.get_tool("portal_setup")
        setup.setLastVersionForProfile(PROFILE, BEFORE)
        getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder).clear()
        getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder).mark_as_installed(
            BEFORE
        )


BEFORE_TESTING = IntegrationTesting(
    bases=(BeforeSyndicationLayer(),), name="NguonBeforeSyndication:Integration"
)
before_syndication = layer_fixture(BEFORE_TESTING, "before_syndication")


@pytest.fixture
def setup_tool(before_syndication):
    return api.portal.get_tool("portal_setup")


def test_the_layer_is_a_site_from_before_the_change(setup_tool):
    assert storage(api.portal.get()) is None
    assert RECORD not in getUtility(IRegistry).records
    assert [u["title"] for u in proposed(setup_tool)] == titles_from(
        "Syndication to commune websites."
    )


def test_after_the_step_published_items_are_in_the_feeds(setup_tool):
    portal = api.portal.get()
    run_next(setup_tool)
    assert RECORD in getUtility(IRegistry).records
    assert not api.portal.get_registry_record(
        RECORD
    )  # no private network allowed by default
    assert (
        "push-subscriptions" in api.portal.get_tool("portal_actions").object.objectIds()
    )
    roles = {
        r["name"]
        for r in portal.rolesOfPermission("nguon: Manage subscriptions")
        if r["selected"]
    }
    assert roles == {"UnitAdmin", "Manager", "Site Administrator"}
    drain(portal, names=["syndication"], commit=False)
    store = storage(portal)
    for lineage in (["VN", "46", "19786"], ["VN", "46", "19777"]):
        entries = UnitFeed(store, lineage).current().entries
        assert [entry["title"] for entry in entries] == ["Thông báo ứng phó bão số 9"]
    assert UnitFeed(store, ["VN", "44", "18880"]).current().entries == []
    assert setup_tool.getLastVersionForProfile(PROFILE) == (STEP,)
    assert [u["title"] for u in proposed(setup_tool)] == titles_from("Radio playout.")
