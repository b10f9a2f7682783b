"""Membership of a unit's groups, managed by the unit admins of that unit or of a unit above
(permission "nguon: Manage unit members", held through the UnitAdmin role)."""

from nguon import _
from nguon.errors import UserError
from nguon.units.groups import OWN_ROLES
from nguon.units.tree import group_id
from plone import api


KINDS = tuple(OWN_ROLES)


class MembershipError(UserError):
    """A membership change that cannot be made."""


def _check_kind(kind):
    if kind not in KINDS:
        raise MembershipError(
            _(
                "error_unknown_group_kind",
                default="Nhóm «${kind}» không có; dùng một trong: editors, approvers, admins.",
                mapping={"kind": kind},
            )
        )


def _user(userid):
    user = api.user.get(userid=userid) if userid else None
    if user is None:
        raise MembershipError(
            _(
                "error_unknown_user",
                default="Không có người dùng «${user}».",
                mapping={"user": userid or ""},
            )
        )
    return user


def members(unit):
    """{kind: [{"id", "fullname", "email"}]} for the unit's three groups, sorted by id."""
    result = {}
    for kind in KINDS:
        group = api.group.get(groupname=group_id(unit.code, kind))
        users = group.getGroupMembers() if group is not None else []
        result[kind] = sorted(
            (
                {
                    "id": user.getId(),
                    "fullname": user.getProperty("fullname", ""),
                    "email": user.getProperty("email", ""),
                }
                for user in users
            ),
            key=lambda entry: entry["id"],
        )
    return result


def add_member(unit, kind, userid):
    _check_kind(kind)
    api.group.add_user(groupname=group_id(unit.code, kind), user=_user(userid))


def remove_member(unit, kind, userid):
    _check_kind(kind)
    user = _user(userid)
    groupname = group_id(unit.code, kind)
    if groupname not in user.getGroups():
        raise MembershipError(
            _(
                "error_not_a_member",
                default="«${user}» không thuộc nhóm này.",
                mapping={"user": userid},
            )
        )
    api.group.remove_user(groupname=groupname, user=user)
