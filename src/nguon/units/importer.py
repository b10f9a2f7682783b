"""Create or update units from the official list, matched by their official code.

Running it again changes nothing that is already right: a unit is found by code wherever it
is, renamed if the official name changed, and created only if missing. A unit created gets
its point from the shipped list (``nguon.units.location.official``), when the list has one.
"""

from collections import Counter
from nguon.units import official
from nguon.units.groups import ensure_unit_groups
from nguon.units.location import official as official_points
from nguon.units.tree import find_unit
from nguon.units.tree import UNIT_TYPE
from plone import api


def sync_unit(container, official, counts):
    """Make one unit match the official record; returns the unit."""
    unit = find_unit(official.code)
    if unit is None:
        latitude, longitude = official_points().get(official.code, (None, None))
        unit = api.content.create(
            container=container,
            type=UNIT_TYPE,
            id=official.slug,
            title=official.title,
            code=official.code,
            level=official.level,
            division_type=official.division_type,
            latitude=latitude,
            longitude=longitude,
        )
        counts["created"] += 1
    elif (unit.title, unit.level, unit.division_type) != (
        official.title,
        official.level,
        official.division_type,
    ):
        unit.title = official.title
        unit.level = official.level
        unit.division_type = official.division_type
        unit.reindexObject()
        counts["updated"] += 1
    else:
        counts["unchanged"] += 1
    ensure_unit_groups(unit)
    return unit


def sync_tree(container, official):
    """Sync a unit and all its official children below ``container``; returns the counts."""
    counts = Counter(created=0, updated=0, unchanged=0)
    unit = sync_unit(container, official, counts)
    for child in official.children:
        sync_unit(unit, child, counts)
    return counts


def sync_provinces(portal, codes):
    """Sync the central unit and the official provinces ``codes`` (with all their communes)
    under ``portal``; returns the counts for all of them together."""
    counts = Counter(created=0, updated=0, unchanged=0)
    central = sync_unit(portal, official.CENTRAL, counts)
    for code in codes:
        counts.update(sync_tree(central, official.province(code)))
    return counts
