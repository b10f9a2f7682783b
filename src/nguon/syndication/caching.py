"""The feeds behind a caching proxy (Varnish, ``deploy/varnish/nguon.vcl``).

Two halves (``docs/caching.md``):

- **Cache rules.** The feed views are the ruleset ``nguon.feed`` (plone.caching); its
  operation ``nguon.feedCaching`` lets a shared cache keep an anonymous answer for
  ``smaxage`` seconds (60 by default, ``nguon.feedCaching.smaxage`` in the registry) and
  keeps the feed's own ``ETag`` and ``Last-Modified`` (the change log's version of the unit),
  so that the cache answers conditional polls itself and revalidates with Plone cheaply.
  An answer to an authenticated request, or the feed of a unit Anonymous cannot see, is
  ``private``: never shared.

- **Purge on publish.** A feed changes when the change log does, and the log is written by
  the outbox's ``syndication`` consumer after the publishing commit (not in the publishing
  request). So the purge follows the log: after each round of that consumer
  (``IDelivered``), the events logged since the last purge of this process are read and the
  cache drops, through plone.cachepurging's queue (its purger's threads), the feeds of every
  unit in each event's reach (the unit's whole subtree when the reach goes ``below``) and
  every cached answer under the item's own path (its page, files and images; a retracted
  item's file must not stay in the cache). The proxies and the switch are plone.cachepurging's
  records, which every start sets from ``NGUON_CACHING_PROXIES``
  (``nguon.instance.offline.point_at_caching_proxies``).

  ``PURGE <path>`` drops every cached answer for the path whatever its query string;
  ``BAN <regex>`` every answer whose path matches ``^regex`` (the VCL's two methods). A unit's
  feeds are banned with ``<unit path>/@*feed.`` and ``<unit path>/@*emergency.`` (its own
  ``feed.json``, ``@@feed.atom``… whatever the cursor), a subtree's with ``.*`` in place of
  ``@*``; an item's path is banned as a prefix.
"""

from nguon import _
from nguon.publication.store import Event
from nguon.publication.store import storage
from nguon.units.tree import find_unit
from plone.app.caching.operations.utils import visibleToRole
from plone.cachepurging.interfaces import ICachePurgingSettings
from plone.cachepurging.interfaces import IPurger
from plone.cachepurging.utils import getURLsToPurge
from plone.caching.interfaces import ICachingOperation
from plone.caching.interfaces import ICachingOperationType
from plone.caching.utils import lookupOptions
from plone.registry.interfaces import IRegistry
from zope.component import adapter
from zope.component import queryUtility
from zope.component.hooks import getSite
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import provider

import logging
import re
import threading
import time


logger = logging.getLogger("nguon.syndication.caching")

RULESET = "nguon.feed"
OPERATION = "nguon.feedCaching"
FEED_NAMES = ("feed", "emergency")  # feed.atom/rss/json, emergency.atom/rss/json
# Events older than this were never in a cache the purge could reach (s-maxage, grace and
# keep of the VCL are shorter): a process that starts purging reads back no further.
HORIZON_SECONDS = 3600
# Characters a path may hold to be sent as a BAN regex unchanged ('.' matches itself too).
_SAFE_PATH = re.compile(r"^/[A-Za-z0-9._~/@-]*$")


# -- cache rules ---------------------------------------------------------------------------


@implementer(ICachingOperation)
@provider(ICachingOperationType)
@adapter(Interface, Interface)
class FeedCaching:
    """Shared caches keep an anonymous feed ``smaxage`` seconds and revalidate it with the
    feed's own ETag; browsers revalidate every time; nothing authenticated is shared."""

    title = _("caching_feed_title", default="Nguồn tin (feed) của đơn vị")
    description = _(
        "caching_feed_description",
        default="Bộ đệm dùng chung (Varnish) giữ nguồn tin cho người đọc ẩn danh trong "
        "smaxage giây và tự trả lời yêu cầu có điều kiện (ETag của nguồn tin); trình "
        "duyệt luôn hỏi lại; câu trả lời cho người đã đăng nhập không bao giờ được chia sẻ.",
    )
    prefix = OPERATION
    options = ("smaxage",)
    sort = 10
    smaxage = 60

    def __init__(self, published, request):
        self.published = published
        self.request = request

    def interceptResponse(self, rulename, response, class_=None):
        return None  # the feed answers its conditional requests before rendering

    def modifyResponse(self, rulename, response, class_=None):
        if response.getStatus() not in (200, 304):
            return  # errors (400, 410) keep their own no-store
        options = lookupOptions(class_ or self.__class__, rulename)
        smaxage = options.get("smaxage") or self.smaxage
        if _anonymous(self.request) and visibleToRole(self.published, "Anonymous"):
            response.setHeader(
                "Cache-Control", f"max-age=0, s-maxage={int(smaxage)}, must-revalidate"
            )
        else:
            response.setHeader("Cache-Control", "private, max-age=0, must-revalidate")


def _anonymous(request):
    from AccessControl import getSecurityManager

    user = getSecurityManager().getUser()
    return user is None or user.getUserName() == "Anonymous User"


# -- purge on publish ----------------------------------------------------------------------


def unit_bans(unit_path, below):
    """BAN regexes for the feeds of the unit at ``unit_path`` (and of its whole subtree when
    ``below``), or None when the path cannot be sent as a regex."""
    if not _SAFE_PATH.match(unit_path):
        return None
    joint = ".*" if below else "@*"
    return [f"{unit_path}/{joint}{name}." for name in FEED_NAMES]


def unit_purges(unit_path):
    """PURGE paths for a unit's own feeds (the fallback when its path is no safe regex)."""
    return [
        f"{unit_path}/{prefix}{name}.{kind}"
        for prefix in ("", "@@")
        for name in FEED_NAMES
        for kind in ("atom", "rss", "json")
    ]


def changes_to_purge(portal, events, store=None):
    """``(purges, bans)``: the paths to PURGE and the path regexes to BAN so that no cache
    keeps an answer the change log ``events`` (Event tuples) changed: the feeds of every
    unit in their reach, and everything under each item's own path."""
    store = store if store is not None else storage(portal)
    site_path = "/".join(portal.getPhysicalPath())
    purges, bans, units = set(), set(), {}
    for raw in events:
        event = Event(raw)
        for code, below in event.reach:
            if code not in units:
                unit = find_unit(code)
                units[code] = "/".join(unit.getPhysicalPath()) if unit else None
            path = units[code]
            if path is None:
                continue
            regexes = unit_bans(path, below)
            if regexes is None:
                purges.update(unit_purges(path))
            else:
                bans.update(regexes)
        item_path = _item_path(portal, store, event.uid, site_path)
        if item_path:
            if _SAFE_PATH.match(item_path):
                bans.add(item_path)
            else:
                purges.add(item_path)
    return sorted(purges), sorted(bans)


def _item_path(portal, store, uid, site_path):
    """Where the item is now (a retracted item is still in the catalog), else where the log
    last saw it published; None for an item that is gone (Plone purged it on removal)."""
    brains = portal.portal_catalog.unrestrictedSearchResults(UID=uid)
    if brains:
        return brains[0].getPath()
    record = store.items.get(uid) if store is not None else None
    entry = getattr(record, "entry", None) or {}
    return f"{site_path}/{entry['path'].strip('/')}" if entry.get("path") else None


def proxies(registry=None):
    """The caching proxies to purge, or () when purging is off."""
    registry = registry or queryUtility(IRegistry)
    if registry is None:
        return ()
    settings = registry.forInterface(ICachePurgingSettings, check=False)
    try:
        if not settings.enabled:
            return ()
        return tuple(settings.cachingProxies or ())
    except KeyError:  # plone.app.caching not installed on this site yet
        return ()


def send(purges, bans, urls_of=getURLsToPurge, proxy_urls=None):
    """Queue the requests in plone.cachepurging's purger; returns how many were queued."""
    proxy_urls = proxies() if proxy_urls is None else proxy_urls
    purger = queryUtility(IPurger)
    if not proxy_urls or purger is None:
        return 0
    queued = 0
    for verb, paths in (("BAN", bans), ("PURGE", purges)):
        for path in paths:
            for url in urls_of(path, proxy_urls):
                purger.purgeAsync(url, httpVerb=verb)
                queued += 1
    return queued


class Follower:
    """Where this process's purges stand in each site's change log (in memory: after a
    restart, only the last ``HORIZON_SECONDS`` of events are read again)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = {}  # site path -> last sequence purged

    def new_events(self, portal, store, now=None):
        key = "/".join(portal.getPhysicalPath())
        oldest = (now or time.time()) - HORIZON_SECONDS
        with self.lock:
            last = self.seen.get(key, 0)
            events = []
            seq = store.sequence
            while seq > last and seq > store.horizon:
                raw = store.log.get(seq)
                if raw is not None:
                    if Event(raw).time < oldest:
                        break
                    events.append(raw)
                seq -= 1
            self.seen[key] = store.sequence
        events.reverse()
        return events


FOLLOWER = Follower()


def purge_changes(event):
    """``IDelivered``: after the ``syndication`` consumer logged changes, purge what they
    changed (a failure is logged and never holds up the delivery thread)."""
    if event.name != "syndication" or not event.delivered:
        return
    try:
        portal = getSite()
        proxy_urls = proxies()
        store = storage(portal) if portal is not None else None
        if not proxy_urls or store is None:
            return
        events = FOLLOWER.new_events(portal, store)
        if not events:
            return
        purges, bans = changes_to_purge(portal, events, store)
        send(purges, bans, proxy_urls=proxy_urls)
    except Exception:
        logger.exception("cannot purge the caching proxies")
