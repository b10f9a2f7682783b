from ftw.upgrade import UpgradeStep


class StatisticsPages(UpgradeStep):
    """Statistics pages.

    For sites made before the statistics pages: the units' action **Thống kê**
    (``@@thong-ke``), shown to the officials of the unit and of the units above.
    """

    def __call__(self):
        self.install_upgrade_profile()
