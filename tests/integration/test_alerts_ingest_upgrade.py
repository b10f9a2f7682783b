"""The upgrade step "CAP alerts from other systems." on a site made before it: the site has
no poller interval, no record of received messages and no lease; ftw.upgrade proposes the
step, and after it the three are there."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.alerts.ingest import poller
from nguon.alerts.ingest import record
from plone import api
from plone.registry.interfaces import IRegistry
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility


TITLE = "CAP alerts from other systems."


def _old_site():
    portal = api.portal.get()
    del getUtility(IRegistry).records[poller.INTERVAL_RECORD]
    for key in (record.KEY, poller.KEY):
        del IAnnotations(portal)[key]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return portal, setup_tool


def test_the_step_adds_the_interval_the_record_and_the_lease(tree):
    portal, setup_tool = _old_site()
    assert record.read_log(portal) is None
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert proposed(setup_tool) == []
    assert poller.interval() == 120
    assert record.read_log(portal) is not None
    assert IAnnotations(portal)[poller.KEY].holder is None
