"""Who may handle a report: the one check every face makes before an official acts.

The permission ``nguon: Handle citizen feedback`` is held on a unit by its editors,
approvers and admins, and on every unit below by the approvers and admins of the units
above (their Reviewer and UnitAdmin roles reach down the tree). A report is handled on the
desk of its handling unit and, once escalated, on the desk of the unit above as well.
"""

from nguon.units.tree import find_unit
from plone import api


HANDLE = "nguon: Handle citizen feedback"


def can_handle_unit(unit, user=None):
    """Whether ``user`` (the current user by default) handles reports at ``unit``."""
    if unit is None or api.user.is_anonymous() and user is None:
        return False
    if user is None:
        return bool(api.user.has_permission(HANDLE, obj=unit))
    return bool(api.user.has_permission(HANDLE, user=user, obj=unit))


def desks(report):
    """The codes of the units on whose desk the report stands."""
    return tuple(code for code in (report.handler, report.escalated_to) if code)


def can_handle(report, user=None):
    """Whether the user may read everything of the report and act on it."""
    return any(can_handle_unit(find_unit(code), user) for code in desks(report))
