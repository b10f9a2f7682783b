from ftw.upgrade import UpgradeStep
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.devices.install import install


class DeviceBroadcast(UpgradeStep):
    """Device broadcast.

    Emergency items reach devices through the messaging engine (``nguon.devices.broadcast``):
    the broadcast's state, and the catalog index ``emergency_reach`` filled for the existing
    items (which offers each to the broadcast, so the emergencies in force go out when a
    broadcasting process runs the step). The device keys stay the same: they now sign
    broadcasts too.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
        for item in self.objects(
            {"portal_type": list(DISTRIBUTED_TYPES)}, "Device broadcast"
        ):
            item.reindexObject(idxs=["emergency_reach"])
