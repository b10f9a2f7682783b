"""The public search page (``@@tra-cuu``): a search box, filters by unit and dates, facets to
narrow down, highlighted snippets and links to each item and its file."""

from nguon import _
from nguon.search import citizen
from nguon.search.query import SearchInputError
from nguon.search.query import SearchRequest
from nguon.search.query import SORTS
from Products.Five.browser import BrowserView
from urllib.parse import urlencode

import math


FACET_TITLES = {
    "unit": _("facet_unit", default="Đơn vị"),
    "unit_level": _("facet_unit_level", default="Cấp"),
    "portal_type": _("facet_portal_type", default="Loại tin"),
    "category": _("facet_category", default="Lĩnh vực"),
    "document_type": _("facet_document_type", default="Loại văn bản"),
    "issuing_body": _("facet_issuing_body", default="Cơ quan ban hành"),
    "year": _("facet_year", default="Năm"),
}
PARAMETERS = (
    "q",
    "unit",
    "unit_level",
    "portal_type",
    "category",
    "document_type",
    "issuing_body",
    "year",
    "from",
    "to",
    "sort",
    "b_size",
)


class CitizenSearchView(BrowserView):
    error = None
    results = None

    def __call__(self):
        try:
            self.search_request = SearchRequest.from_form(self.request.form)
        except SearchInputError as error:
            self.error = error.translated(self.request)
            self.search_request = SearchRequest()
        else:
            self.results = citizen.run(self.search_request, self.request)
        return self.index()

    def form_value(self, name):
        value = self.request.form.get(name, "")
        return value[0] if isinstance(value, list) and value else value

    def sorts(self):
        return list(SORTS)

    def facets(self):
        """The facets that have values, each with its title and its values' toggle links."""
        shown = []
        for name, values in (self.results.facets if self.results else {}).items():
            if not values:
                continue
            shown.append(
                {
                    "name": name,
                    "title": FACET_TITLES[name],
                    "choices": [
                        {
                            "title": value.title,
                            "count": value.count,
                            "selected": value.selected,
                            "url": self.url_toggling(name, value.value),
                        }
                        for value in values
                    ],
                }
            )
        return shown

    def url_toggling(self, name, value):
        """This search with ``value`` added to (or removed from) the ``name`` filter."""
        parameters = self._parameters()
        chosen = parameters.get(name, [])
        parameters[name] = (
            [v for v in chosen if v != value] if value in chosen else chosen + [value]
        )
        return self._url(parameters)

    def pages(self):
        if not self.results or self.results.total <= self.search_request.rows:
            return []
        rows = self.search_request.rows
        count = min(math.ceil(self.results.total / rows), 200)
        current = self.search_request.start // rows
        parameters = self._parameters()
        return [
            {
                "number": page + 1,
                "current": page == current,
                "url": self._url({**parameters, "b_start": [str(page * rows)]}),
            }
            for page in range(count)
            if abs(page - current) <= 4 or page in (0, count - 1)
        ]

    def _parameters(self):
        form = self.request.form
        parameters = {}
        for name in PARAMETERS:
            value = form.get(name)
            if value in (None, "", []):
                continue
            parameters[name] = (
                list(value) if isinstance(value, (list, tuple)) else [value]
            )
        return parameters

    def _url(self, parameters):
        return f"{self.context.absolute_url()}/@@tra-cuu?{urlencode(parameters, doseq=True)}"

    def unit_title(self, code):
        return citizen.unit_titles([code]).get(code, code) if code else ""
