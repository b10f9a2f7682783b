"""The outbox consumer that turns committed changes into change-log events.

It is registered under the name ``syndication`` (its name before the publication core had
its own package): the outbox keys each consumer's pending set by that name, so the name
stays.

The outbox records an item's UID in the very transaction that publishes, retracts, edits or
deletes it; this consumer runs after the commit, in the delivery worker, and logs what the
change means for consumers outside: the item is live (an upsert with its new snapshot), or it
is not any more (a tombstone). An item published with a later effective date, or with an
expiry date, is scheduled: the worker offers it again when that time comes (``due``).
"""

from nguon.content.alert import is_public
from nguon.content.channels import is_distributed
from nguon.outbox.interfaces import IScheduledConsumer
from nguon.publication import entries
from nguon.publication import targeting
from nguon.publication.store import Facts
from nguon.publication.store import storage
from nguon.workflow.state import review_state
from zope.interface import implementer

import logging
import time


logger = logging.getLogger("nguon.publication")
PUBLISHED = "published"


@implementer(IScheduledConsumer)
class ChangeLogConsumer:
    title = "Change log"

    def active(self, portal):
        return storage(portal) is not None

    def wants(self, obj):
        return is_distributed(obj)

    def due(self, portal, now=None):
        store = storage(portal)
        return store.due(now) if store is not None else []

    def deliver(self, portal, uids):
        store = storage(portal)
        brains = {
            brain.UID: brain
            for brain in portal.portal_catalog.unrestrictedSearchResults(UID=list(uids))
        }
        now = time.time()
        refused = {}
        for uid in uids:
            brain = brains.get(uid)
            obj = brain._unrestrictedGetObject() if brain is not None else None
            try:
                apply(store, uid, obj, portal, now)
            except Exception as error:  # a broken item must not hold up the others
                logger.exception("cannot syndicate %s", uid)
                refused[uid] = f"{error.__class__.__name__}: {error}"
        return refused


def apply(store, uid, obj, portal, now):
    """Bring the log in step with the committed state of one item."""
    if (
        obj is None
        or not ChangeLogConsumer().wants(obj)
        or review_state(obj) != PUBLISHED
    ):
        store.withdraw(uid, now)
        store.forget(uid)
        return
    effective, expires = entries.effective_time(obj), entries.expiry_time(obj)
    reach = targeting.reach(obj)
    if effective > now or (expires is not None and expires <= now) or not reach:
        store.withdraw(uid, now)
        store.plan(uid, [effective] if effective > now else [])
        return
    entry = entries.entry(obj, portal)
    facts = Facts(
        entry["channels"], entry["category"], entry["priority"], is_public(obj)
    )
    store.publish(uid, entry, reach, facts, now)
    store.plan(uid, [expires] if expires is not None else [])
