"""The upgrade step for sites made before nguon aired radio.

The layer turns a current site back into one made before that change: no RadioStation type,
no speech-engine record, no signing key, no as-run log, nguon:default at the syndication
step's version. It holds a radio item; after the step a station can be added to a unit, the
schedule key exists and the item is offered for its audio to be prepared.
"""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.devices.keys import KEY as SIGNING_KEY
from nguon.devices.keys import public_key
from nguon.devices.reports import KEY as REPORTS_KEY
from nguon.outbox.storage import outbox
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
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility

import pytest


BEFORE = "20261129060000"
STEP = "20261129070000"
RECORD = "nguon.radio.tts_engine"


class BeforeRadioLayer(PloneSandboxLayer):
    defaultBases = (NGUON_TREE_FIXTURE,)

    def setUpPloneSite(self, portal):
        create(
            portal["vn"]["46"]["19786"],
            "RadioItem",
            "19786-editors",
            id="tin-phat-thanh",
            title="Tin phát thanh cũ",
            script="Thông báo lịch tiêm chủng.",
        )
        types = api.portal.get_tool("portal_types")
        types.manage_delObjects(["RadioStation", "PublicBoard"])
        unit = types["AdministrativeUnit"]
        unit.allowed_content_types = tuple(
            t
            for t in unit.allowed_content_types
            if t not in ("RadioStation", "PublicBoard")
        )
        annotations = IAnnotations(portal)
        del annotations[SIGNING_KEY]
        del annotations[
            REPORTS_KEY
        ]  # the as-run and proof-of-play logs (nguon.devices.reports)
        del getUtility(IRegistry).records[RECORD]
        outbox(portal).pending_set("radio-audio").pending.clear()
        setup = api.portal.get_tool("portal_setup")
        setup.setLastVersionForProfile(PROFILE, BEFORE)
        recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
        recorder.clear()
        for version in ("20261124200000", BEFORE):
            recorder.mark_as_installed(version)


BEFORE_TESTING = IntegrationTesting(
    bases=(BeforeRadioLayer(),), name="NguonBeforeRadio:Integration"
)
before_radio = layer_fixture(BEFORE_TESTING, "before_radio")


@pytest.fixture
def setup_tool(before_radio):
    return api.portal.get_tool("portal_setup")


def test_the_layer_is_a_site_from_before_the_change(setup_tool):
    assert "RadioStation" not in api.portal.get_tool("portal_types").objectIds()
    assert public_key(api.portal.get()) is None
    assert [u["title"] for u in proposed(setup_tool)] == titles_from("Radio playout.")


def test_after_the_step_stations_can_be_added_and_radio_items_are_prepared(setup_tool):
    portal = api.portal.get()
    run_next(setup_tool)
    types = api.portal.get_tool("portal_types")
    assert "RadioStation" in types["AdministrativeUnit"].allowed_content_types
    assert "PublicBoard" not in types["AdministrativeUnit"].allowed_content_types
    assert api.portal.get_tool("portal_workflow").getChainForPortalType(
        "RadioStation"
    ) == ("simple_publication_workflow",)
    assert api.portal.get_registry_record(RECORD) == "espeak-ng"
    assert len(public_key(portal)) == 32
    item = portal["vn"]["46"]["19786"]["tin-phat-thanh"]
    assert item.UID() in outbox(portal).pending_set("radio-audio").uids()
    roles = {
        r["name"]
        for r in portal.rolesOfPermission("nguon: Manage stations")
        if r["selected"]
    }
    assert roles == {"UnitAdmin", "Manager", "Site Administrator"}
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=portal["vn"]["46"]["19786"],
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
        )
    assert station.plan().rules
    assert setup_tool.getLastVersionForProfile(PROFILE) == (STEP,)
    assert [u["title"] for u in proposed(setup_tool)] == titles_from("Public boards.")
    run_next(setup_tool)
    assert "PublicBoard" in types["AdministrativeUnit"].allowed_content_types
    assert api.portal.get_tool("portal_workflow").getChainForPortalType(
        "PublicBoard"
    ) == ("simple_publication_workflow",)
    for _later in titles_from("Public boards.")[1:]:
        run_next(setup_tool)
    assert proposed(setup_tool) == []
