"""Answer a citizen's search: on Solr (relevance, facets, highlighted snippets), checked
against the catalog, or from the catalog alone while Solr is down.

Both the public page (``@@tra-cuu``) and the REST endpoint (``@faceted-search``) call
``run``; what they show comes from the catalog brains of the hits, so a title, a link or a
state is never older than the catalog, and a hit the catalog does not show the user is dropped.
"""

from dataclasses import dataclass
from dataclasses import field
from DateTime import DateTime
from nguon.content import vocabularies
from nguon.search import client
from nguon.search import guard
from nguon.search.health import HEALTH
from nguon.search.query import FACET_FIELDS
from nguon.search.query import SEARCHABLE_TYPES
from nguon.search.query import solr_params
from nguon.units.tree import UNIT_TYPE
from plone import api
from plone.base.utils import munge_search_term
from Products.CMFCore.utils import _getAuthenticatedUser
from zope.i18n import translate

import logging


logger = logging.getLogger("nguon.search")
SNIPPET_FIELDS = ("SearchableText_folded", "Description_folded", "Title_folded")


@dataclass
class Hit:
    uid: str
    url: str
    title: str
    description: str
    portal_type: str
    effective: DateTime | None
    unit_code: str | None
    snippets: list = field(
        default_factory=list
    )  # HTML: escaped text with <mark> around matches
    file_url: str | None = None


@dataclass
class FacetValue:
    value: str
    title: str
    count: int
    selected: bool


@dataclass
class Results:
    request: object
    total: int = 0
    hits: list = field(default_factory=list)
    facets: dict = field(default_factory=dict)  # filter name -> [FacetValue]
    from_solr: bool = True


def run(search_request, http_request=None):
    """The results of ``search_request`` for the current user."""
    catalog = api.portal.get_tool("portal_catalog")
    if client.is_active() and HEALTH.usable(client.ping):
        try:
            results = _from_solr(catalog, search_request)
            HEALTH.up()
        except client.SolrUnavailable as error:
            HEALTH.down(str(error))
            results = _from_catalog(catalog, search_request)
        except client.SolrRejected as error:
            logger.info("Solr rejected a citizen search %r: %s", search_request, error)
            results = Results(search_request)
    else:
        results = _from_catalog(catalog, search_request)
    label_facets(results, http_request)
    return results


def _can_see_inactive():
    return api.user.has_permission("Access inactive portal content")


def _from_solr(catalog, search_request):
    user = _getAuthenticatedUser(catalog)
    params = solr_params(
        search_request,
        catalog._listAllowedRolesAndUsers(user),
        include_inactive=_can_see_inactive(),
    )
    answer = client.search(params)
    docs = answer["response"]["docs"]
    brains = guard.visible_brains(
        catalog, [doc["UID"] for doc in docs], _can_see_inactive()
    )
    highlighting = answer.get("highlighting", {})
    hits = [
        _hit(brains[doc["UID"]], highlighting.get(doc["UID"], {}))
        for doc in docs
        if doc["UID"] in brains
    ]
    hidden = len(docs) - len(hits)
    if hidden:
        logger.info("hid %d Solr hits the catalog does not show", hidden)
    facets = {
        name: [
            FacetValue(
                str(value),
                str(value),
                count,
                str(value) in _selected(search_request, name),
            )
            for value, count in zip(pairs[::2], pairs[1::2], strict=True)
        ]
        for name, pairs in answer.get("facet_counts", {})
        .get("facet_fields", {})
        .items()
    }
    return Results(
        search_request, answer["response"]["numFound"] - hidden, hits, facets
    )


def _from_catalog(catalog, search_request):
    """The same search on the catalog: no relevance across folded diacritics, no facets, no
    snippets, but the same filters and the same security."""
    query = {
        "portal_type": list(search_request.portal_type or SEARCHABLE_TYPES),
        "sort_on": "effective",
        "sort_order": "descending",
    }
    if search_request.text:
        query["SearchableText"] = munge_search_term(search_request.text)
    for name in ("category", "document_type", "issuing_body"):
        if getattr(search_request, name):
            query[name] = list(getattr(search_request, name))
    if search_request.unit:
        paths = [
            brain.getPath()
            for brain in catalog.unrestrictedSearchResults(
                portal_type=UNIT_TYPE, unit_code=list(search_request.unit)
            )
        ]
        query["path"] = paths or ["/nonexistent"]
    low, high = _date_range(search_request)
    if low or high:
        query["effective"] = {
            "query": [d for d in (low, high) if d],
            "range": "min:max" if low and high else ("min" if low else "max"),
        }
    if _can_see_inactive():
        query["show_inactive"] = True
    brains = catalog._cs_old_searchResults(query)
    page = brains[search_request.start : search_request.start + search_request.rows]
    return Results(
        search_request,
        len(brains),
        [_hit(brain, {}) for brain in page],
        {},
        from_solr=False,
    )


def _date_range(search_request):
    low = (
        DateTime(search_request.date_from.isoformat())
        if search_request.date_from
        else None
    )
    high = (
        DateTime(f"{search_request.date_to.isoformat()} 23:59:59")
        if search_request.date_to
        else None
    )
    if search_request.year:
        years = sorted(int(year) for year in search_request.year)
        low = max(filter(None, (low, DateTime(f"{years[0]}/01/01 00:00:00"))))
        year_end = DateTime(f"{years[-1]}/12/31 23:59:59")
        high = min(filter(None, (high, year_end)))
    return low, high


def _hit(brain, highlights):
    # The body's passages first; the summary or the title only when the body has no match.
    snippets = next(
        (highlights[name] for name in SNIPPET_FIELDS if highlights.get(name)), []
    )
    url = brain.getURL()
    return Hit(
        uid=brain.UID,
        url=url,
        title=brain.Title,
        description=brain.Description,
        portal_type=brain.portal_type,
        effective=brain.effective
        if brain.effective and brain.effective.year() > 1900
        else None,
        unit_code=brain.owning_unit or None,
        snippets=snippets[:2],
        file_url=f"{url}/@@download/file"
        if brain.portal_type == "LegalDocument"
        else None,
    )


def _selected(search_request, name):
    return set(getattr(search_request, name, ()) or ())


def label_facets(results, http_request):
    """Give facet values the titles people read: unit names, vocabulary titles, type titles."""
    titles = {
        "category": dict(vocabularies.CATEGORIES),
        "document_type": dict(vocabularies.DOCUMENT_TYPES),
        "unit_level": dict(vocabularies.LEVELS),
        "portal_type": _type_titles(),
        "unit": unit_titles([value.value for value in results.facets.get("unit", ())]),
    }
    for name, values in results.facets.items():
        for value in values:
            title = titles.get(name, {}).get(value.value)
            if title is not None:
                value.title = (
                    translate(title, context=http_request)
                    if http_request
                    else str(title)
                )
    for name in FACET_FIELDS:
        results.facets.setdefault(name, [])


def _type_titles():
    types = api.portal.get_tool("portal_types")
    return {name: types[name].Title() for name in SEARCHABLE_TYPES if name in types}


def unit_titles(codes):
    if not codes:
        return {}
    catalog = api.portal.get_tool("portal_catalog")
    return {
        brain.unit_code: brain.Title
        for brain in catalog.unrestrictedSearchResults(
            portal_type=UNIT_TYPE, unit_code=codes
        )
    }
