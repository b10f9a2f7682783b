"""Install-time steps of the nguon profiles, and what the add-ons control panel shows of them."""

from nguon.alerts.install import install as install_alerts
from nguon.boards.install import install as install_boards
from nguon.devices.install import install as install_devices
from nguon.feedback.install import install as install_feedback
from nguon.ledger.store import install as install_ledger
from nguon.radio.install import install as install_radio
from nguon.reports.install import install as install_reports
from nguon.search.install import install as install_search
from nguon.syndication.install import install as install_syndication
from nguon.webpush.install import install as install_webpush
from Products.CMFPlone.interfaces import INonInstallable
from zope.interface import implementer


@implementer(INonInstallable)
class HiddenProfiles:
    def getNonInstallableProfiles(self):
        """Hide the uninstall profile from the add-ons control panel."""
        return ["nguon:uninstall"]


# Every capability that keeps something in the site says so in its ``install(portal)``
# (idempotent), which its upgrade step calls too. A new capability adds its own here.
INSTALLS = (
    install_search,
    install_syndication,
    install_radio,
    install_boards,
    install_devices,
    install_ledger,
    install_reports,
    install_alerts,
    install_feedback,
    install_webpush,
)


def post_install(context):
    """What each capability keeps in the site (the outbox and its consumers' pending sets, the
    change log, the key that signs station schedules, the devices' report logs), made once
    here rather than by a request."""
    from plone import api

    portal = api.portal.get()
    for install in INSTALLS:
        install(portal)
