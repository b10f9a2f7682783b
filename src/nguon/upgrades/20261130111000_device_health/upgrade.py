from ftw.upgrade import UpgradeStep
from nguon.devices import health
from nguon.devices.install import install


class DeviceHealth(UpgradeStep):
    """Device health.

    The lease of the health round (``nguon.devices.install``). Every existing station and
    board counts as seen now: its past is unknown, so it neither counts as offline since its
    creation nor raises an alarm before its next call.
    """

    def __call__(self):
        install(self.portal)
        for device in self.objects(
            {"portal_type": health.monitored_types()}, "Device health"
        ):
            health.start_watching(device)
