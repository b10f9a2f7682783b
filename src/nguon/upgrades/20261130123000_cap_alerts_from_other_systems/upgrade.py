from ftw.upgrade import UpgradeStep
from nguon.alerts.ingest.install import install


class CapAlertsFromOtherSystems(UpgradeStep):
    """CAP alerts from other systems.

    For sites made before alerts were received from other systems: how often the trusted
    sources' Atom indexes are read (``nguon.alerts.ingest_interval``), the record of the
    messages received and refused, and the lease of the poller's round. Sources are read
    from ``policies/alert-sources.yaml`` (none by default).
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
