"""Keep ``portal_catalog`` unpublishable once collective.solr has patched it.

collective.solr replaces ``CatalogTool.searchResults`` and ``__call__`` with one function that
lost CMFPlone's ``@zpublish(False)``, so ``/plone/portal_catalog?SearchableText=…`` answered
anyone with every stored field. Marking that function unpublishable again restores the 404.
Applied when the module is imported (by nguon's ZCML), after collective.solr's own patch.
"""
from collective.solr import dispatcher  # noqa: F401 -- applies collective.solr's patch first
from Products.CMFPlone.CatalogTool import CatalogTool
from ZPublisher import zpublish


def apply():
    zpublish(False)(CatalogTool.searchResults)
    assert CatalogTool.__call__ is CatalogTool.searchResults


apply()
