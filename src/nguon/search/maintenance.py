"""Rebuild, sync and clean the Solr index through the outbox.

None of them talks to Solr about documents directly: each records which items must be brought
in step, and the outbox delivers them (the worker of a running site, or ``drain`` here), so a
maintenance run is as durable as any edit and survives Solr going away half-way.
"""
from nguon.outbox.storage import outbox
from nguon.search import verify


CONSUMER = "solr"


def pending(portal):
    return outbox(portal, create=True).pending_set(CONSUMER)


def rebuild(portal):
    """Every item of the catalog again, and whatever Solr holds beyond it; returns how many."""
    uids = {brain.UID: brain.getPath() for brain in verify.all_brains(portal)}
    for uid in verify.solr_items(fields=()):
        uids.setdefault(uid, None)
    queue = pending(portal)
    for uid, path in uids.items():
        queue.record(uid, path)
    return len(uids)


def sync(portal):
    """Only the items where Solr and the catalog differ; returns the differences."""
    differences = verify.compare(portal)
    queue = pending(portal)
    for uid in differences.uids:
        queue.record(uid, None)
    return differences


def clean(portal):
    """Only what Solr holds and the catalog does not (it is deleted); returns how many."""
    differences = verify.compare(portal)
    queue = pending(portal)
    for uid in differences.extra:
        queue.record(uid, None)
    return len(differences.extra)


def needs_sync(portal):
    """A cheap look at start-up: does Solr hold as many items as the catalog?"""
    return verify.count() != len(verify.all_brains(portal))
