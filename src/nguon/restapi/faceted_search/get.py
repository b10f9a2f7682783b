"""``GET @faceted-search``: the archive search commune websites call, with the same answer the
citizen page shows: hits with highlighted snippets, facet counts, paging. Only what the caller
may see is ever returned (anonymous: published, in effect, not expired)."""

from nguon.errors import client_error
from nguon.search import citizen
from nguon.search.query import SearchInputError
from nguon.search.query import SearchRequest
from plone.restapi.services import Service
from zExceptions import BadRequest


class FacetedSearchGet(Service):
    def reply(self):
        try:
            search_request = SearchRequest.from_form(self.request.form)
        except SearchInputError as error:
            raise client_error(BadRequest, error, self.request) from None
        results = citizen.run(search_request, self.request)
        base = f"{self.context.absolute_url()}/@faceted-search"
        return {
            "@id": base,
            "items_total": results.total,
            "b_start": search_request.start,
            "b_size": search_request.rows,
            "items": [self.item(hit) for hit in results.hits],
            "facets": {
                name: [
                    {
                        "value": value.value,
                        "title": value.title,
                        "count": value.count,
                        "selected": value.selected,
                    }
                    for value in values
                ]
                for name, values in results.facets.items()
            },
        }

    def item(self, hit):
        return {
            "@id": hit.url,
            "@type": hit.portal_type,
            "UID": hit.uid,
            "title": hit.title,
            "description": hit.description,
            "effective": hit.effective.ISO8601() if hit.effective else None,
            "unit": hit.unit_code,
            "snippets": hit.snippets,
            "file": hit.file_url,
        }
