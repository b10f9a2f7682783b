from ftw.upgrade import UpgradeStep
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.workflow.approval import ApprovalState
from nguon.workflow.fingerprint import _value_digest


FIELD = "essential"


def approve_as_it_was(item):
    """An item submitted before the ``essential`` field existed was approved as not flagged:
    its stored fingerprints gain the field's digest as it reads now (False), so that its
    approval stays valid (``nguon.workflow.events.reapprove_on_change``)."""
    state = ApprovalState(item)
    if not state.digests or FIELD in state.digests:
        return
    digest = _value_digest(getattr(item, FIELD, False))
    record = state.for_update()
    record["digests"] = {**state.digests, FIELD: digest}
    if state.previous_digests:
        record["previous_digests"] = {**state.previous_digests, FIELD: digest}


class EssentialInformation(UpgradeStep):
    """Essential information.

    Information items gain their author's mark «Thông tin thiết yếu» (not set on the existing
    ones; the policy ``policies/essential.yaml`` and emergencies make items essential
    regardless) and the catalog the index and column ``is_essential``, filled here for every
    existing item. What approvers approved stays approved: an item's fingerprints gain the
    new field as it is, unset.
    """

    def __call__(self):
        self.install_upgrade_profile()
        for item in self.objects(
            {"portal_type": list(DISTRIBUTED_TYPES)}, "Essential information"
        ):
            approve_as_it_was(item)
            item.reindexObject(idxs=["is_essential"])
