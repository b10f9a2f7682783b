"""Which units an item reaches, and on which channels.

An item's *reach* is a tuple of ``(unit code, below)`` pairs: the item is for the unit with
that code, and for every unit under it when ``below`` is true. Its target scope decides:

- ``unit``: its own unit only;
- ``subtree``: its own unit and every unit under it;
- ``chosen``: the chosen units (``target_units``), not what is under them;
- ``area``: the whole area of each chosen unit (the unit and everything under it).

A unit reads an item when a pair names the unit itself, or names one of its ancestors with
``below`` set: ``reaches`` checks that from the unit's lineage alone, without the item.
"""
from nguon.workflow.approval import item_unit

# Channels of the types that have no channel field of their own.
TYPE_CHANNELS = {
    "LegalDocument": ("web", "board"),
    "RadioItem": ("radio",),
    "BoardNotice": ("board",),
}
ITEM_TYPES = ("Bulletin",) + tuple(TYPE_CHANNELS)


def reach(item):
    """The ``(code, below)`` pairs of ``item``; empty for an item outside every unit."""
    unit = item_unit(item)
    if unit is None:
        return ()
    scope = getattr(item, "target_scope", None) or "unit"
    chosen = [code for code in getattr(item, "target_units", None) or () if code]
    if scope == "subtree":
        return ((unit.code, True),)
    if scope in ("chosen", "area") and chosen:
        return tuple(sorted((code, scope == "area") for code in set(chosen)))
    return ((unit.code, False),)


def reaches(pairs, lineage_codes):
    """True when an item with reach ``pairs`` is for the unit whose lineage (codes from the
    top of the tree down to the unit itself) is ``lineage_codes``."""
    if not lineage_codes:
        return False
    own = lineage_codes[-1]
    above = set(lineage_codes[:-1])
    return any(code == own or (below and code in above) for code, below in pairs)


def channels(item):
    """The channels an item is published on."""
    if item.portal_type in TYPE_CHANNELS:
        return TYPE_CHANNELS[item.portal_type]
    return tuple(sorted(getattr(item, "channels", None) or ("web",)))
