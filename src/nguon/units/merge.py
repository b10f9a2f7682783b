"""Merge one administrative unit into another, as the 2025 reform merged communes and
provinces: the surviving unit gets the content, the sub-units, the group members and the
history; old addresses redirect; the merged unit and its groups are removed.

Whatever else names units by code (approval chains, targets, feed subscriptions) lives in the
layers above; each repairs its own records when it hears :class:`UnitsMerged`."""

from Acquisition import aq_chain
from Acquisition import aq_inner
from datetime import datetime
from nguon import _
from nguon.content.unit import IAdministrativeUnit
from nguon.errors import UserError
from nguon.units.groups import ensure_unit_groups
from nguon.units.groups import OWN_ROLES
from nguon.units.tree import group_id
from persistent.list import PersistentList
from plone import api
from plone.app.redirector.interfaces import IRedirectionStorage
from zope.annotation.interfaces import IAnnotations
from zope.component import getUtility
from zope.event import notify
from zope.interface import implementer
from zope.interface import Interface


MERGES_KEY = "nguon.units.merged_from"


class MergeError(UserError):
    """A merge that cannot be made."""


def merged_from(unit):
    """What was merged into ``unit``: dicts with code, title, path, date and who did it."""
    return list(IAnnotations(unit).get(MERGES_KEY, ()))


def _check(source, target):
    if source == target:
        raise MergeError(
            _("error_merge_same", default="Không thể sáp nhập một đơn vị vào chính nó.")
        )
    if source in aq_chain(aq_inner(target)):
        raise MergeError(
            _(
                "error_merge_into_descendant",
                default="Không thể sáp nhập một đơn vị vào đơn vị trực thuộc của nó.",
            )
        )


def _sub_units(unit):
    """``unit`` and every unit below it."""
    yield unit
    for child in unit.objectValues():
        if IAdministrativeUnit.providedBy(child):
            yield from _sub_units(child)


def _move_members(source, target):
    for kind in OWN_ROLES:
        old = api.group.get(groupname=group_id(source.code, kind))
        for user in old.getGroupMembers() if old is not None else ():
            api.group.add_user(groupname=group_id(target.code, kind), user=user)
        if old is not None:
            api.group.delete(groupname=old.getId())


class IUnitsMerged(Interface):
    """The unit with code ``source_code`` was merged into ``target`` (already done: the source
    is gone, what it held is under the target)."""


@implementer(IUnitsMerged)
class UnitsMerged:
    def __init__(self, source_code, target):
        self.source_code = source_code
        self.target = target


def replace_code(codes, source_code, target_code):
    """``codes`` with the merged unit's code replaced by the target's, without repeats."""
    replaced = []
    for code in codes:
        code = target_code if code == source_code else code
        if code not in replaced:
            replaced.append(code)
    return replaced


def merge_units(source, target):
    """Merge ``source`` into ``target``; returns how many objects moved."""
    _check(source, target)
    source_path, source_code = "/".join(source.getPhysicalPath()), source.code
    record = {
        "code": source_code,
        "title": source.Title(),
        "path": source_path,
        "date": datetime.now().isoformat(timespec="seconds"),
        "by": api.user.get_current().getId(),
    }
    moved = 0
    for child in list(source.objectValues()):
        moved_child = api.content.move(source=child, target=target, safe_id=True)
        moved += 1
        if IAdministrativeUnit.providedBy(moved_child):
            for unit in _sub_units(moved_child):
                ensure_unit_groups(unit)  # the units above them changed
    _move_members(source, target)
    IAnnotations(target).setdefault(MERGES_KEY, PersistentList()).append(record)
    api.content.delete(obj=source, check_linkintegrity=False)
    getUtility(IRedirectionStorage).add(source_path, "/".join(target.getPhysicalPath()))
    notify(UnitsMerged(source_code, target))
    return moved
