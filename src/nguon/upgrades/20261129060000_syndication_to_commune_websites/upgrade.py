from ftw.upgrade import UpgradeStep
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.outbox.storage import outbox
from nguon.syndication.install import install


class SyndicationToCommuneWebsites(UpgradeStep):
    """Syndication to commune websites.

    For sites made before nguon had feeds and push: the registry record of the networks push
    callbacks may reach, the permission to manage subscriptions (unit admins have it), the
    change log, and every item offered once to the syndication consumer, so that what was
    already published appears in the feeds.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
        pending = outbox(self.portal).pending_set("syndication")
        for brain in self.catalog_unrestricted_search(
            {"portal_type": list(DISTRIBUTED_TYPES)}
        ):
            pending.record(brain.UID, brain.getPath())
