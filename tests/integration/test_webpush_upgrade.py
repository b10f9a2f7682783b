"""The upgrade step "Web Push of alerts." on a site as it was before: no Web Push state and
no pending set for its consumer. After the step both exist, with a VAPID key pair; running
it again keeps the key pair (the phones' subscriptions are bound to it)."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.outbox.storage import outbox
from nguon.webpush import store
from plone import api
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.annotation.interfaces import IAnnotations
from zope.component import getMultiAdapter


TITLE = "Web Push of alerts."


def test_the_step_makes_the_state_with_a_key_pair_and_keeps_it(integration):
    portal = api.portal.get()
    del IAnnotations(portal)[store.KEY]
    del outbox(portal).consumers["webpush"]
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert store.state(portal) is None
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    found = store.state(portal)
    assert len(found.public_key) == 87  # 65 bytes, base64url
    assert store.public_key_of(found.private_pem) == found.public_key
    assert "webpush" in outbox(portal).consumers
    assert proposed(setup_tool) == []
    store.install(portal)
    assert store.state(portal).public_key == found.public_key
