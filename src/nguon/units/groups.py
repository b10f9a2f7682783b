"""Every unit has three groups (editors, approvers, unit admins) holding local roles on it.

Local roles do not flow down the tree by themselves: each unit blocks acquisition and is
granted, explicitly, the roles of its own groups and the narrower roles that the groups of the
units above it hold over it (approvers above review what climbs to them; admins above see
it, and manage the membership of its groups through the UnitAdmin role). A province's
editors therefore cannot edit a commune's drafts, while its approvers see what commune items
wait for them.
"""

from nguon import _
from nguon.units.tree import ancestor_units
from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from nguon.units.tree import is_unit_group
from plone import api
from zope.i18n import translate


OWN_ROLES = {
    "editors": ("Contributor", "Editor", "Reader"),
    "approvers": ("Reviewer", "Reader"),
    "admins": ("Contributor", "Editor", "Reviewer", "Reader", "UnitAdmin"),
}
# Roles the groups of a unit hold on every unit below it.
DESCENDANT_ROLES = {
    "approvers": ("Reviewer", "Reader"),
    "admins": ("Reader", "UnitAdmin"),
}

GROUP_TITLES = {
    "editors": _("group_editors", default="Biên tập viên"),
    "approvers": _("group_approvers", default="Người duyệt"),
    "admins": _("group_admins", default="Quản trị đơn vị"),
}
assert tuple(OWN_ROLES) == GROUP_KINDS == tuple(GROUP_TITLES)


def ensure_unit_groups(unit):
    """Create the unit's groups if missing and set the unit's local roles; safe to call again."""
    for kind in OWN_ROLES:
        groupname = group_id(unit.code, kind)
        if api.group.get(groupname=groupname) is None:
            title = f"{translate(GROUP_TITLES[kind], target_language='vi')} — {unit.Title()}"
            api.group.create(groupname=groupname, title=title)
    grant_unit_roles(unit)


def grant_unit_roles(unit):
    """Replace the unit groups' local roles on ``unit`` by what its place in the tree gives."""
    unit.__ac_local_roles_block__ = True
    for principal, _roles in list(unit.get_local_roles()):
        if is_unit_group(principal):
            unit.manage_delLocalRoles([principal])
    for kind, roles in OWN_ROLES.items():
        unit.manage_setLocalRoles(group_id(unit.code, kind), list(roles))
    for ancestor in ancestor_units(unit):
        for kind, roles in DESCENDANT_ROLES.items():
            unit.manage_setLocalRoles(group_id(ancestor.code, kind), list(roles))
    unit.reindexObjectSecurity()
