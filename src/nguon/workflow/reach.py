"""No unit speaks beyond its area: the one home of the reach rule.

An item's *reach* is a tuple of ``(unit code, below)`` pairs (``nguon.workflow.scope``).

**The rule**: an item reaches a unit only if that unit lies in the area (the unit itself and
everything under it) of the unit that approved the item last, that is the top of its approval
chain, or the unit whose approver used the emergency procedure. Every path goes through here:

- at save (add and edit forms, plone.restapi): :func:`check_proposal` refuses unknown units
  and targets that the policy's chain would not climb high enough to cover;
- at every approving transition (``nguon.workflow.events.enforce_reach``): the approving
  unit's area must cover every target (for the emergency procedure: the area of the unit the
  acting approver approves for);
- at delivery (``nguon.publication.targeting.reach``): :func:`deliverable_reach` gives
  nothing at all for an item whose targets are not all inside its approved area, so feeds,
  push, radio and boards never carry it, whoever changed it and however.
"""

from nguon import _
from nguon.errors import UserError
from nguon.units.tree import find_unit
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from nguon.workflow.approval import approval_chain_for
from nguon.workflow.approval import ApprovalState
from nguon.workflow.scope import reach_pairs


class ReachError(UserError):
    """An item would reach outside the area of the units that approve it."""


def declared_reach(item):
    """What the item's fields ask for, before any check; empty outside every unit."""
    unit = item_unit(item)
    if unit is None:
        return ()
    return reach_pairs(
        getattr(item, "target_scope", None) or "unit",
        unit.code,
        getattr(item, "target_units", None),
    )


def unknown_units(pairs):
    return [code for code, _below in pairs if find_unit(code) is None]


def outside_area(area_code, pairs):
    """Codes of the targets in ``pairs`` that do not lie in the area of ``area_code`` (a
    target with no unit is outside every area)."""
    outside = []
    for code, _below in pairs:
        unit = find_unit(code)
        if unit is None or area_code not in {c for c, _level in lineage(unit)}:
            outside.append(code)
    return outside


def covers(area_code, item):
    """True when every target of ``item`` lies in the area of ``area_code``."""
    pairs = declared_reach(item)
    return bool(pairs) and not outside_area(area_code, pairs)


def approved_area(item):
    """The code of the unit whose area bounds the item: the unit of its last approval (the
    top of its chain, or the emergency procedure's acting unit), or None if none was given."""
    approvals = ApprovalState(item).approvals
    return approvals[-1]["unit"] or None if approvals else None


def approved_area_lineage(item):
    """Codes from the top of the tree down to the unit whose area bounds the item (its own
    unit while nobody has approved it)."""
    area = approved_area(item)
    anchor = find_unit(area) if area else item_unit(item)
    return [code for code, _level in lineage(anchor)] if anchor is not None else []


def deliverable_reach(item):
    """The item's reach if its approved area covers every target, else nothing at all."""
    pairs = declared_reach(item)
    area = approved_area(item)
    if not pairs or area is None or outside_area(area, pairs):
        return ()
    return pairs


def _titles(codes):
    titles = []
    for code in codes:
        unit = find_unit(code)
        titles.append(f"{unit.Title()} ({code})" if unit is not None else code)
    return ", ".join(titles)


# Why targets are refused, by who refuses them: the policy's chain, or the emergency procedure.
OUTSIDE_MESSAGES = {
    "chain": (
        "error_reach_outside_chain",
        "Tin này được duyệt đến ${area}, nên chỉ gửi được trong địa bàn đó; "
        "các đơn vị sau nằm ngoài: ${units}.",
    ),
    "emergency": (
        "error_reach_emergency",
        "Quy trình khẩn cấp chỉ phát hành trong địa bàn của đơn vị bạn duyệt "
        "(${area}); các đơn vị sau nằm ngoài: ${units}.",
    ),
}


def refuse_outside(area_code, pairs, why="chain"):
    """Raise :class:`ReachError` naming the targets outside ``area_code``'s area."""
    outside = outside_area(area_code, pairs)
    if outside:
        message_id, default = OUTSIDE_MESSAGES[why]
        raise ReachError(
            _(
                message_id,
                default=default,
                mapping={"area": _titles([area_code]), "units": _titles(outside)},
            )
        )


def check_proposal(portal_type, facts, unit):
    """Refuse, at save, what no approval could ever deliver: unknown target units, and
    targets outside the area of the unit where the policy's chain for ``facts`` stops.
    ``facts``: priority, category, target_scope and target_units; ``unit``: the item's own
    unit. Returns the chain."""
    scope = facts.get("target_scope") or "unit"
    pairs = reach_pairs(scope, unit.code, facts.get("target_units"))
    unknown = unknown_units(pairs)
    if unknown:
        raise ReachError(
            _(
                "error_reach_unknown_units",
                default="Không có đơn vị nào mang mã ${codes}.",
                mapping={"codes": ", ".join(unknown)},
            )
        )
    chain = approval_chain_for(
        {**facts, "type": portal_type, "target_scope": scope},
        lineage(unit),
        [code for code, _below in pairs],
    )
    refuse_outside(chain[-1], pairs)
    return chain


def check_item(item):
    """:func:`check_proposal` for a stored item."""
    return check_proposal(
        item.portal_type,
        {
            "priority": getattr(item, "priority", None) or "normal",
            "category": getattr(item, "category", None),
            "target_scope": getattr(item, "target_scope", None),
            "target_units": getattr(item, "target_units", None),
        },
        item_unit(item),
    )
