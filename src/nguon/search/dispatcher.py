"""Catalog searches (restapi ``@search``, Plone's ``@@search``, collections) on Solr.

Registered for Plone's catalog tool, so it replaces collective.solr's dispatcher: the query is
sanitized (``guard``), turned into Solr's query by collective.solr (``buildQueryAndParameters``:
the same query, filters and sort as before), and answered as a lazy sequence of the catalog's
own brains, in Solr's order (``SolrHits``):

- Solr is asked only for the rows the caller reads: the page of ``b_start``/``b_size`` (Plone's
  ``@@search``), ``sort_limit``, or a first page of ``FIRST_ROWS``; later rows are fetched when
  they are read, in growing chunks. collective.solr asked for ``max_results`` (1000) rows,
  parsed them from XML into result objects and padded the list with ``None`` up to Solr's
  count; here the answer is JSON with the ``UID`` field alone, and the length is Solr's count.
- Every fetched row is checked against the catalog with the user's own security filters
  (``guard.visible_brains``): a document Solr still holds for an item that was retracted,
  expired or deleted is dropped, the rows after it move up. The brains of that check are the
  results, so every caller gets what the catalog would give (metadata, ``getURL``,
  ``getObject``).

When Solr is down or fails, the same query is answered by the catalog and the log says so
once; the person searching sees results either way. When Solr refuses one query (HTTP 400: a
query it cannot parse), that query alone is answered by the catalog: Solr stays "up" for
everyone else.
"""

from bisect import insort
from collective.solr.exceptions import FallBackException
from collective.solr.exceptions import SolrConnectionException
from collective.solr.exceptions import SolrInactiveException
from collective.solr.interfaces import ISearch
from collective.solr.interfaces import ISearchDispatcher
from nguon.search import client
from nguon.search import guard
from nguon.search.health import HEALTH
from plone.base.interfaces import IPloneCatalogTool
from plone.registry.interfaces import IRegistry
from zope.component import adapter
from zope.component import getUtility
from zope.component import queryUtility
from zope.component.hooks import getSite
from zope.interface import implementer
from zope.interface.common.sequence import IFiniteSequence
from zope.publisher.interfaces.http import IHTTPRequest
from ZTUtils.Lazy import Lazy
from ZTUtils.Lazy import LazyCat

import copy
import http.client
import json
import logging


logger = logging.getLogger("nguon.search")
UNAVAILABLE = (SolrConnectionException, OSError, http.client.HTTPException)
FIRST_ROWS = 25  # rows of the first request when the caller names none (restapi's page)
MORE_ROWS = 1000  # the most rows of one later request
STALE = object()  # a position whose Solr document the catalog does not show
# "In effect now" as a filter Solr can cache: whole hours, wide on both sides (collective.solr
# puts the exact time, to the millisecond, into ``q``: every query new to Solr's caches). The
# few rows that take effect or expire within the hour are dropped by the catalog check of every
# row, which uses the exact time (as the citizen search does).
IN_EFFECT = "effective:[* TO NOW/HOUR+1HOUR] AND expires:[NOW/HOUR TO *]"


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
            results = solr_hits(catalog, query)
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
        return results


def solr_hits(catalog, query):
    """The catalog ``query`` (sanitized) on Solr: a ``SolrHits`` with its first rows fetched,
    or an empty sequence. Raises ``FallBackException`` where collective.solr's own
    ``solrSearchResults`` did (no search utility, a navtree query, no required key)."""
    site = getSite()
    search = queryUtility(ISearch, context=site)
    if search is None:
        logger.warning("No search utility found in site %s", site)
        raise FallBackException
    args = copy.deepcopy(query)
    path = args.get("path")
    if isinstance(path, dict) and "navtree" in path:
        raise FallBackException  # collective.solr cannot answer navtree queries
    required = getUtility(IRegistry)["collective.solr.required"] or ()
    present = set(required).intersection(args)
    if required and (not present or not all(args[key] for key in present)):
        raise FallBackException
    in_effect = args.pop("effectiveRange", None) is not None
    solr_query, params = search.buildQueryAndParameters(**args)
    if not solr_query:
        return LazyCat([])
    if in_effect:
        filters = params.get("fq") or []
        params["fq"] = [
            *([filters] if isinstance(filters, str) else filters),
            IN_EFFECT,
        ]
    hits = SolrHits(
        search, solr_query, params, catalog, bool(query.get("show_inactive"))
    )
    hits.fetch(hits.first_start, hits.first_rows)
    return hits


@implementer(IFiniteSequence)  # plone.app.contentlisting's adapter (Plone's @@search)
class SolrHits(Lazy):
    """Solr's hits of one query as the catalog's brains, fetched when read.

    Positions are Solr's; the ``i``-th result is the ``i``-th row that the catalog shows the
    user, counting only the stale rows already fetched (like collective.solr, which checked
    only the rows it had: a page far down may shift by the stale rows above it that were never
    read). The length is Solr's count less the stale rows seen."""

    def __init__(self, search, query, params, catalog, show_inactive=False):
        self._search = search
        self._query = query
        self._params = dict(params)
        self._catalog = catalog
        self._show_inactive = show_inactive
        start = self._params.pop("start", 0)
        rows = self._params.pop("rows", None)
        self.first_start = int(start or 0)
        self.first_rows = int(rows) if rows else FIRST_ROWS
        self._more = max(self.first_rows, FIRST_ROWS)
        self._found = None  # Solr's count, from the last answer
        self._docs = {}  # Solr position: brain, or STALE
        self._stale = []  # positions of stale rows, sorted
        self._cap = None  # a limit set through actual_result_count

    # --- what callers see --------------------------------------------------------------------

    def __len__(self):
        length = max((self._found or 0) - len(self._stale), 0)
        return length if self._cap is None else min(length, self._cap)

    @property
    def actual_result_count(self):
        return len(self)

    @actual_result_count.setter
    def actual_result_count(self, value):
        """plone.app.querystring sets a collection's limit here (and plone.batching reads a
        count that differs from the length as a sequence holding only one page)."""
        self._cap = max(int(value), 0)

    def __getitem__(self, index):
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if start < stop:
                self._prefetch(start, stop)
            found = []
            for number in range(start, stop, step):
                try:
                    found.append(self[number])
                except IndexError:
                    break
            return found
        number = int(index)
        if number < 0:
            number += len(self)
        while True:
            if number < 0 or number >= len(self):
                raise IndexError(index)
            position = self._position(number)
            brain = self._docs.get(position)
            if isinstance(brain, int):  # a record id: its brain is made when first read
                brain = self._docs[position] = self._catalog._catalog[brain]
            if brain is not None and brain is not STALE:
                return brain
            if not self._fetch_more(position, 1):
                raise IndexError(index)

    def __repr__(self):
        return f"<SolrHits {len(self)} hits, {len(self._docs)} fetched>"

    # --- fetching ----------------------------------------------------------------------------

    def _position(self, number):
        """Solr's position of the ``number``-th shown row (the stale rows fetched skipped)."""
        position = number
        for stale in self._stale:
            if stale > position:
                break
            position += 1
        return position

    def _prefetch(self, start, stop):
        """Fetch in one request the rows a slice reads."""
        first = self._position(start)
        if first in self._docs:
            missing = [
                p
                for p in range(first, self._position(stop - 1) + 1)
                if p not in self._docs
            ]
            if not missing:
                return
            first = missing[0]
        self._fetch_more(first, self._position(stop - 1) + 1 - first)

    def _fetch_more(self, position, rows):
        """Fetch from ``position`` at least ``rows`` rows (a chunk growing with every read);
        False when Solr has nothing there (or stopped answering)."""
        rows = min(max(rows, self._more), guard.MAX_ROWS)
        self._more = min(self._more * 2, MORE_ROWS)
        try:
            return self.fetch(position, rows) > 0
        except UNAVAILABLE as error:
            HEALTH.down(f"{error.__class__.__name__}: {error}")
            return False

    def fetch(self, start, rows):
        """Ask Solr for ``rows`` UIDs from position ``start``; check them against the catalog.
        Returns how many rows came back."""
        answer = ask_solr(self._search, self._query, self._params, start, rows)
        found = int(answer["response"]["numFound"])
        uids = [doc.get("UID") for doc in answer["response"]["docs"]]
        if len(uids) < rows and start + len(uids) < found:
            found = start + len(uids)  # the index shrank since the count
        self._found = found
        asked = [uid for uid in uids if uid]
        brains = guard.visible_rids(self._catalog, asked, self._show_inactive)
        if brains is None:  # a catalog without the indexes read row by row
            brains = guard.visible_brains(self._catalog, asked, self._show_inactive)
        stale = []
        for offset, uid in enumerate(uids):
            position = start + offset
            if position in self._docs:
                continue
            brain = brains.get(uid)
            if brain is None:
                stale.append(uid)
                insort(self._stale, position)
                self._docs[position] = STALE
            else:
                self._docs[position] = brain
        if stale:
            logger.info(
                "hid %d Solr hits the catalog does not show: %s",
                len(stale),
                ", ".join(map(str, stale)),
            )
        return len(uids)


def ask_solr(search, query, params, start, rows):
    """One search through collective.solr's connection (its address, credentials, timeout
    and errors), answered in JSON with the UID field only."""
    manager = search.getManager()
    manager.setSearchTimeout()
    connection = manager.getConnection()
    if connection is None:
        raise SolrInactiveException
    parameters = dict(params)
    parameters.update(
        {
            "wt": "json",
            "sow": "true",
            "lowercaseOperators": "true",
            "q.op": "AND",
            "start": start,
            "rows": rows,
            "fl": "UID",
        }
    )
    text = " ".join(str(value) for value in query.values())
    try:
        response = connection.search(q=text, **parameters)
        try:
            return json.loads(response.read())
        finally:
            response.close()
    finally:
        manager.setTimeout(None)


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
