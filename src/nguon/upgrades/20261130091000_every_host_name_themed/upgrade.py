from ftw.upgrade import UpgradeStep


class EveryHostNameThemed(UpgradeStep):
    """Every host name themed.

    Plone leaves requests to 127.0.0.1 unthemed by default (its "unthemed host names"), the
    address ``make start`` prints and the one a reverse proxy reaches Plone on: sites made
    before see the styled site there too. An unthemed alias an operator added is removed
    with the default; add it again in the theming control panel if it is still wanted.
    """

    def __call__(self):
        self.install_upgrade_profile()
