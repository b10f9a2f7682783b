"""The feeds through a real Varnish with the product's VCL, in front of the test site's WSGI
server: a commune's conditional poll is answered 304 by the cache, logged-in and signed
requests never come from it, tracking cookies do not split it, and an item published for the
commune shows in the next polls because the purge arrived (no waiting for s-maxage)."""

from nguon.syndication import caching
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.syndication.caching_proxy import Varnish
from tests.syndication.caching_proxy import varnishd
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from urllib.parse import urlsplit

import pytest
import requests
import time
import transaction


pytestmark = pytest.mark.skipif(
    varnishd() is None, reason="varnishd not installed (scripts/system-packages.sh)"
)
PURGING = "plone.cachepurging.interfaces.ICachePurgingSettings"


def until(condition, timeout=30, pause=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(pause)
    return condition()


@pytest.fixture
def cache(portal):
    backend = urlsplit(portal.absolute_url())
    varnish = Varnish(backend.hostname, backend.port)
    varnish.start()
    api.portal.set_registry_record(f"{PURGING}.enabled", True)
    api.portal.set_registry_record(f"{PURGING}.cachingProxies", (varnish.url,))
    transaction.commit()
    caching.FOLLOWER.seen.clear()
    try:
        site = f"{varnish.url}{backend.path}"
        # the health probe has seen the backend up before anything is asked
        assert until(lambda: requests.get(f"{site}/vn/feed.json").status_code == 200)
        yield varnish, site
    finally:
        varnish.stop()
        api.portal.set_registry_record(f"{PURGING}.enabled", False)
        api.portal.set_registry_record(f"{PURGING}.cachingProxies", ())
        transaction.commit()


def titles(response):
    return [item["title"] for item in response.json()["items"]]


def test_a_commune_polls_through_the_cache_and_sees_a_new_item_at_once(portal, cache):
    varnish, site = cache
    published(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch tiếp công dân",
    )
    settle(portal)  # a feed with a date (Varnish ignores a Last-Modified of 1970)
    feed = f"{site}/vn/46/19786/feed.json"
    assert until(lambda: "Lịch tiếp công dân" in requests.get(feed).text)
    first = requests.get(feed, timeout=30)
    assert first.status_code == 200
    assert (
        first.headers["Cache-Control"] == "max-age=0, must-revalidate"
    )  # s-maxage is the cache's
    etag = first.headers["ETag"]

    poll = requests.get(feed, headers={"If-None-Match": etag}, timeout=30)
    assert poll.status_code == 304
    assert poll.headers["X-Cache"] == "HIT"
    assert poll.headers["ETag"] == etag
    since = requests.get(
        feed, headers={"If-Modified-Since": first.headers["Last-Modified"]}, timeout=30
    )
    assert since.status_code == 304
    assert since.headers["X-Cache"] == "HIT"
    # tracking cookies are stripped: still the shared answer
    tracked = requests.get(feed, cookies={"_ga": "GA1.1.1"}, timeout=30)
    assert tracked.headers["X-Cache"] == "HIT"

    published(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch tiêm chủng tháng Mười Hai",
    )
    settle(portal)  # the change log's round; its IDelivered sends the purge

    def new_item_seen():
        answer = requests.get(feed, headers={"If-None-Match": etag}, timeout=30)
        return answer.status_code == 200 and "Lịch tiêm chủng tháng Mười Hai" in titles(
            answer
        )

    assert until(new_item_seen)
    assert varnish.stats("MAIN.bans")["MAIN.bans"] >= 1


def test_a_province_retraction_leaves_every_commune_feed_below(portal, cache):
    _varnish, site = cache
    item = published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Lịch cắt điện toàn tỉnh",
        target_scope="subtree",
    )
    settle(portal)
    feeds = [f"{site}/vn/46/{code}/feed.atom" for code in ("19786", "19777")]
    for feed in feeds:
        assert until(lambda feed=feed: "Lịch cắt điện" in requests.get(feed).text)
        # The purge of this publication may still be on its way (it follows the change
        # log's commit): the feed is stored again once it has passed.
        assert until(lambda feed=feed: requests.get(feed).headers["X-Cache"] == "HIT")

    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    for feed in feeds:
        assert until(
            lambda feed=feed: (
                "Lịch cắt điện toàn tỉnh</title>" not in requests.get(feed).text
            )
        )


def test_logged_in_and_signed_requests_never_come_from_the_cache(portal, cache):
    _varnish, site = cache
    feed = f"{site}/vn/46/19786/feed.json"
    requests.get(feed, timeout=30)
    assert requests.get(feed, timeout=30).headers["X-Cache"] == "HIT"
    for kwargs in (
        {"auth": (COMMUNE_EDITOR, TREE_PASSWORD)},
        {"cookies": {"__ac": "c29tZW9uZQ=="}},
        {"cookies": {"auth_token": "x"}},
        {"headers": {"X-Nguon-Subscription": "sub-1"}},
    ):
        for _twice in range(2):
            answer = requests.get(feed, timeout=30, **kwargs)
            assert answer.headers["X-Cache"] == "MISS", kwargs
    own = requests.get(feed, auth=(COMMUNE_EDITOR, TREE_PASSWORD), timeout=30)
    assert own.headers["Cache-Control"].startswith("private")
    # and what the logged-in user got was not stored for anyone else
    assert requests.get(feed, timeout=30).headers["X-Cache"] == "HIT"


def test_purge_and_ban_come_only_from_the_acl_and_drop_every_cursor(portal, cache):
    _varnish, site = cache
    feed = f"{site}/vn/46/19777/feed.json"
    for params in ({}, {"since": "0"}):
        requests.get(feed, params=params, timeout=30)
        assert requests.get(feed, params=params).headers["X-Cache"] == "HIT"
    path = urlsplit(feed).path
    assert requests.request(
        "PURGE", f"{urlsplit(site)._replace(path=path).geturl()}"
    ).ok
    for params in ({}, {"since": "0"}):
        assert requests.get(feed, params=params).headers["X-Cache"] == "MISS"


def test_only_what_a_caching_rule_allows_is_stored(portal, cache):
    _varnish, site = cache
    # a static resource: plone.app.caching's rule (strong caching) lets the cache keep it
    resource = f"{site}/++resource++plone-logo.svg"
    requests.get(resource, timeout=30)
    assert requests.get(resource, timeout=30).headers["X-Cache"] == "HIT"
    # a view's own "public, max-age" (the CAP alerts' index) is for browsers, not stored
    alerts = f"{site}/@@alerts.atom"
    first = requests.get(alerts, timeout=30)
    assert "max-age=60" in first.headers["Cache-Control"]
    assert requests.get(alerts, timeout=30).headers["X-Cache"] == "MISS"
    # nor a page
    page = f"{site}/vn/46/19786"
    requests.get(page, timeout=30)
    assert requests.get(page, timeout=30).headers["X-Cache"] == "MISS"
