"""Every unit has three groups (editors, approvers, unit admins) holding local roles on it."""
from nguon import _
from plone import api
from zope.i18n import translate


GROUP_ROLES = {
    "editors": ("Contributor", "Editor", "Reader"),
    "approvers": ("Reviewer", "Reader"),
    "admins": ("Contributor", "Editor", "Reviewer", "Reader"),
}

GROUP_TITLES = {
    "editors": _("group_editors", default="Biên tập viên"),
    "approvers": _("group_approvers", default="Người duyệt"),
    "admins": _("group_admins", default="Quản trị đơn vị"),
}


def group_id(unit_code, kind):
    """The id of one of a unit's groups, e.g. ``unit-19786-editors``."""
    if kind not in GROUP_ROLES:
        raise ValueError(f"unknown unit group kind {kind!r}; expected one of {sorted(GROUP_ROLES)}")
    return f"unit-{unit_code}-{kind}"


def ensure_unit_groups(unit):
    """Create the unit's groups if missing and grant their local roles; safe to call again."""
    for kind, roles in GROUP_ROLES.items():
        groupname = group_id(unit.code, kind)
        title = f"{translate(GROUP_TITLES[kind], target_language='vi')} — {unit.Title()}"
        if api.group.get(groupname=groupname) is None:
            api.group.create(groupname=groupname, title=title)
        api.group.grant_roles(groupname=groupname, obj=unit, roles=list(roles))
