"""Addresses the statistics link to: the units below (from the in-memory unit index, no
object is woken) and the items of the gaps (one catalog query for all; a gap outlives its
item, which then has no address)."""

from nguon.units.finder import index
from plone import api


def unit_urls(portal):
    """``{unit code: address}`` of every unit."""
    base = portal.absolute_url()
    return {unit.code: f"{base}/{unit.path}" for unit in index(portal)}


def item_urls(uids):
    """``{uid: address}`` of the items that still exist."""
    uids = list(uids)
    brains = api.content.find(UID=uids, unrestricted=True) if uids else []
    return {brain.UID: brain.getURL() for brain in brains}
