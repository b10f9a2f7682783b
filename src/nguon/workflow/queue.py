"""The approval queue: what waits for a user, across every unit they approve for."""

from collections import Counter
from dataclasses import dataclass
from nguon.units.tree import find_unit
from nguon.workflow.approval import approver_units
from nguon.workflow.approval import is_manager
from nguon.workflow.approval import WAITING_STATES
from plone import api


@dataclass(frozen=True)
class Queue:
    brains: list
    counts: dict  # unit code -> number of items waiting there

    def unit_titles(self):
        titles = {}
        for code in self.counts:
            unit = find_unit(code)
            titles[code] = unit.Title() if unit is not None else code
        return titles


def waiting_for(user=None):
    """What waits for ``user`` (default: the current user), oldest first, as lazy catalog
    results: a page of them costs the same however long the queue is.

    An approver sees what waits at the units whose approvers group they belong to; a Manager
    or Site Administrator sees everything that waits anywhere.
    """
    query = {"review_state": list(WAITING_STATES), "sort_on": "waiting_since"}
    if not is_manager(user):
        codes = sorted(approver_units(user))
        if not codes:
            return []
        query["awaiting_unit"] = codes
    return api.content.find(**query)


def approval_queue(user=None):
    """Items waiting for ``user`` (:func:`waiting_for`), with the number waiting per unit."""
    brains = list(waiting_for(user))
    return Queue(brains=brains, counts=dict(Counter(b.awaiting_unit for b in brains)))
