"""Rebuild, sync and clean the Solr index through the outbox.

None of them talks to Solr about documents directly: each records which items must be brought
in step, and the outbox delivers them (the worker of a running site, or ``drain`` here), so a
maintenance run is as durable as any edit and survives Solr going away half-way.
"""

from nguon.outbox.storage import outbox
from nguon.search import client
from nguon.search import verify

import logging


logger = logging.getLogger("nguon.search")


CONSUMER = "solr"


def pending(portal):
    return outbox(portal, create=True).pending_set(CONSUMER)


def queue_catalog(portal):
    """Every item of the catalog, without asking Solr anything; returns how many."""
    queue = pending(portal)
    brains = verify.all_brains(portal)
    for brain in brains:
        queue.record(brain.UID, brain.getPath())
    return len(brains)


def rebuild(portal):
    """Every item of the catalog again, and whatever Solr holds beyond it; returns how many."""
    queued = queue_catalog(portal)
    queue = pending(portal)
    catalog_uids = set(queue.uids())
    extra = [uid for uid in verify.solr_items(fields=()) if uid not in catalog_uids]
    for uid in extra:
        queue.record(uid, None)
    return queued + len(extra)


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


def sync_at_start(portal):
    """Queue what Solr lacks when the site starts; when Solr cannot be asked, queue the whole
    catalog (delivery is idempotent), so that nothing depends on Solr answering right now."""
    try:
        if needs_sync(portal):
            sync(portal)
    except client.SolrError as error:
        logger.warning(
            "Solr did not answer at start (%s): every item is queued for it", error
        )
        queue_catalog(portal)


def sync_when_the_site_starts(event):
    """``nguon-start`` set the site up (``nguon.instance.events.ISiteStarting``)."""
    sync_at_start(event.site)
