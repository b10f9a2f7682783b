"""Keep each item's approval record in step with its workflow transitions."""
from DateTime import DateTime
from nguon import _
from nguon.workflow.approval import approving_unit_in_area
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import WAITING_STATES
from plone import api
from Products.CMFCore.utils import getToolByName
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.i18n import translate


WORKFLOW_ID = "nguon_approval_workflow"
REINDEX = ("awaiting_unit", "waiting_since", "effective", "effectiveRange", "review_state")


def _ours(event):
    return event.workflow is not None and event.workflow.getId() == WORKFLOW_ID and event.transition


def require_reason(item, event):
    """A rejection must say why: the author reads it in the item's history."""
    if not _ours(event) or event.transition.id != "reject":
        return
    if not (event.kwargs or {}).get("comment", "").strip():
        message = _("error_reject_needs_reason", default="Cần ghi lý do trả lại để tác giả biết cần sửa gì.")
        raise WorkflowException(translate(message, context=getattr(item, "REQUEST", None)))


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
        if event.old_state.id not in WAITING_STATES:  # not submitted yet: no chain so far
            state.start()
        state.record_emergency(userid, approving_unit_in_area(item) or "")
    if transition in ("publish", "emergency_publish") and item.effective_date is None:
        item.effective_date = DateTime()
    item.reindexObject(idxs=list(REINDEX))
    save_version(item, transition, (event.kwargs or {}).get("comment", ""))


def save_version(item, transition, comment):
    """Every transition is also a version (CMFEditions), so the history shows what was
    approved, rejected or published, and a diff between any two of them."""
    repository = getToolByName(item, "portal_repository")
    if repository.isVersionable(item):
        title = getToolByName(item, "portal_workflow")[WORKFLOW_ID].transitions[transition].title
        repository.save(obj=item, comment=f"{title}: {comment}" if comment else title)
