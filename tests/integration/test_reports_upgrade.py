"""The upgrade step "Reports upward." on a site made before it: the site has no reports'
store nor the units' action; ftw.upgrade proposes the step, and after it the site has an
empty store and the action «Báo cáo định kỳ»."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.reports.store import KEY
from nguon.reports.store import storage
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter


TITLE = "Reports upward."


def _old_site():
    """The tree site as it was before the step: no store, every other step done."""
    portal = api.portal.get()
    del IAnnotations(portal)[KEY]
    del api.portal.get_tool("portal_actions")["object"]["unit-reports"]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return setup_tool


def test_the_step_makes_the_reports_store(tree):
    setup_tool = _old_site()
    assert storage(api.portal.get()) is None
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    store = storage(api.portal.get())
    assert store is not None and list(store.reports) == []
    action = api.portal.get_tool("portal_actions")["object"]["unit-reports"]
    assert action.url_expr == "string:${object_url}/@@bao-cao"
    assert proposed(setup_tool) == []
