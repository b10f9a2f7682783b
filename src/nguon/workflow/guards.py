"""Guards of ``nguon_approval_workflow``: one small function per transition.

Each takes the item and answers for the current user. The workflow definition calls them as
``python:modules['nguon.workflow.guards'].can_approve(here)``. Rules:

- an editor of the item's own unit (or its author) submits, withdraws and revises;
- only approvers of the unit the item waits at act on it there (``approve`` while higher
  levels remain, ``publish`` at the last one, ``reject`` at any);
- nobody approves an item they wrote;
- an emergency item may be published at once by an approver of its unit or of a unit above;
- an approver of the item's unit or above retracts and archives;
- Managers and Site Administrators may do everything but approve their own items.
"""
from AccessControl import ModuleSecurityInfo
from nguon.workflow.approval import approver_units
from nguon.workflow.approval import approving_unit_in_area
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import is_author
from nguon.workflow.approval import is_manager
from nguon.workflow.approval import item_unit
from plone import api


def _can_edit(item):
    return api.user.has_permission("Modify portal content", obj=item)


def _approves_here(item):
    """The current user approves at the unit the item waits at, and did not write it."""
    if is_author(item):
        return False
    awaiting = ApprovalState(item).awaiting_unit
    return awaiting is not None and (is_manager() or awaiting in approver_units())


def can_submit(item):
    return item_unit(item) is not None and _can_edit(item)


def can_approve(item):
    return _approves_here(item) and not ApprovalState(item).is_last_step


def can_publish(item):
    return _approves_here(item) and ApprovalState(item).is_last_step


def can_reject(item):
    return _approves_here(item)


def _edits_in_unit(item):
    return "Editor" in api.user.get_roles(obj=item)


def can_withdraw(item):
    return is_author(item) or is_manager() or _edits_in_unit(item)


def can_emergency_publish(item):
    if getattr(item, "priority", None) != "emergency" or is_author(item):
        return False
    return is_manager() or approving_unit_in_area(item) is not None


def can_retract(item):
    return is_manager() or approving_unit_in_area(item) is not None


can_archive = can_retract


can_revise = can_withdraw


ModuleSecurityInfo("nguon.workflow.guards").declarePublic(
    "can_submit", "can_approve", "can_publish", "can_reject", "can_withdraw",
    "can_emergency_publish", "can_retract", "can_archive", "can_revise",
)
