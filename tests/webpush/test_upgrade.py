"""The upgrade step "Web Push limits." on a site made before it: no caps in the registry and
a Web Push state without the units' sizes. ftw.upgrade proposes the step; after it the caps
and the known push services have their defaults and each unit's size is its count of
subscriptions, nothing dropped (also those on no known push service)."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.webpush import store
from nguon.webpush import subscriptions
from plone import api
from plone.registry.interfaces import IRegistry
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter
from zope.component import getUtility


TITLE = "Web Push limits."
RECORDS = (
    "nguon.webpush.max_per_unit",
    "nguon.webpush.max_subscriptions",
    "nguon.webpush.push_services",
)


def test_the_step_adds_the_caps_and_counts_each_units_subscriptions(integration):
    portal = api.portal.get()
    registry = getUtility(IRegistry)
    for name in RECORDS:
        del registry.records[name]
    found = store.state(portal)
    for number in range(3):
        found.subscribe("19786", f"https://push.example/{number}", "K", "A")
    found.subscribe("18880", "https://push.example/x", "K", "A")
    del found.sizes  # as made before the caps: the class's None
    assert found.sizes is None
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert [api.portal.get_registry_record(name) for name in RECORDS] == [
        200_000,
        10_000_000,
        list(subscriptions.DEFAULT_PUSH_SERVICES),
    ]
    found = store.state(portal)
    assert found.sizes is not None
    assert (found.size("19786"), found.size("18880"), found.count()) == (3, 1, 4)
    assert proposed(setup_tool) == []
