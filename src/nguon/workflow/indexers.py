"""Catalog indexers for the approval queue."""

from nguon.units.tree import item_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.approval import WAITING_STATES
from nguon.workflow.events import WORKFLOW_ID
from nguon.workflow.state import review_state
from plone.dexterity.interfaces import IDexterityContent
from plone.indexer import indexer


@indexer(IDexterityContent)
def awaiting_unit(item):
    unit = (
        ApprovalState(item).awaiting_unit
        if item.portal_type != "AdministrativeUnit"
        else None
    )
    if unit is None:
        raise AttributeError("awaiting_unit")
    return unit


@indexer(IDexterityContent)
def waiting_since(item):
    """When the item began to wait at its current level: its last transition."""
    if review_state(item) not in WAITING_STATES:
        raise AttributeError("waiting_since")
    # Read the history directly: indexing may run as a user who may not see it (the indexing
    # queue is processed whenever someone next queries the catalog).
    history = (getattr(item, "workflow_history", None) or {}).get(WORKFLOW_ID, ())
    if not history:
        raise AttributeError("waiting_since")
    return history[-1]["time"]


@indexer(IDexterityContent)
def owning_unit(item):
    unit = item_unit(item)
    if unit is None or item.portal_type == "AdministrativeUnit":
        raise AttributeError("owning_unit")
    return unit.code
