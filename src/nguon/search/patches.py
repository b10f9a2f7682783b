"""Two fixes to collective.solr 10.1.1 on Plone 6.2, applied when nguon's ZCML imports this
module (after collective.solr's own catalog patch).

- ``portal_catalog`` stays unpublishable: collective.solr replaces ``CatalogTool.searchResults``
  and ``__call__`` with one function that lost CMFPlone's ``@zpublish(False)``, so
  ``/plone/portal_catalog?SearchableText=…`` answered anyone with every stored field. Marking
  that function unpublishable again restores the 404.
- ``@@search`` renders Solr results: Plone 6.2's result listing reads ``image_scales`` as an
  attribute of each result, and collective.solr's content listing object has it as a method,
  so every search page with a hit failed with a TypeError.
"""
from collective.solr import dispatcher  # noqa: F401 -- applies collective.solr's patch first
from collective.solr.contentlisting import FlareContentListingObject
from Products.CMFPlone.CatalogTool import CatalogTool
from ZPublisher import zpublish


def apply():
    zpublish(False)(CatalogTool.searchResults)
    assert CatalogTool.__call__ is CatalogTool.searchResults
    if not isinstance(FlareContentListingObject.__dict__["image_scales"], property):
        FlareContentListingObject.image_scales = property(FlareContentListingObject.image_scales)


apply()
