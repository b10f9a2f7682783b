from ftw.upgrade import UpgradeStep
from nguon.outbox.storage import outbox
from nguon.radio.install import install


class RadioPlayout(UpgradeStep):
    """Radio playout.

    For sites made before nguon aired radio: the RadioStation type (addable in units, kept
    private), the permission to manage stations (unit admins have it), the speech engine
    record, the key that signs station schedules, the as-run log, and every radio item
    offered once to the radio-audio consumer so that its delivery audio is prepared.
    """

    def __call__(self):
        self.install_upgrade_profile()
        install(self.portal)
        pending = outbox(self.portal).pending_set("radio-audio")
        for brain in self.catalog_unrestricted_search(
            {"portal_type": ["RadioItem", "Bulletin"]}
        ):
            pending.record(brain.UID, brain.getPath())
