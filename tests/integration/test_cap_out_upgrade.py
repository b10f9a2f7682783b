"""The upgrade step "CAP alerts signed and served." on a site made before it: the site has
no CAP sender record and no CAP signing key; ftw.upgrade proposes the step, and after it
both are there and the key signs."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.alerts import keys
from plone import api
from plone.registry.interfaces import IRegistry
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter
from zope.component import getUtility


TITLE = "CAP alerts signed and served."
SENDER = "nguon.alerts.sender"


def test_the_step_adds_the_sender_record_and_the_signing_key(tree):
    portal = api.portal.get()
    del getUtility(IRegistry).records[SENDER]
    del IAnnotations(portal)[keys.KEY]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert keys.published(portal) == []
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert proposed(setup_tool) == []
    assert SENDER in getUtility(IRegistry).records
    [key] = keys.published(portal)
    assert key["certificate"].startswith("-----BEGIN CERTIFICATE-----")
