from ftw.upgrade import UpgradeStep
from nguon.webpush.install import install


class WebPushLimits(UpgradeStep):
    """Web Push limits.

    For sites made before the phones' subscriptions were bounded: the caps per unit and in
    the site (``nguon.webpush.max_per_unit``, ``nguon.webpush.max_subscriptions``), and the
    count of each unit's subscriptions that the caps read (``WebPush.sizes``). Nothing kept
    is dropped: a unit already above its cap keeps its subscriptions and takes no new one.
    Also the known push services (``nguon.webpush.push_services``): a subscription kept
    whose endpoint is on none of them (nor on the allowed networks) is no longer pushed to,
    and is kept.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
