"""The Plone side of the commune's address of the app (``?xa=<unit code>``,
``nguon.webapp.first``): the unit, if the public may see it, and the first page of its JSON
feed exactly as ``<unit>/feed.json?size=30`` gives it, both read as Anonymous whoever asks
(a logged-in editor gets the page everyone gets: nothing unpublished can be in it)."""

from AccessControl.SecurityManagement import getSecurityManager
from Acquisition import aq_chain
from Acquisition import aq_inner
from nguon import _
from nguon.publication.feeds import UnitFeed
from nguon.publication.public import as_anonymous
from nguon.publication.store import storage
from nguon.syndication import formats
from nguon.syndication.browser.feed import JsonFeed
from nguon.syndication.query import FeedQuery
from nguon.units.tree import ancestor_units
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone.base.interfaces.siteroot import IPloneSiteRoot
from zope.i18n import translate


SIZE = 30  # the app's page of the feed (webapp/src/api.js)


def public_unit(portal, code):
    """The unit with this code if Anonymous may view it and every unit above it, else None."""
    unit = find_unit(code)
    if unit is None:
        return None
    unit = portal.unrestrictedTraverse(
        unit.getPhysicalPath()[len(portal.getPhysicalPath()) :], None
    )
    if unit is None:
        return None
    security = getSecurityManager()
    for obj in aq_chain(aq_inner(unit)):
        if IPloneSiteRoot.providedBy(obj):
            break
        if not security.checkPermission("View", obj):
            return None
    return unit


def unit_facts(unit):
    """The unit as the app keeps it (webapp/src/main.js ``choose``)."""
    parent = ancestor_units(unit)
    return {
        "code": unit.code,
        "title": unit.Title(),
        "parent": parent[0].Title() if parent else "",
        "url": unit.absolute_url(),
    }


def feed_data(portal, unit, request):
    """The first page of the unit's JSON feed, as ``feed.json?size=30`` renders it."""
    query = FeedQuery.from_form({"size": str(SIZE)})
    view = JsonFeed(unit, request)
    view.__name__ = "feed.json"
    store = storage(portal)
    codes = [code for code, _level in lineage(unit)]
    feed = UnitFeed(store, codes, query.filters) if store is not None else None
    return formats.json_feed_data(view.document(feed, query))


def first_of(portal, code, request):
    """``(unit, feed)`` of the public unit with this code, or None."""
    with as_anonymous():
        unit = public_unit(portal, code)
        if unit is None:
            return None
        return unit_facts(unit), feed_data(portal, unit, request)


WORDS = {
    # The same texts as the app's (webapp/src/strings.js).
    "change_place": _("app_first_change_place", default="Đổi xã, phường"),
    "warnings": _("app_first_warnings", default="Cảnh báo đang có hiệu lực"),
    "no_warnings": _("app_first_no_warnings", default="Hiện không có cảnh báo nào."),
    "latest": _("app_first_latest", default="Tin mới nhất"),
    "no_items": _("app_first_no_items", default="Chưa có tin nào."),
    "emergency": _("app_first_emergency", default="Khẩn cấp"),
    "priority": _("app_first_priority", default="Ưu tiên"),
    "essential": _("app_first_essential", default="Thiết yếu"),
    "radio": _("app_first_radio", default="Có bản tin phát thanh"),
    "expires": _("app_first_expires", default="Hiệu lực đến"),
    "read_on_site": _("app_first_read_on_site", default="Xem trên trang thông tin"),
}
SEVERITY = {
    "Extreme": _("app_first_severity_extreme", default="Đặc biệt nguy hiểm"),
    "Severe": _("app_first_severity_severe", default="Nguy hiểm"),
    "Moderate": _("app_first_severity_moderate", default="Có thể gây hại"),
    "Minor": _("app_first_severity_minor", default="Ít nguy hiểm"),
    "Unknown": _("app_first_severity_unknown", default="Chưa rõ"),
}


def words(request):
    found = {key: translate(msg, context=request) for key, msg in WORDS.items()}
    found["severity"] = {
        key: translate(msg, context=request) for key, msg in SEVERITY.items()
    }
    return found
