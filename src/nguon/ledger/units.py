"""The units the ledger counts for: lineages of receiving units, the units an obligation
targets, and the units whose figures make up an area (with the units merged into them).

Lineages are asked on every delivery record, so they are cached in the process by unit code
(``forget_lineages`` empties the cache when units are merged; a unit moved elsewhere in the
tree is a merge in practice). Everything else reads ``nguon.units.finder.index``, the one
in-memory list of units.
"""

from nguon.ledger.store import ledger
from nguon.units.finder import index
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone import api


_LINEAGES = {}


def lineage_codes(code):
    """Codes from the top of the tree down to the unit ``code`` (empty when unknown)."""
    if code not in _LINEAGES:
        unit = find_unit(code)
        _LINEAGES[code] = (
            tuple(c for c, _level in lineage(unit)) if unit is not None else ()
        )
    return _LINEAGES[code]


def forget_lineages(event=None):
    """Empty the cache (subscriber of ``IUnitsMerged``) and note the merged code."""
    _LINEAGES.clear()
    if event is not None and getattr(event, "target", None) is not None:
        store = ledger(api.portal.get())
        if store is not None:
            store.aliases[event.source_code] = event.target.code


_BY_CODE = []  # [(the finder's index, {code: unit})]: built once per index


def _by_code(portal=None):
    """``({code: unit}, units)`` of the finder's index, the mapping made once per index
    (a page asks for every indicator, an item's publication for every approval)."""
    units = index(portal)
    entry = _BY_CODE[0] if _BY_CODE else None
    if entry is None or entry[0] is not units:
        entry = (units, {unit.code: unit for unit in units})
        _BY_CODE[:] = [entry]  # one assignment: threads see the old entry or the new
    return entry[1], units


def receiving_units(pairs, portal=None):
    """The units an item with reach ``pairs`` (``(code, below)``) is received by: the named
    unit itself, or, with ``below``, every unit of its area that has no unit under it (the
    communes, where the loudspeakers and boards are). In tree order, without repeats."""
    by_code, units = _by_code(portal)
    parents = {unit.parent_path for unit in units}
    found = []
    for code, below in pairs:
        unit = by_code.get(code)
        if unit is None:
            continue
        if not below or unit.path not in parents:
            found.append(unit)
            continue
        prefix = unit.path + "/"
        found.extend(
            u for u in units if u.path.startswith(prefix) and u.path not in parents
        )
    seen = set()
    return [u for u in found if not (u.code in seen or seen.add(u.code))]


def area_codes(area_code, portal=None):
    """Every unit code whose figures count for the area of ``area_code``: the unit, every
    unit under it, and every code merged into one of them."""
    by_code, units = _by_code(portal)
    unit = by_code.get(area_code)
    if unit is None:
        return ()
    prefix = unit.path + "/"
    codes = {area_code} | {u.code for u in units if u.path.startswith(prefix)}
    store = ledger(portal or api.portal.get())
    if store is not None and len(store.aliases):
        merged = {old for old, new in store.aliases.items() if new in codes}
        while merged - codes:
            codes |= merged
            merged = {old for old, new in store.aliases.items() if new in codes}
    return tuple(sorted(codes))


def children_codes(area_code, portal=None):
    """``(code, title)`` of the units directly under ``area_code``, by name."""
    by_code, units = _by_code(portal)
    unit = by_code.get(area_code)
    if unit is None:
        return []
    return [(u.code, u.title) for u in units if u.parent_path == unit.path]


def title_of(code, portal=None):
    unit = _by_code(portal)[0].get(code)
    return unit.title if unit is not None else code


def level_of(code, portal=None):
    unit = _by_code(portal)[0].get(code)
    return unit.level if unit is not None else ""
