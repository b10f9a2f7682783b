"""Every unit has three groups (editors, approvers, unit admins) holding local roles on it.

Local roles do not flow down the tree by themselves: each unit blocks acquisition and is
granted, explicitly, the roles of its own groups and the narrower roles that the groups of the
units above it hold over it (approvers above review what climbs to them; admins above see
it, and manage the membership of its groups through the UnitAdmin role). A province's
editors therefore cannot edit a commune's drafts, while its approvers see what commune items
wait for them.
"""
from nguon import _
from nguon.content.unit import IAdministrativeUnit
from plone import api
from zope.i18n import translate

from Acquisition import aq_chain
from Acquisition import aq_inner


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


def group_id(unit_code, kind):
    """The id of one of a unit's groups, e.g. ``unit-19786-editors``."""
    if kind not in OWN_ROLES:
        raise ValueError(f"unknown unit group kind {kind!r}; expected one of {sorted(OWN_ROLES)}")
    return f"unit-{unit_code}-{kind}"


def ancestor_units(unit):
    """The units above ``unit``, nearest first."""
    return [u for u in aq_chain(aq_inner(unit))[1:] if IAdministrativeUnit.providedBy(u)]


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
    for principal, roles in list(unit.get_local_roles()):
        if principal.startswith("unit-"):
            unit.manage_delLocalRoles([principal])
    for kind, roles in OWN_ROLES.items():
        unit.manage_setLocalRoles(group_id(unit.code, kind), list(roles))
    for ancestor in ancestor_units(unit):
        for kind, roles in DESCENDANT_ROLES.items():
            unit.manage_setLocalRoles(group_id(ancestor.code, kind), list(roles))
    unit.reindexObjectSecurity()
