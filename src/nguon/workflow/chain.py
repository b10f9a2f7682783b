"""The approval chain: which units approve an item, in order, from its own unit upward.

Pure functions over *lineages* — the list of ``(code, level)`` pairs from the top of the unit
tree down to a unit — so that the rule is testable without a site.
"""


def common_ancestor_depth(lineage, other):
    """How many leading units two lineages share."""
    depth = 0
    for mine, theirs in zip(lineage, other, strict=False):  # lineages differ in length
        if mine[0] != theirs[0]:
            break
        depth += 1
    return depth


def approval_chain(rule, lineage, target_lineages=()):
    """Codes of the units that must approve, from the item's own unit upward.

    ``up-to-target`` climbs to the lowest unit whose area covers the item's unit and every
    target; ``at_least`` climbs further, to the nearest unit of that level above the item, if
    the tree has one there. Levels the tree lacks (no district in a two-tier province) are
    simply not in the lineage, so nothing special is needed for them.
    """
    if not lineage:
        raise ValueError(
            "an item outside every administrative unit has no approval chain"
        )
    top = len(lineage) - 1  # index, in lineage, of the highest approving unit
    if rule.approve == "up-to-target":
        for target in target_lineages:
            top = min(top, common_ancestor_depth(lineage, target) - 1)
        top = max(top, 0)
    if rule.at_least:
        at_level = [
            index
            for index, (_code, level) in enumerate(lineage)
            if level == rule.at_least
        ]
        if at_level:
            top = min(top, at_level[-1])
    return tuple(code for code, _level in reversed(lineage[top:]))
