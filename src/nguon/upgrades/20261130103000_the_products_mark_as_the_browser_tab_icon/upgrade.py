from ftw.upgrade import UpgradeStep
from nguon.browser.branding import logo_as_upload
from plone import api


class TheProductsMarkAsTheBrowserTabIcon(UpgradeStep):
    """The product's mark as the browser tab's icon.

    Only where no icon was uploaded (Site Setup → Site): a site's own icon stays.
    """

    def __call__(self):
        if not api.portal.get_registry_record("plone.site_favicon"):
            api.portal.set_registry_record("plone.site_favicon", logo_as_upload())
            api.portal.set_registry_record(
                "plone.site_favicon_mimetype", "image/svg+xml"
            )
