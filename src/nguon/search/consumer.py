"""The outbox consumer that keeps Solr equal to the catalog.

For each pending UID it reads the committed state: an item the catalog has is sent whole (a
plain add replaces the document, so no stale field survives, and no partial update can create
a half document), one it has not is deleted. A batch is one request; when Solr rejects it, the
batch is split until the one bad document is found, and only that one is refused.
"""

from nguon.outbox.interfaces import ConsumerUnavailable
from nguon.outbox.interfaces import IOutboxConsumer
from nguon.search import client
from nguon.search import documents
from nguon.search.health import HEALTH
from zope.interface import implementer

import logging


logger = logging.getLogger("nguon.search")


@implementer(IOutboxConsumer)
class SolrConsumer:
    title = "Solr"

    def active(self, portal):
        return client.is_active()

    def wants(self, obj):
        return documents.indexable(obj)

    def deliver(self, portal, uids):
        try:
            commands, refused = self.commands(portal, uids)
            refused.update(self.send(commands))
        except client.SolrUnavailable as error:
            HEALTH.down(str(error))
            raise ConsumerUnavailable(str(error)) from error
        HEALTH.up()
        return refused

    def commands(self, portal, uids):
        """``(uid, command)`` pairs for Solr's JSON update API, and the uids that could not be
        turned into a document (uid -> message)."""
        solr_schema = documents.schema()
        brains = {
            brain.UID: brain
            for brain in portal.portal_catalog.unrestrictedSearchResults(UID=list(uids))
        }
        commands, refused = [], {}
        for uid in uids:
            brain = brains.get(uid)
            obj = brain._unrestrictedGetObject() if brain is not None else None
            if obj is None or not documents.indexable(obj):
                commands.append((uid, ("delete", {"id": uid})))
                continue
            try:
                commands.append(
                    (uid, ("add", {"doc": documents.document(obj, solr_schema)}))
                )
            except Exception as error:  # a broken item must not hold up the others
                logger.exception("cannot build the Solr document of %s", uid)
                refused[uid] = f"{error.__class__.__name__}: {error}"
        return commands, refused

    def send(self, commands):
        """Send ``commands``; returns the refused ones (uid -> Solr's message)."""
        if not commands:
            return {}
        try:
            client.update([command for _uid, command in commands])
            return {}
        except client.SolrRejected as error:
            if len(commands) == 1:
                documents.schema(reload=True)  # the schema may have changed under us
                return {commands[0][0]: str(error)}
        middle = len(commands) // 2
        return {**self.send(commands[:middle]), **self.send(commands[middle:])}
