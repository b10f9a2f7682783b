"""Guards of ``nguon_approval_workflow``: one small function per transition.

Each takes the item and answers for the current user. The workflow definition calls them as
``python:modules['nguon.workflow.guards'].can_approve(here)``. Rules:

- an editor of the item's own unit (or its author) submits, withdraws and revises;
- only approvers of the unit the item waits at act on it there (``approve`` while higher
  levels remain, ``publish`` at the last one, ``reject`` at any);
- nobody approves an item they wrote;
- an emergency item may be published at once by an approver of its unit or of a unit above,
  when every target lies in the area of the unit they approve for (a commune cannot reach its
  province; ``nguon.workflow.events.enforce_reach`` says why to whoever tries anyway);
- an approver of the unit that approved the item, or of a unit above it, retracts and
  archives (a commune cannot withdraw what its province published for the province);
- Managers and Site Administrators may do everything but approve their own items.
"""

from AccessControl import ModuleSecurityInfo
from nguon.units.tree import item_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import approver_units
from nguon.workflow.approval import approving_unit_in_area
from nguon.workflow.approval import is_author
from nguon.workflow.approval import is_manager
from nguon.workflow.reach import approved_area_lineage
from nguon.workflow.reach import covers
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
    # the current user's own roles here (``api.user.get_roles`` looks the user up again by
    # id, which a system user that is no account, e.g. a federation link's, cannot pass)
    return "Editor" in api.user.get_current().getRolesInContext(item)


def can_withdraw(item):
    return is_author(item) or is_manager() or _edits_in_unit(item)


def can_emergency_publish(item):
    """An approver of the item's unit or above, for targets inside the area they approve for."""
    if getattr(item, "priority", None) != "emergency" or is_author(item):
        return False
    if is_manager():
        return True
    acting = approving_unit_in_area(item)
    return acting is not None and covers(acting, item)


def can_retract(item):
    """Retracting withdraws the item from its whole reach: only an approver of the unit that
    approved it (or of a unit above that one) may."""
    return is_manager() or bool(approver_units() & set(approved_area_lineage(item)))


can_archive = can_retract


can_revise = can_withdraw


ModuleSecurityInfo("nguon.workflow.guards").declarePublic(
    "can_submit",
    "can_approve",
    "can_publish",
    "can_reject",
    "can_withdraw",
    "can_emergency_publish",
    "can_retract",
    "can_archive",
    "can_revise",
)
