"""ftw.upgrade 3.3.1's ``upgrade sites`` (and ``--pick-site``, ``--last-site``, ``--all-sites``)
asks the ``plone-overview`` view for ``sites()``; on Plone 6.2 that view comes from
plone.distribution and has no such method, so the command failed with an HTTP 500.
This view lists the sites itself, the way Plone's former overview did, and replaces
ftw.upgrade's Zope-root API view through ``overrides.zcml``.
"""

from ftw.upgrade.jsonapi.zopeapp import ZopeAppAPI
from OFS.interfaces import IFolder
from Products.CMFPlone.interfaces import IPloneSiteRoot


def plone_sites(root):
    """Plone sites in ``root`` and in the plain folders below it, depth first."""
    for item in root.objectValues():
        if IPloneSiteRoot.providedBy(item):
            yield item
        elif IFolder.providedBy(item):
            yield from plone_sites(item)


class UpgradeZopeAppAPI(ZopeAppAPI):
    def _get_plone_sites(self):
        for site in plone_sites(self.context):
            yield {
                "id": site.getId(),
                "path": "/".join(site.getPhysicalPath()),
                "title": site.Title(),
            }
