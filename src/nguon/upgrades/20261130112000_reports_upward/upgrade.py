from ftw.upgrade import UpgradeStep
from nguon.reports.install import install


class ReportsUpward(UpgradeStep):
    """Reports upward.

    For sites made before units reported upward: the reports' store. Report forms are read
    from ``policies/reports.yaml``; nothing else in the site changes.
    """

    def __call__(self):
        install(self.portal)
