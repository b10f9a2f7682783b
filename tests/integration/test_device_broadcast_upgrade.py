"""The upgrade step "Device broadcast." on a site as it was before: no broadcast state, no
catalog index ``emergency_reach``, an emergency already published. After the step the state
exists and the index finds the emergency by the place it reaches, and only it."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.devices import broadcast
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from tests.search.helpers import published
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter


TITLE = "Device broadcast."


def _bulletin(title, **fields):
    return published(
        api.portal.get()["vn"]["46"],
        "Bulletin",
        "46-editors",
        "46-approvers",
        title=title,
        channels={"radio", "web"},
        category="disaster",
        target_scope="subtree",
        **fields,
    )


def _old_site():
    api.portal.get_tool("portal_catalog").delIndex("emergency_reach")
    del IAnnotations(api.portal.get())[broadcast.KEY]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((api.portal.get(), PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return setup_tool


def test_the_step_adds_the_state_and_indexes_existing_emergencies(tree):
    portal = api.portal.get()
    alarm = _bulletin("Lũ quét", priority="emergency")
    _bulletin("Lịch thu gom rác")
    setup_tool = _old_site()
    assert broadcast.state(portal) is None
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert broadcast.state(portal) is not None
    catalog = api.portal.get_tool("portal_catalog")
    found = catalog.unrestrictedSearchResults(emergency_reach="46/area")
    assert [brain.UID for brain in found] == [alarm.UID()]
    assert broadcast.candidates(portal, "46", True) == [alarm]
    assert proposed(setup_tool) == []
