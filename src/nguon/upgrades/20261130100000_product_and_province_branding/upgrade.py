from ftw.upgrade import UpgradeStep


class ProductAndProvinceBranding(UpgradeStep):
    """Product and province branding.

    The ``nguon.branding.*`` records (the product's name and tagline, the operating unit's
    contact; empty contact until an administrator fills it) and the control panel
    "Nhận diện và chân trang" that sets them with Plone's site title and logo. The site's
    title and logo are left as they are.
    """

    def __call__(self):
        self.install_upgrade_profile()
