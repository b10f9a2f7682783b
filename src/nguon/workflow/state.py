"""An item's workflow state, for every layer that asks whether an item is published,
pending or retracted (capabilities read it from here, not from the approval chain)."""

from Products.CMFCore.utils import getToolByName


def review_state(obj):
    """The item's workflow state, found by acquisition (works without a site hook, as in
    indexing at commit time)."""
    return getToolByName(obj, "portal_workflow").getInfoFor(obj, "review_state", None)
