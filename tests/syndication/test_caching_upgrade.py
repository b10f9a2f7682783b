"""The upgrade step "HTTP caching behind a caching proxy." on a site made before it: no
cache rule for the feeds and no feed option; ftw.upgrade proposes the step, and after it
the feeds' rule, its option and purging (off without proxies) are there."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from plone import api
from plone.registry.interfaces import IRegistry
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter
from zope.component import getUtility


TITLE = "HTTP caching behind a caching proxy."
MAPPING = "plone.caching.interfaces.ICacheSettings.operationMapping"


def _old_site():
    portal = api.portal.get()
    registry = getUtility(IRegistry)
    del registry.records["nguon.feedCaching.smaxage"]
    registry[MAPPING] = {}
    registry["plone.caching.interfaces.ICacheSettings.enabled"] = False
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    return portal, setup_tool


def test_the_step_adds_the_feed_rule_and_leaves_purging_off(tree, monkeypatch):
    monkeypatch.delenv("NGUON_CACHING_PROXIES", raising=False)
    _portal, setup_tool = _old_site()
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]

    run_next(setup_tool)

    assert proposed(setup_tool) == []
    assert api.portal.get_registry_record(MAPPING)["nguon.feed"] == "nguon.feedCaching"
    assert api.portal.get_registry_record("nguon.feedCaching.smaxage") == 60
    assert api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled"
    )
    prefix = "plone.cachepurging.interfaces.ICachePurgingSettings"
    assert api.portal.get_registry_record(f"{prefix}.enabled") is False
    assert api.portal.get_registry_record(f"{prefix}.cachingProxies") == ()


def test_the_step_points_at_the_proxies_of_the_environment(tree, monkeypatch):
    monkeypatch.setenv(
        "NGUON_CACHING_PROXIES", "http://127.0.0.1:6081 http://10.0.0.2:6081/"
    )
    _portal, setup_tool = _old_site()
    run_next(setup_tool)
    prefix = "plone.cachepurging.interfaces.ICachePurgingSettings"
    assert api.portal.get_registry_record(f"{prefix}.enabled") is True
    assert api.portal.get_registry_record(f"{prefix}.cachingProxies") == (
        "http://127.0.0.1:6081",
        "http://10.0.0.2:6081",
    )
