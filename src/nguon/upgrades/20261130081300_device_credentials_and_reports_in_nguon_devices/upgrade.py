from ftw.upgrade import UpgradeStep
from nguon.boards.proof import PROOF
from nguon.devices import credentials
from nguon.devices import reports
from nguon.radio.asrun import ASRUN

import logging


logger = logging.getLogger("nguon.upgrades")


class DeviceCredentialsAndReportsInNguonDevices(UpgradeStep):
    """Device credentials and reports in nguon.devices.

    Every device's token moves from the annotation key ``nguon.radio.credentials`` (where
    boards' tokens were kept too) to ``nguon.devices.credentials``; tokens stay valid. The
    as-run log (``nguon.radio.asrun``) and the proof-of-play log (``nguon.boards.proof``)
    become kinds of the one report log (``nguon.devices.reports``): their trees are handed
    over as they are, no record is lost or copied.
    """

    def __call__(self):
        moved = sum(
            credentials.migrate(device)
            for device in self.objects(
                {"portal_type": ["RadioStation", "PublicBoard"]}, "Device credentials"
            )
        )
        logger.info("%d device credential(s) moved to %s", moved, credentials.KEY)
        for kind in (ASRUN, PROOF):
            logger.info(
                "%d %s record(s) now in %s",
                reports.migrate(self.portal, kind),
                kind.name,
                reports.KEY,
            )
