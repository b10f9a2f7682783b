"""Catalog searches (restapi ``@search``, Plone's ``@@search``, collections) on Solr.

Registered for Plone's catalog tool, so it replaces collective.solr's dispatcher: the query is
sanitized (``guard``), sent to Solr through collective.solr, and every hit is checked against
the catalog. When Solr is down or fails, the same query is answered by the catalog and the
log says so once; the person searching sees results either way. When Solr refuses one query
(HTTP 400: a query it cannot parse), that query alone is answered by the catalog: Solr stays
"up" for everyone else.
"""

from collective.solr.dispatcher import solrSearchResults
from collective.solr.exceptions import FallBackException
from collective.solr.exceptions import SolrConnectionException
from collective.solr.interfaces import ISearchDispatcher
from nguon.search import client
from nguon.search import guard
from nguon.search.health import HEALTH
from plone.base.interfaces import IPloneCatalogTool
from zope.component import adapter
from zope.interface import implementer
from zope.publisher.interfaces.http import IHTTPRequest
from ZTUtils.Lazy import LazyCat

import http.client
import logging


logger = logging.getLogger("nguon.search")
UNAVAILABLE = (SolrConnectionException, OSError, http.client.HTTPException)


@implementer(ISearchDispatcher)
@adapter(IPloneCatalogTool)
class GuardedDispatcher:
    def __init__(self, context):
        self.context = context

    def __call__(self, request, **keywords):
        catalog = self.context
        if not client.is_active():
            return catalog._cs_old_searchResults(request, **keywords)
        query = guard.sanitized(merged_query(request, keywords), catalog)
        if "SearchableText" in query and not guard.has_words(query["SearchableText"]):
            return LazyCat([])
        if not HEALTH.usable(client.ping):
            return catalog._cs_old_searchResults(query)
        try:
            response = solrSearchResults(None, **query)
        except FallBackException:
            return catalog._cs_old_searchResults(query)
        except UNAVAILABLE as error:
            if rejected(
                error
            ):  # this query's fault: only this search goes to the catalog
                logger.info(
                    "Solr rejected a search, answered from the catalog: %s", error
                )
            else:
                HEALTH.down(f"{error.__class__.__name__}: {error}")
            return catalog._cs_old_searchResults(query)
        except AssertionError:  # collective.solr found no word to search for
            return LazyCat([])
        HEALTH.up()
        return guard.drop_unseen(response, catalog, bool(query.get("show_inactive")))


def rejected(error):
    """True when Solr refused the query itself (bad syntax, a field it cannot sort on): a
    fault of one request, never a sign that Solr is down for everyone."""
    try:
        return client.is_rejection(int(getattr(error, "httpcode", 0)))
    except (TypeError, ValueError):
        return False


def merged_query(request, keywords):
    """The query as ZCatalog reads it: the request's form (or a query dict), then keywords."""
    query = {}
    if IHTTPRequest.providedBy(request):
        query.update(request.form)
    elif isinstance(request, dict):
        query.update(request)
    query.update(keywords)
    return query
