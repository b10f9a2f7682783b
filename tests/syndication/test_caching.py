"""The feeds behind a caching proxy: the cache rule's headers (shared only when anonymous and
public), and what publishing and retracting purge (which feeds, which item paths), through
plone.cachepurging's purger. The real Varnish is in test_caching_varnish.py."""

from nguon.syndication import caching
from nguon.testing import TREE_PASSWORD
from plone import api
from plone.cachepurging.interfaces import IPurger
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import get_feed
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from tests.syndication.helpers import unit_url
from zope.component import getGlobalSiteManager
from zope.interface import implementer

import pytest
import requests
import transaction


PURGING = "plone.cachepurging.interfaces.ICachePurgingSettings"


@implementer(IPurger)
class RecordingPurger:
    """Stands in for plone.cachepurging's purger: records what would be sent."""

    def __init__(self):
        self.sent = []

    def purgeAsync(self, url, httpVerb="PURGE"):
        self.sent.append((httpVerb, url))

    def purgeSync(self, url, httpVerb="PURGE"):
        self.sent.append((httpVerb, url))
        return 200, "", ""

    def stopThreads(self, wait=False):
        return True


@pytest.fixture
def purger(portal):
    """A recording purger and purging on towards one proxy; both undone after the test."""
    recording = RecordingPurger()
    gsm = getGlobalSiteManager()
    original = gsm.queryUtility(IPurger)
    gsm.registerUtility(recording, IPurger)
    api.portal.set_registry_record(f"{PURGING}.enabled", True)
    api.portal.set_registry_record(
        f"{PURGING}.cachingProxies", ("http://127.0.0.1:6081",)
    )
    transaction.commit()
    caching.FOLLOWER.seen.clear()
    yield recording
    gsm.unregisterUtility(recording, IPurger)
    if original is not None:
        gsm.registerUtility(original, IPurger)
    api.portal.set_registry_record(f"{PURGING}.enabled", False)
    api.portal.set_registry_record(f"{PURGING}.cachingProxies", ())
    transaction.commit()


def province_bulletin(portal, title, **fields):
    fields.setdefault("target_scope", "subtree")
    return published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=title,
        **fields,
    )


def commune_bulletin(portal, title):
    return published(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title=title,
    )


def site_path(portal):
    return "/".join(portal.getPhysicalPath())


# -- the cache rule ------------------------------------------------------------------------


@pytest.mark.parametrize("feed", ["feed.json", "feed.atom", "emergency.rss"])
def test_an_anonymous_feed_is_shared_for_a_minute_with_its_own_etag(
    layer, portal, feed
):
    commune_bulletin(portal, "Lịch tiếp công dân")
    settle(portal)
    response = get_feed(layer, "46/19786", feed=feed)
    assert response.status_code == 200
    assert response.headers["X-Cache-Rule"] == "nguon.feed"
    assert response.headers["X-Cache-Operation"] == "nguon.feedCaching"
    assert (
        response.headers["Cache-Control"] == "max-age=0, s-maxage=60, must-revalidate"
    )
    version = portal.unrestrictedTraverse("vn/46/19786")
    assert response.headers["ETag"].strip('"').isdigit()
    assert response.headers["Last-Modified"].endswith("GMT")
    assert version is not None

    again = get_feed(
        layer,
        "46/19786",
        feed=feed,
        headers={"If-None-Match": response.headers["ETag"]},
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == response.headers["ETag"]
    assert "s-maxage=60" in again.headers["Cache-Control"]


def test_the_time_a_proxy_keeps_a_feed_is_a_registry_setting(layer, portal):
    api.portal.set_registry_record("nguon.feedCaching.smaxage", 15)
    transaction.commit()
    try:
        response = get_feed(layer, "46/19786", since="0")
        assert "s-maxage=15" in response.headers["Cache-Control"]
    finally:
        api.portal.set_registry_record("nguon.feedCaching.smaxage", 60)
        transaction.commit()


def test_an_authenticated_feed_request_is_never_shared(layer, portal):
    response = requests.get(
        f"{unit_url(layer, '46', '19786')}/feed.json",
        auth=(COMMUNE_EDITOR, TREE_PASSWORD),
        timeout=30,
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"].startswith("private")
    assert "s-maxage" not in response.headers["Cache-Control"]


def test_errors_are_not_stored(layer, portal):
    response = get_feed(layer, "46/19786", page="zero")
    assert response.status_code == 400
    assert response.headers["Cache-Control"] == "no-store"


def test_the_feed_of_a_unit_anonymous_cannot_see_is_not_shared(layer, portal):
    unit = portal["vn"]["46"]["19777"]
    unit.manage_permission("View", ["Manager"], acquire=False)
    transaction.commit()
    try:
        response = requests.get(
            f"{unit_url(layer, '46', '19777')}/feed.json",
            auth=("admin", "secret"),
            timeout=30,
        )
        # an anonymous request is refused outright; a manager's answer stays private
        assert "s-maxage" not in response.headers.get("Cache-Control", "")
        anonymous = get_feed(layer, "46/19777")
        assert anonymous.status_code in (401, 403, 302, 200)
        assert "s-maxage" not in anonymous.headers.get("Cache-Control", "")
    finally:
        unit.manage_permission("View", [], acquire=True)
        transaction.commit()


def test_plone_and_the_purge_settings_are_installed(portal):
    assert api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.enabled"
    )
    mapping = api.portal.get_registry_record(
        "plone.caching.interfaces.ICacheSettings.operationMapping"
    )
    assert mapping["nguon.feed"] == "nguon.feedCaching"
    # pages and REST answers carry per-visitor parts: no rule lets a proxy share them
    assert "plone.content.itemView" not in mapping
    assert "plone.content.dynamic" not in mapping
    assert api.portal.get_registry_record(f"{PURGING}.enabled") is False


# -- what publishing purges ------------------------------------------------------------------


def test_a_province_wide_item_bans_the_feeds_of_the_provinces_subtree(portal, purger):
    item = province_bulletin(portal, "Lịch cắt điện toàn tỉnh")
    settle(portal)
    site = site_path(portal)
    bans = sorted(url for verb, url in purger.sent if verb == "BAN")
    assert bans == [
        f"http://127.0.0.1:6081{site}/vn/46/.*emergency.",
        f"http://127.0.0.1:6081{site}/vn/46/.*feed.",
        f"http://127.0.0.1:6081{'/'.join(item.getPhysicalPath())}",
    ]
    assert [url for verb, url in purger.sent if verb == "PURGE"] == []


def test_a_commune_item_bans_only_the_communes_own_feeds(portal, purger):
    item = commune_bulletin(portal, "Lịch tiếp công dân phường")
    settle(portal)
    site = site_path(portal)
    assert sorted(purger.sent) == [
        ("BAN", f"http://127.0.0.1:6081{site}/vn/46/19786/@*emergency."),
        ("BAN", f"http://127.0.0.1:6081{site}/vn/46/19786/@*feed."),
        ("BAN", f"http://127.0.0.1:6081{'/'.join(item.getPhysicalPath())}"),
    ]


def test_retracting_purges_the_same_feeds_and_the_items_files(portal, purger):
    item = province_bulletin(
        portal, "Gửi riêng phường Vỹ Dạ", target_scope="chosen", target_units=["19777"]
    )
    settle(portal)
    purger.sent.clear()
    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    site = site_path(portal)
    assert sorted(purger.sent) == [
        ("BAN", f"http://127.0.0.1:6081{site}/vn/46/19777/@*emergency."),
        ("BAN", f"http://127.0.0.1:6081{site}/vn/46/19777/@*feed."),
        ("BAN", f"http://127.0.0.1:6081{'/'.join(item.getPhysicalPath())}"),
    ]


def test_each_change_is_purged_once_and_nothing_when_purging_is_off(portal, purger):
    commune_bulletin(portal, "Thông báo một")
    settle(portal)
    first = len(purger.sent)
    assert first == 3
    settle(portal)  # nothing new in the log: nothing sent again
    assert len(purger.sent) == first

    api.portal.set_registry_record(f"{PURGING}.enabled", False)
    commune_bulletin(portal, "Thông báo hai")
    settle(portal)
    assert len(purger.sent) == first


def test_an_unsafe_path_is_purged_feed_by_feed_instead_of_banned():
    assert caching.unit_bans("/plone/vn/4+6", True) is None
    assert "/plone/vn/4+6/@@feed.json" in caching.unit_purges("/plone/vn/4+6")
    assert caching.unit_bans("/plone/vn/46", True) == [
        "/plone/vn/46/.*feed.",
        "/plone/vn/46/.*emergency.",
    ]


def test_purge_urls_go_to_every_proxy(portal):
    recording = RecordingPurger()
    gsm = getGlobalSiteManager()
    original = gsm.queryUtility(IPurger)
    gsm.registerUtility(recording, IPurger)
    try:
        queued = caching.send(
            ["/plone/a"],
            ["/plone/b/.*feed."],
            proxy_urls=("http://v1:1", "http://v2:2"),
        )
    finally:
        gsm.unregisterUtility(recording, IPurger)
        if original is not None:
            gsm.registerUtility(original, IPurger)
    assert queued == 4
    assert recording.sent == [
        ("BAN", "http://v1:1/plone/b/.*feed."),
        ("BAN", "http://v2:2/plone/b/.*feed."),
        ("PURGE", "http://v1:1/plone/a"),
        ("PURGE", "http://v2:2/plone/a"),
    ]


# -- the setting ----------------------------------------------------------------------------


def test_caching_proxies_are_read_from_the_environment(tmp_path):
    from nguon.instance.settings import from_environment

    assert from_environment({}, cwd=tmp_path).caching_proxies == ()
    settings = from_environment(
        {
            "NGUON_CACHING_PROXIES": " http://127.0.0.1:6081/  https://cache.example:443 "
        },
        cwd=tmp_path,
    )
    assert settings.caching_proxies == (
        "http://127.0.0.1:6081",
        "https://cache.example:443",
    )


@pytest.mark.parametrize("bad", ["127.0.0.1:6081", "ftp://x:1", "http://x:1/plone"])
def test_a_caching_proxy_that_is_no_proxy_address_is_refused(tmp_path, bad):
    from nguon.instance.settings import ConfigurationError
    from nguon.instance.settings import from_environment

    with pytest.raises(ConfigurationError, match="NGUON_CACHING_PROXIES"):
        from_environment({"NGUON_CACHING_PROXIES": bad}, cwd=tmp_path)
