"""The worker's own view of the database: a connection, the Plone sites that have an outbox,
a request for their public URLs, and the system user (delivery reads every item, public or
not), as the offline commands have (``nguon.instance.offline.system_request``)."""

from contextlib import contextmanager
from nguon.instance.offline import system_request
from nguon.outbox.storage import outbox
from plone.base.interfaces import IPloneSiteRoot

import transaction


@contextmanager
def opened_sites(db):
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    try:
        tm.begin()
        with system_request(connection.root()["Application"]) as app:
            sites = [
                site
                for site in app.objectValues()
                if IPloneSiteRoot.providedBy(site) and outbox(site) is not None
            ]
            yield tm, sites
    finally:
        tm.abort()
        connection.close()
