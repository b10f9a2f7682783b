"""Who may do what with a unit's reports: least privilege, read from the unit's groups.

- the unit's own editors and admins fill and submit;
- only the unit's own approvers sign off or send back;
- the unit's own people read its reports in every state; the people of the units above
  read its status and, once signed, its report; site managers read everything;
- nobody else, and never anonymous.

Roles are not used: the approvers and admins of the units above hold Reviewer and Editor-like
roles on the units below (``nguon.units.groups``), which must not let a province sign a
commune's report.
"""

from nguon.reports.store import SIGNED
from nguon.units.tree import ancestor_units
from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from plone import api


def _kinds(user, unit):
    groups = set(user.getGroups()) if user is not None else set()
    return {kind for kind in GROUP_KINDS if group_id(unit.code, kind) in groups}


def _manager(user):
    return user is not None and api.user.has_permission(
        "Manage portal", user=user, obj=api.portal.get()
    )


def may_fill(user, unit):
    return bool(_kinds(user, unit) & {"editors", "admins"})


def may_sign(user, unit):
    return "approvers" in _kinds(user, unit)


def is_member(user, unit):
    """One of the unit's own people: reads its reports in every state."""
    return bool(_kinds(user, unit))


def is_above(user, unit):
    """One of the people of a unit above (or a site manager): reads the unit's status and
    its signed reports."""
    return _manager(user) or any(_kinds(user, up) for up in ancestor_units(unit))


def may_read_list(user, unit):
    return is_member(user, unit) or is_above(user, unit)


def may_read(user, unit, report):
    return is_member(user, unit) or (report.state == SIGNED and is_above(user, unit))


def current_user():
    """The logged-in user, None for anonymous."""
    return None if api.user.is_anonymous() else api.user.get_current()
