"""restapi ``@search``'s query read without a crash: plone.restapi answered a value it cannot
read (``?b_start=abc``, ``?path.depth=deep``) with a 500 (a ValueError or its
QueryParsingError, whose message shows the index's database object). Each parameter is read
on its own, and one that cannot be read answers 400 naming the parameter. Registered for
nguon's browser layer, so it is used instead of restapi's."""
from nguon.interfaces import INguonLayer
from nguon.search import guard
from plone.restapi.exceptions import QueryParsingError
from plone.restapi.interfaces import IZCatalogCompatibleQuery
from plone.restapi.search.query import ZCatalogCompatibleQueryAdapter
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


@implementer(IZCatalogCompatibleQuery)
@adapter(Interface, INguonLayer)
class GuardedCompatibleQuery(ZCatalogCompatibleQueryAdapter):
    def __call__(self, query):
        for name in list(query):
            try:
                query.update(super().__call__({name: query[name]}))
            except (QueryParsingError, TypeError, ValueError):
                raise guard.refused(name) from None
        return query
