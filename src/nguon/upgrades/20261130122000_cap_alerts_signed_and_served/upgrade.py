from ftw.upgrade import UpgradeStep
from nguon.alerts.install import install


class CapAlertsSignedAndServed(UpgradeStep):
    """CAP alerts signed and served.

    For sites made before alerts were served as CAP 1.2: the record of the site's CAP sender
    (``nguon.alerts.sender``, empty until the operator names the site) and the key that
    signs every CAP message the site serves (``nguon.alerts.keys``).
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
