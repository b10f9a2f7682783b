"""Install-time steps of the nguon profiles, and what the add-ons control panel shows of them."""
from nguon.outbox.storage import install as install_outbox
from nguon.outbox.worker import consumers
from nguon.boards.proof import log as proof_log
from nguon.radio.asrun import log as asrun_log
from nguon.radio.keys import signing_key
from nguon.publication.store import storage
from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["nguon:uninstall"]


def post_install(context):
    """The outbox, its consumers' pending sets, the syndication change log, the key that signs
    station schedules and the as-run log, made once here rather than by a request."""
    from plone import api

    portal = api.portal.get()
    install_outbox(portal, [name for name, _consumer in consumers()])
    storage(portal, create=True)
    signing_key(portal, create=True)
    asrun_log(portal, create=True)
    proof_log(portal, create=True)
