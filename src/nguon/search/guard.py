"""What a catalog query may carry to Solr, and the catalog's last word on every Solr hit.

collective.solr turns some keys of a catalog query into Solr parameters (``fq``, ``fl``,
``facet``/``facet.*``/``facet_*``, ``hl``, ``bq``, ``d``, ``pt``, ``sfield``, ``core``,
``request_handler``, ``b_start``/``b_size`` into ``start``/``rows``, ``sort_on``/``sort-on``,
``sort_order``, ``sort_limit``/``sort-limit``, ``default``, ``*_usage``, ``+name``/``-name``)
and queries come from requests (restapi ``@search`` hands over its whole form). So only the
catalog's own index names and query options survive (an allow-list: whatever collective.solr
learns to read next is dropped too), their options are checked, paging is bounded,
``show_inactive`` is honoured only for users allowed to see inactive content, and the text is
bounded. A value that cannot be a query answers 400 (``BadRequest``) with a translated
message. Solr's answer is then checked against the catalog with the user's own filters: a
document Solr still holds for an item that was retracted, expired or deleted is never shown.
"""

from collections.abc import Mapping
from DateTime import DateTime
from datetime import date
from nguon import _
from plone import api
from Products.CMFCore.indexing import processQueue
from Products.CMFCore.utils import _getAuthenticatedUser
from Products.PluginIndexes.interfaces import ISortIndex
from zExceptions import BadRequest
from zope.globalrequest import getRequest
from zope.i18n import translate
from ZPublisher.HTTPRequest import record

import logging
import unicodedata


MAX_TEXT = 200
MAX_ROWS = (
    1000  # the most rows one search asks Solr for (collective.solr's max_results)
)
MAX_START = 10_000
PAGING = ("b_start", "b_size", "sort_limit")
SOLR_PARAMETERS = (
    "fq",
    "fl",
    "facet",
    "hl",
    "bq",
    "d",
    "pt",
    "sfield",
    "core",
    "request_handler",
)
DATE_INDEXES = ("DateIndex", "DateRangeIndex", "DateRecurringIndex")
SORT_ORDERS = ("ascending", "descending", "reverse")
INDEX_OPTIONS = {
    "query": None,
    "not": None,
    "range": ("min", "max", "min:max", "minmax"),
    "operator": ("and", "or"),
    "depth": int,
    "navtree": None,
    "navtree_start": int,
}
logger = logging.getLogger("nguon.search")


def is_solr_parameter(key):
    """True for a key collective.solr would send to Solr as a parameter of its own."""
    return key in SOLR_PARAMETERS or key.startswith(("facet.", "facet_", "hl."))


def refused(name):
    """The 400 answer to a query parameter ``name`` that cannot be used."""
    message = _(
        "search_error_parameter",
        default="Tham số tìm kiếm «${name}» không hợp lệ.",
        mapping={"name": name},
    )
    return BadRequest(translate(message, context=getRequest()))


def query_names(catalog):
    """The keys a query of ``catalog`` may use: its indexes' query names."""
    names = set()
    for index in catalog._catalog.indexes.values():
        names.update(catalog._catalog._get_index_query_names(index))
    return names


def sanitized(query, catalog=None):
    """A copy of the catalog ``query`` safe to hand to collective.solr."""
    catalog = catalog or api.portal.get_tool("portal_catalog")
    names = query_names(catalog)
    clean = {
        key: _index_value(catalog, key, value)
        for key, value in query.items()
        if key in names
    }
    for key in PAGING:
        if query.get(key) not in (None, ""):
            clean[key] = bounded(
                key, query[key], MAX_START if key == "b_start" else MAX_ROWS
            )
    sort_on = _sort_on(catalog, query.get("sort_on"))
    if sort_on:
        clean["sort_on"] = sort_on
        if _sort_order(query.get("sort_order")):
            clean["sort_order"] = query["sort_order"]
    if not api.user.has_permission("Access inactive portal content"):
        clean["effectiveRange"] = DateTime()
    elif query.get("show_inactive"):
        clean["show_inactive"] = True
    text = clean.get("SearchableText")
    if isinstance(text, dict):
        text = text.get("query")
    if isinstance(text, (list, tuple)):
        text = " ".join(str(part) for part in text)
    if text is not None:
        # NFC: a word typed with decomposed tone marks (NFD) is the same word; collective.solr
        # would cut it at every combining mark (not a word character of its simple search).
        clean["SearchableText"] = unicodedata.normalize(
            "NFC", str(text)[: MAX_TEXT * 4]
        )[:MAX_TEXT]
    return clean


def _index_value(catalog, name, value):
    """``value`` of index ``name`` with only the options its index reads, each checked."""
    index = catalog._catalog.indexes.get(name)
    if getattr(index, "meta_type", None) in DATE_INDEXES:
        check_dates(
            name, value.get("query") if isinstance(value, (Mapping, record)) else value
        )
    if isinstance(value, (Mapping, record)):
        options = {key: value[key] for key in value if key in INDEX_OPTIONS}
        for key, allowed in INDEX_OPTIONS.items():
            if key not in options or allowed is None:
                continue
            option = options[key]
            if allowed is int:
                options[key] = _integer(f"{name}.{key}", option)
            elif option not in allowed:
                raise refused(f"{name}.{key}")
        return options
    return value


def check_dates(name, value):
    """Refuse a date index's query that holds something other than dates."""
    for one in value if isinstance(value, (list, tuple)) else [value]:
        if one is None or isinstance(one, (DateTime, date)):
            continue
        try:
            DateTime(str(one))
        except (
            Exception
        ):  # DateTime raises its own SyntaxError, TimeError, DateError, …
            raise refused(name) from None


def _integer(name, value):
    try:
        return int(value)
    except (TypeError, ValueError):
        raise refused(name) from None


def bounded(name, value, highest):
    """A paging number: an integer from 0, at most ``highest``; a negative one is refused."""
    number = _integer(name, value)
    if number < 0:
        raise refused(name)
    return min(number, highest)


def _sort_on(catalog, value):
    """``value`` when every index it names can sort, else None (the catalog's order)."""
    names = value if isinstance(value, (list, tuple)) else [value]
    if not value or not all(isinstance(name, str) for name in names):
        return None
    indexes = catalog._catalog.indexes
    if all(ISortIndex.providedBy(indexes.get(name)) for name in names):
        return value
    return None


def _sort_order(value):
    orders = value if isinstance(value, (list, tuple)) else [value]
    return bool(value) and all(str(order).lower() in SORT_ORDERS for order in orders)


def has_words(text):
    """True when ``text`` holds a letter or a digit (something a search can match)."""
    return any(unicodedata.category(c)[0] in "LN" for c in str(text or ""))


def visible_brains(catalog, uids, show_inactive=False):
    """The catalog's brains of those of ``uids`` the current user finds (its own security
    filters), by UID."""
    if not uids:
        return {}
    rids = visible_rids(catalog, uids, show_inactive)
    if rids is not None:
        return {uid: catalog._catalog[rid] for uid, rid in rids.items()}
    query = {"UID": list(uids)}
    if show_inactive:
        query["show_inactive"] = True
    return {brain.UID: brain for brain in catalog._cs_old_searchResults(query)}


def visible_rids(catalog, uids, show_inactive=False):
    """The catalog's record ids of those of ``uids`` the current user finds, by UID, read
    from the indexes' own records, row by row: what
    ``CatalogTool.searchResults`` would find for ``UID: uids`` (one of the user's roles in
    ``allowedRolesAndUsers``; ``effectiveRange`` now, unless inactive content may be shown),
    at a cost that grows with the rows asked about, not with the catalog (a catalog query
    intersects the sets of every published item). None when the catalog lacks those indexes."""
    indexes = catalog._catalog.indexes
    by_uid = indexes.get("UID")
    roles = indexes.get("allowedRolesAndUsers")
    dates = indexes.get("effectiveRange")
    if (
        getattr(by_uid, "meta_type", None) != "UUIDIndex"
        or getattr(roles, "meta_type", None) != "KeywordIndex"
        or getattr(dates, "meta_type", None) != "DateRangeIndex"
    ):
        return None
    processQueue()  # what this transaction indexed, as searchResults does first
    allowed = set(catalog._listAllowedRolesAndUsers(_getAuthenticatedUser(catalog)))
    now = None
    if not (show_inactive or catalog.allow_inactive({})):
        now = dates._convertDateTime(DateTime())
    found = {}
    for uid in uids:
        rid = by_uid._index.get(uid)
        if rid is None or allowed.isdisjoint(roles._unindex.get(rid, ())):
            continue
        if now is not None:
            since, until = dates._unindex.get(rid, (None, None))
            if (since is not None and since > now) or (
                until is not None and until < now
            ):
                continue
        found[uid] = rid
    return found
