"""Keep each item's approval record in step with its workflow transitions."""

from DateTime import DateTime
from nguon import _
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.units.merge import replace_code
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import approving_unit_in_area
from nguon.workflow.approval import WAITING_STATES
from nguon.workflow.fingerprint import changed_fields
from nguon.workflow.fingerprint import digests
from nguon.workflow.reach import check_item
from nguon.workflow.reach import declared_reach
from nguon.workflow.reach import ReachError
from nguon.workflow.reach import refuse_outside
from nguon.workflow.state import review_state
from plone import api
from Products.CMFCore.utils import getToolByName
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.i18n import translate


WORKFLOW_ID = "nguon_approval_workflow"
REINDEX = (
    "awaiting_unit",
    "waiting_since",
    "effective",
    "effectiveRange",
    "review_state",
)


def _ours(event):
    return (
        event.workflow is not None
        and event.workflow.getId() == WORKFLOW_ID
        and event.transition
    )


def require_reason(item, event):
    """A rejection must say why: the author reads it in the item's history."""
    if not _ours(event) or event.transition.id != "reject":
        return
    if not (event.kwargs or {}).get("comment", "").strip():
        message = _(
            "error_reject_needs_reason",
            default="Cần ghi lý do trả lại để tác giả biết cần sửa gì.",
        )
        raise WorkflowException(
            translate(message, context=getattr(item, "REQUEST", None))
        )


def emergency_unit(item):
    """The unit in whose name the emergency procedure publishes: the lowest unit of the
    item's lineage the current user approves for; for a Manager, the top of the chain the
    policy asks for."""
    return approving_unit_in_area(item) or check_item(item)[-1]


def _refuse(item, error):
    raise WorkflowException(error.translated(getattr(item, "REQUEST", None)))


def enforce_reach(item, event):
    """Before every transition that sends or publishes an item: what it targets lies in the
    area of the unit that approves it (``nguon.workflow.reach``)."""
    if not _ours(event):
        return
    transition = event.transition.id
    try:
        if transition == "submit":
            check_item(item)
        elif transition in ("approve", "publish"):
            state = ApprovalState(item)
            if state.digests and digests(item) != state.digests:
                _refuse(
                    item,
                    ReachError(
                        _(
                            "error_changed_since_submit",
                            default="Mục đã được sửa sau khi gửi duyệt; cần gửi duyệt lại từ đầu.",
                        )
                    ),
                )
            refuse_outside(state.chain[-1], declared_reach(item))
        elif transition == "emergency_publish":
            refuse_outside(emergency_unit(item), declared_reach(item), "emergency")
    except ReachError as error:
        _refuse(item, error)


def reapprove_on_change(item, event):
    """What was approved is what is published: an edit that changes what an approver
    approves (``nguon.workflow.fingerprint``) starts a new approval round. A waiting item
    goes back to the first unit of its recomputed chain; a published one leaves every
    channel and waits for approval again."""
    if WORKFLOW_ID not in getToolByName(item, "portal_workflow").getChainFor(item):
        return
    current = review_state(item)
    state = ApprovalState(item)
    if current not in WAITING_STATES + ("published",) or digests(item) == state.digests:
        return
    require_reapproval(
        item,
        _(
            "history_reapproval",
            default="Đã sửa ${fields}: cần duyệt lại.",
            mapping={"fields": ", ".join(changed_fields(state.digests, digests(item)))},
        ),
    )


def require_reapproval(item, reason):
    """A new approval round for ``item`` as it is now: its chain recomputed, the item waits
    at the first unit of it (a published item leaves every channel meanwhile); ``reason``
    (an i18n message) goes into its history."""
    ApprovalState(item).start()
    _set_state(
        item,
        "pending",
        "reapprove",
        translate(reason, context=getattr(item, "REQUEST", None)),
    )
    item.reindexObject(idxs=list(REINDEX) + ["allowedRolesAndUsers"])


def _set_state(item, state_id, action, comment):
    """Put ``item`` in ``state_id`` with a history entry, outside any transition."""
    tool = getToolByName(item, "portal_workflow")
    tool.setStatusOf(
        WORKFLOW_ID,
        item,
        {
            "action": action,
            "review_state": state_id,
            "actor": api.user.get_current().getId(),
            "comments": comment,
            "time": DateTime(),
        },
    )
    tool[WORKFLOW_ID].updateRoleMappingsFor(item)


def record_transition(item, event):
    if not _ours(event):
        return
    transition = event.transition.id
    state = ApprovalState(item)
    userid = api.user.get_current().getId()
    if transition == "submit":
        state.start()
    elif transition in ("approve", "publish"):
        state.record_approval(userid)
    elif transition == "emergency_publish":
        if (
            event.old_state.id not in WAITING_STATES
        ):  # not submitted yet: no chain so far
            state.start()
        state.record_emergency(userid, emergency_unit(item))
    if transition in ("publish", "emergency_publish") and item.effective_date is None:
        item.effective_date = DateTime()
    item.reindexObject(idxs=list(REINDEX))
    save_version(item, transition, (event.kwargs or {}).get("comment", ""))


def save_version(item, transition, comment):
    """Every transition is also a version (CMFEditions; an edit is one already), so the
    history shows what was approved, rejected or published, and a diff between any two."""
    repository = getToolByName(item, "portal_repository")
    if repository.isVersionable(item):
        title = (
            getToolByName(item, "portal_workflow")[WORKFLOW_ID]
            .transitions[transition]
            .title
        )
        repository.save(obj=item, comment=f"{title}: {comment}" if comment else title)


def repoint_after_merge(event):
    """Approval chains, approvals and targets that named a merged unit name its successor,
    so that every item keeps its reach and its approvers (``nguon.units.merge``)."""
    source, target = event.source_code, event.target.code
    for brain in api.content.find(
        portal_type=list(DISTRIBUTED_TYPES), unrestricted=True
    ):
        item = brain._unrestrictedGetObject()
        state = ApprovalState(item)
        touched = False
        if source in state.chain or any(a["unit"] == source for a in state.approvals):
            record = state.for_update()
            record["chain"] = tuple(replace_code(state.chain, source, target))
            for approval in record["approvals"]:
                if approval["unit"] == source:
                    approval["unit"] = target
            record["approvals"]._p_changed = True
            touched = True
        if source in (getattr(item, "target_units", None) or ()):
            item.target_units = replace_code(item.target_units, source, target)
            if state.digests:  # a merge renames a target; it is not an edit to approve
                state.for_update()["digests"] = digests(item)
            touched = True
        if touched:
            item.reindexObject()
