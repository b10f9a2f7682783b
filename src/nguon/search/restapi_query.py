"""restapi ``@search``'s query read without a crash: plone.restapi answered a value it cannot
read (``?b_start=abc``, ``?path.depth=deep``, ``?getObjPositionInParent=1``) with a 500 (a ValueError, its
QueryParsingError, whose message shows the index's database object, or a ComponentLookupError
for an index it has no reader for). Each parameter is read
on its own, and one that cannot be read answers 400 naming the parameter. Registered for
nguon's browser layer, so it is used instead of restapi's. A repeated ``SearchableText``
(a list, which restapi's handler cannot clean: a 500) is read as one text."""

from DateTime.interfaces import DateTimeError
from nguon.interfaces import INguonLayer
from nguon.search import guard
from plone.restapi.exceptions import QueryParsingError
from plone.restapi.interfaces import IZCatalogCompatibleQuery
from plone.restapi.search.query import ZCatalogCompatibleQueryAdapter
from plone.restapi.services.search.get import SearchGet
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
from zope.interface.interfaces import ComponentLookupError


@implementer(IZCatalogCompatibleQuery)
@adapter(Interface, INguonLayer)
class GuardedCompatibleQuery(ZCatalogCompatibleQueryAdapter):
    def __call__(self, query):
        for name in list(query):
            try:
                query.update(super().__call__({name: query[name]}))
            except (
                ComponentLookupError,
                DateTimeError,
                QueryParsingError,
                TypeError,
                ValueError,
            ):
                raise guard.refused(name) from None
        return query


class GuardedSearchGet(SearchGet):
    """``GET @search`` with a repeated ``SearchableText`` joined into one text."""

    def reply(self):
        text = self.request.form.get("SearchableText")
        if isinstance(text, (list, tuple)):
            self.request.form["SearchableText"] = " ".join(str(part) for part in text)
        return super().reply()
