"""The upgrade step "Statistics pages." on a site made before it: the site has no units'
action «Thống kê»; ftw.upgrade proposes the step, and after it the action leads to
``@@thong-ke``, for the officials of the unit and of the units above only."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter


TITLE = "Statistics pages."


def _old_site():
    """The tree site as it was before the step: no action, every other step done."""
    portal = api.portal.get()
    del api.portal.get_tool("portal_actions")["object"]["unit-statistics"]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return setup_tool


def _shown(user, code):
    actions = api.portal.get_tool("portal_actions")
    with api.env.adopt_user(username=user):
        found = actions.listFilteredActionsFor(find_unit(code))["object"]
    return [action["url"] for action in found if action["id"] == "unit-statistics"]


def test_the_step_adds_the_units_action(tree):
    setup_tool = _old_site()
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert proposed(setup_tool) == []
    province = find_unit("46").absolute_url()
    assert _shown(tree_user("46", "approvers"), "46") == [f"{province}/@@thong-ke"]
    assert _shown(tree_user("46", "editors"), "19786") != []  # a unit below
    assert _shown(tree_user("19786", "admins"), "46") == []  # the unit above
    assert _shown(tree_user("19777", "admins"), "19786") == []  # a sibling
