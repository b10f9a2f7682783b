from ftw.upgrade import UpgradeStep


class WarningsAsCapAlerts(UpgradeStep):
    """Warnings as CAP alerts.

    For sites made before warnings were CAP 1.2 messages: the Alert type (addable in units,
    through the approval workflow) and AlertInfo, its other languages (no workflow of its
    own). Radio stations and public boards gain the "receives tests" mark, unset.
    """

    def __call__(self):
        self.install_upgrade_profile()
