from ftw.upgrade import UpgradeStep
from nguon.outbox.install import install as install_outbox
from nguon.webpush.install import install


class WebPushOfAlerts(UpgradeStep):
    """Web Push of alerts.

    The citizen app's phones subscribe to a unit's warnings (``nguon.webpush``): the site's
    Web Push state with a new VAPID key pair (kept if there is one). Alerts already published
    are not pushed: only what changes from now on is.
    """

    def __call__(self):
        install(self.portal)
        install_outbox(self.portal)  # the consumer's pending set
