"""Two fixes to collective.solr 10.1.1 on Plone 6.2, applied with collective.monkeypatcher
(``configure.zcml`` of this package, after collective.solr's own catalog patch, which importing
this module triggers).

- ``portal_catalog`` stays unpublishable: collective.solr replaces ``CatalogTool.searchResults``
  and ``__call__`` with one function that lost CMFPlone's ``@zpublish(False)``, so
  ``/plone/portal_catalog?SearchableText=…`` answered anyone with every stored field.
  ``search_results`` is collective.solr's function marked unpublishable again (the 404).
- ``@@search`` renders Solr results: Plone 6.2's result listing reads ``image_scales`` as an
  attribute of each result, and collective.solr's content listing object has it as a method,
  so every search page with a hit failed with a TypeError. ``image_scales`` is that property.
"""

from collective.solr import (
    dispatcher,  # noqa: F401 -- applies collective.solr's patch first
)
from collective.solr.monkey import searchResults as solr_search_results
from ZPublisher import zpublish


@zpublish(False)
def search_results(self, REQUEST=None, **kw):
    return solr_search_results(self, REQUEST, **kw)


@property
def image_scales(self):
    return self.flare.image_scales
