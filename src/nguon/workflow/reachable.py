"""What an editor may reach from a unit, and who will receive an item: the target picker's
and the pre-submission summary's answers, computed by the functions the workflow itself uses
(``approval_chain_for``, ``reach.outside_area``, ``reach.declared_reach``, ``compute_chain``).

The widest area an item of a unit can reach is the area of the top of the chain the policy
would ask for a target at the top of the tree (``approve: own`` never climbs, so a legal
document stays in its unit's area; ``up-to-target`` climbs as far as the targets need). A
unit is offered when the chain for that one target covers it, and is marked ``climbs`` when
choosing it makes the chain longer than for the item's own unit alone.
"""

from nguon.content.channels import channels
from nguon.content.vocabularies import CHANNELS
from nguon.content.vocabularies import LEVELS
from nguon.units import finder
from nguon.units.tree import find_unit
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from nguon.workflow.approval import approval_chain_for
from nguon.workflow.approval import compute_chain
from nguon.workflow.reach import check_item
from nguon.workflow.reach import declared_reach
from nguon.workflow.reach import outside_area
from nguon.workflow.reach import ReachError


LEVEL_TITLES = dict(LEVELS)
CHANNEL_TITLES = dict(CHANNELS)
FACT_DEFAULTS = {"priority": "normal", "category": None, "target_scope": "chosen"}


def _facts(portal_type, facts):
    given = {key: (facts or {}).get(key) or FACT_DEFAULTS[key] for key in FACT_DEFAULTS}
    return {**given, "type": portal_type}


def unit_info(unit_or_code):
    """Code, name, level and level name of a unit (given as an object or a code)."""
    unit = find_unit(unit_or_code) if isinstance(unit_or_code, str) else unit_or_code
    if unit is None:
        return {"code": unit_or_code, "title": unit_or_code, "level": None}
    return {
        "code": unit.code,
        "title": unit.Title(),
        "level": unit.level,
        "level_title": LEVEL_TITLES.get(unit.level, unit.level),
    }


def chain_for(portal_type, facts, unit, target_codes):
    """The chain the policy asks for an item of ``unit`` targeting ``target_codes``."""
    return approval_chain_for(_facts(portal_type, facts), lineage(unit), target_codes)


def widest_area(portal_type, facts, unit):
    """The code of the unit whose area bounds every target an item of ``unit`` may have."""
    own = lineage(unit)
    return chain_for(portal_type, facts, unit, [own[0][0]])[-1]


def _within(names, area_code):
    """``(unit, code)`` of the found names (``finder.UnitName``) inside the area of the unit
    ``area_code``, compared on the finder's own paths."""
    area = next((name for name in finder.index() if name.code == area_code), None)
    if area is None:
        return
    prefix = f"{area.path}/" if area.path else ""
    for name in names:
        if name.path == area.path or name.path.startswith(prefix):
            yield find_unit(name.code), name.code


def reachable_units(portal_type, facts, unit, query, limit=20):
    """The units matching ``query`` (by name without diacritics, or code) that an item of
    type ``portal_type`` written in ``unit`` may target, with the level and whether choosing
    it makes the chain climb (and to whom)."""
    base = chain_for(portal_type, facts, unit, [unit.code])
    area = widest_area(portal_type, facts, unit)
    found = []
    for candidate, code in _within(finder.find(query, limit=None)[0], area):
        chain = chain_for(portal_type, facts, unit, [code])
        if outside_area(chain[-1], [(code, False)]):
            continue  # the rule itself says no; never offered
        found.append(
            {
                **unit_info(candidate),
                "climbs": len(chain) > len(base),
                "chain": [unit_info(c) for c in chain],
            }
        )
        if len(found) >= limit:
            break
    return found


def reach_preview(item):
    """Who will receive ``item`` as it stands (units, channels) and which units must approve
    it, or why its targets cannot be approved."""
    try:
        check_item(item)
    except ReachError as error:
        problem = error.message
    else:
        problem = None
    unit = item_unit(item)
    return {
        "units": [
            {**unit_info(code), "below": below} for code, below in declared_reach(item)
        ],
        "channels": [
            {"id": channel, "title": CHANNEL_TITLES.get(channel, channel)}
            for channel in channels(item)
        ],
        "chain": [unit_info(code) for code in compute_chain(item)[0]]
        if unit is not None and problem is None
        else [],
        "problem": problem,
    }
