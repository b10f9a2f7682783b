"""Install-time handlers of the ``nguon:default`` profile."""
from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["nguon:uninstall"]


def post_install(context):
    """Nothing to do beyond the profile's XML yet; kept as the profile's single entry point."""
