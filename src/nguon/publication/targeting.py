"""Which units an item reaches (on which channels is ``nguon.content.channels``).

An item's *reach* is a tuple of ``(unit code, below)`` pairs (``nguon.workflow.scope``): the
item is for the unit with that code, and for every unit under it when ``below`` is true. What
is delivered is only ever what its approvers could reach (``nguon.workflow.reach``): an item
whose targets leave the area of the unit that approved it has no reach at all.

A unit reads an item when a pair names the unit itself, or names one of its ancestors with
``below`` set: ``reaches`` checks that from the unit's lineage alone, without the item.
"""

from nguon.workflow.reach import declared_reach
from nguon.workflow.reach import deliverable_reach

import logging


logger = logging.getLogger("nguon.publication")


def reach(item):
    """The ``(code, below)`` pairs ``item`` is delivered to; empty for an item outside every
    unit, and for one that reaches beyond the area of the unit that approved it."""
    pairs = deliverable_reach(item)
    if not pairs and declared_reach(item):
        logger.warning(
            "withheld %s: its targets leave the area of the unit that approved it",
            "/".join(item.getPhysicalPath()),
        )
    return pairs


def reaches(pairs, lineage_codes):
    """True when an item with reach ``pairs`` is for the unit whose lineage (codes from the
    top of the tree down to the unit itself) is ``lineage_codes``."""
    if not lineage_codes:
        return False
    own = lineage_codes[-1]
    above = set(lineage_codes[:-1])
    return any(code == own or (below and code in above) for code, below in pairs)
