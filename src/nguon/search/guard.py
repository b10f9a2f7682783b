"""What a catalog query may carry to Solr, and the catalog's last word on every Solr hit.

collective.solr passes Solr parameters found in a catalog query straight through: from a
request, ``request_handler`` reaches Solr's admin API and ``fq``/``fl``/``facet`` change the
query. Queries come from requests (restapi ``@search`` hands over its whole form), so those keys
are dropped, ``show_inactive`` is honoured only for users allowed to see inactive content,
and the text is bounded. Solr's answer is then checked against the catalog with the user's
own filters: a document Solr still holds for an item that was retracted, expired or deleted
is never shown.
"""
from DateTime import DateTime
from plone import api

import logging
import unicodedata


UNTRUSTED = ("request_handler", "core", "fq", "fl", "bq", "bf", "boost", "d", "pt", "sfield",
             "qt", "defType", "q", "use_solr", "rows", "start", "wt", "sort")
UNTRUSTED_PREFIXES = ("hl", "facet", "group", "stats", "spellcheck", "json", "debug", "mlt",
                      "terms", "expand", "collapse", "shards")
MAX_TEXT = 200
logger = logging.getLogger("nguon.search")


def untrusted(key):
    return key in UNTRUSTED or any(key == p or key.startswith(p + ".") for p in UNTRUSTED_PREFIXES)


def sanitized(query):
    """A copy of the catalog ``query`` safe to hand to collective.solr."""
    clean = {key: value for key, value in query.items() if not untrusted(key)}
    if not api.user.has_permission("Access inactive portal content"):
        clean.pop("show_inactive", None)
        clean["effectiveRange"] = DateTime()
    text = clean.get("SearchableText")
    if isinstance(text, dict):
        text = text.get("query")
    if isinstance(text, str):
        clean["SearchableText"] = text[:MAX_TEXT]
    return clean


def has_words(text):
    """True when ``text`` holds a letter or a digit (something a search can match)."""
    return any(unicodedata.category(c)[0] in "LN" for c in str(text or ""))


def visible_brains(catalog, uids, show_inactive=False):
    """The catalog's brains of those of ``uids`` the current user finds (its own security
    filters), by UID."""
    if not uids:
        return {}
    query = {"UID": list(uids)}
    if show_inactive:
        query["show_inactive"] = True
    return {brain.UID: brain for brain in catalog._cs_old_searchResults(query)}


def drop_unseen(response, catalog, show_inactive=False):
    """Remove from a Solr response the hits the catalog does not show the user."""
    results = response.results()
    hits = [flare for flare in results if flare is not None]
    seen = visible_brains(catalog, [flare.get("UID") for flare in hits], show_inactive)
    stale = [flare for flare in hits if flare.get("UID") not in seen]
    for flare in stale:
        results.remove(flare)
        if results and results[-1] is None:
            results.pop()
    if stale and getattr(results, "numFound", None) is not None:
        results.numFound = str(int(results.numFound) - len(stale))
        logger.info(
            "hid %d Solr hits the catalog does not show: %s", len(stale),
            ", ".join(str(flare.get("UID")) for flare in stale))
    return response
