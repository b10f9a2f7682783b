"""restapi ``@search``'s query read without a crash: plone.restapi answered a value it cannot
read (``?b_start=abc``, ``?path.depth=deep``, ``?getObjPositionInParent=1``) with a 500 (a ValueError, its
QueryParsingError, whose message shows the index's database object, or a ComponentLookupError
for an index it has no reader for). Each parameter is read
on its own, and one that cannot be read answers 400 naming the parameter. Registered for
nguon's browser layer, so it is used instead of restapi's. A repeated ``SearchableText``
(a list, which restapi's handler cannot clean: a 500) is read as one text. A negative
``b_start``, a ``b_size`` under 1 (plone.restapi's batch asserts: a 500) and a text the
catalog's parser cannot read (only characters it does not count as words, when the catalog
answers: a ``ParseError``, a 500) answer 400 too."""

from DateTime.interfaces import DateTimeError
from nguon.interfaces import INguonLayer
from nguon.search import guard
from plone.restapi.exceptions import QueryParsingError
from plone.restapi.interfaces import IZCatalogCompatibleQuery
from plone.restapi.search.query import ZCatalogCompatibleQueryAdapter
from plone.restapi.services.search.get import SearchGet
from Products.ZCTextIndex.ParseTree import ParseError
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
        for name, lowest in (("b_start", 0), ("b_size", 1)):
            value = self.request.form.get(name)
            if value is not None and _integer(value, lowest) is None:
                raise guard.refused(name)
        try:
            return super().reply()
        except ParseError:
            raise guard.refused("SearchableText") from None


def _integer(value, lowest):
    """``value`` as an integer of at least ``lowest``, or None."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number >= lowest else None
