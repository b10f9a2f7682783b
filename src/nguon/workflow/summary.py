"""One summary of an item's approval, shared by the REST endpoint and the page viewlet."""

from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.audit import audit_trail
from nguon.workflow.audit import last_rejection
from nguon.workflow.events import WORKFLOW_ID
from nguon.workflow.fingerprint import changed_fields
from nguon.workflow.fingerprint import digests
from nguon.workflow.state import review_state
from plone import api
from Products.CMFCore.utils import getToolByName


STAFF_ROLES = {
    "Owner",
    "Editor",
    "Contributor",
    "Reviewer",
    "Reader",
    "Manager",
    "Site Administrator",
}


def may_see_approval(item):
    """Only the staff of the item's unit and of the units above see approvals and comments;
    citizens see a published item, not its internal history."""
    return bool(STAFF_ROLES & set(api.user.get_roles(obj=item)))


def in_approval_workflow(item):
    return WORKFLOW_ID in getToolByName(item, "portal_workflow").getChainFor(item)


def _unit(code):
    unit = find_unit(code) if code else None
    return {"code": code, "title": unit.Title() if unit is not None else code}


def approval_summary(item):
    """Chain, position, approvals, emergency procedure and the audit trail of ``item``."""
    state = ApprovalState(item)
    return {
        "review_state": review_state(item),
        "rule": state.data["rule"],
        "chain": [_unit(code) for code in state.chain],
        "awaiting_unit": _unit(state.awaiting_unit) if state.awaiting_unit else None,
        "approvals": [
            {**approval, "unit": _unit(approval["unit"])}
            for approval in state.approvals
        ],
        "emergency_procedure": state.emergency,
        "skipped_units": [_unit(code) for code in state.skipped],
        # What changed since the approval round an edit voided: the approver's version diff.
        "changed_since_last_approval": (
            changed_fields(state.previous_digests, digests(item))
            if state.previous_digests
            else []
        ),
        "last_rejection": last_rejection(item),
        "history": audit_trail(item),
    }
