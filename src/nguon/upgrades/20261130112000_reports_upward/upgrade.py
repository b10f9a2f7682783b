from ftw.upgrade import UpgradeStep
from nguon.reports.install import install


class ReportsUpward(UpgradeStep):
    """Reports upward.

    For sites made before units reported upward: the reports' store, and the units' action
    **Báo cáo định kỳ** (``@@bao-cao``). Report forms are read from
    ``policies/reports.yaml``.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
