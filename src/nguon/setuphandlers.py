"""Install-time steps of the nguon profiles, and what the add-ons control panel shows of them."""
from nguon.outbox.storage import install as install_outbox
from nguon.outbox.worker import consumers
from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["nguon:uninstall"]



def post_install(context):
    """The outbox and its consumers' pending sets, made once here rather than by a request."""
    from plone import api

    install_outbox(api.portal.get(), [name for name, _consumer in consumers()])
