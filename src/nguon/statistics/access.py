"""Who reads a unit's statistics and an item's coverage: the officials of the unit and of
the units above it, never those of a unit beside or below, never anonymous.

An official is a member of one of a unit's groups (editors, approvers, admins); a site
manager reads every unit. A province reads its communes' pages; a commune does not read its
province's, nor a neighbour's. Roles are not used: they are granted down the tree for
editing and say nothing about who may read figures.
"""

from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from plone import api


def current_user():
    """The logged-in user, None for anonymous."""
    return None if api.user.is_anonymous() else api.user.get_current()


def may_read(user, unit):
    """Whether ``user`` may read the statistics of ``unit``'s area."""
    if user is None or unit is None:
        return False
    if api.user.has_permission("Manage portal", user=user, obj=api.portal.get()):
        return True
    groups = set(user.getGroups())
    return any(
        group_id(code, kind) in groups
        for code, _level in lineage(unit)
        for kind in GROUP_KINDS
    )


def may_read_coverage(user, item):
    """Whether ``user`` may read where ``item`` reached: the officials of the unit that
    published it and of the units above."""
    return may_read(user, item_unit(item))
