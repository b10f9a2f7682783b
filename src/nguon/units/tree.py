"""The unit tree: the one home of what every layer asks about administrative units.

- :func:`find_unit`: the unit with an official code;
- :func:`item_unit`: the unit an item belongs to (the nearest unit containing it);
- :func:`lineage` and :func:`ancestor_units`: where a unit stands in the tree;
- :func:`group_id` builds the id of one of a unit's groups (``unit-19786-editors``) and
  :func:`group_unit_code` reads the unit code back out of it, so the format is written once.

Everything here only reads; creating units and their groups is ``nguon.units.importer`` and
``nguon.units.groups``. This module imports nothing of nguon but the unit type's schema.
"""

from Acquisition import aq_chain
from Acquisition import aq_inner
from nguon.content.unit import IAdministrativeUnit
from plone import api


UNIT_TYPE = "AdministrativeUnit"
# The groups every unit has (``nguon.units.groups`` says which roles each holds).
GROUP_KINDS = ("editors", "approvers", "admins")
_GROUP_PREFIX = "unit-"


def find_unit(code):
    """The unit with this official code, or None."""
    brains = api.content.find(portal_type=UNIT_TYPE, unit_code=code, unrestricted=True)
    return brains[0]._unrestrictedGetObject() if brains else None


def item_unit(obj):
    """The administrative unit an item belongs to: the nearest unit containing it."""
    for parent in aq_chain(aq_inner(obj))[1:]:
        if IAdministrativeUnit.providedBy(parent):
            return parent
    return None


def ancestor_units(unit):
    """The units above ``unit``, nearest first."""
    return [
        u for u in aq_chain(aq_inner(unit))[1:] if IAdministrativeUnit.providedBy(u)
    ]


def lineage(unit):
    """``(code, level)`` pairs from the top of the unit tree down to ``unit``."""
    units = [u for u in aq_chain(aq_inner(unit)) if IAdministrativeUnit.providedBy(u)]
    return [(u.code, u.level) for u in reversed(units)]


def group_id(unit_code, kind):
    """The id of one of a unit's groups, e.g. ``unit-19786-editors``."""
    if kind not in GROUP_KINDS:
        raise ValueError(
            f"unknown unit group kind {kind!r}; expected one of {sorted(GROUP_KINDS)}"
        )
    return f"{_GROUP_PREFIX}{unit_code}-{kind}"


def group_unit_code(groupid, kind):
    """The unit code of a group id built by :func:`group_id` for ``kind``, or None for any
    other group (``group_unit_code("unit-19786-approvers", "approvers") == "19786"``)."""
    suffix = f"-{kind}"
    if not (groupid.startswith(_GROUP_PREFIX) and groupid.endswith(suffix)):
        return None
    return groupid[len(_GROUP_PREFIX) : -len(suffix)] or None


def is_unit_group(principal):
    """Whether a principal id is one of the units' groups (as :func:`group_id` builds them)."""
    return any(group_unit_code(principal, kind) for kind in GROUP_KINDS)
