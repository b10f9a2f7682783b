"""The worker's own view of the database: a connection, the Plone sites that have an outbox,
a request for their URLs, and the system user (delivery reads every item, public or not)."""
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.users import system
from contextlib import contextmanager
from nguon.outbox.storage import outbox
from plone.base.interfaces import IPloneSiteRoot
from Testing.makerequest import makerequest
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest

import os
import transaction


@contextmanager
def opened_sites(db):
    tm = transaction.TransactionManager()
    connection = db.open(transaction_manager=tm)
    try:
        tm.begin()
        app = makerequest(connection.root()["Application"], environ=_public_url())
        setRequest(app.REQUEST)
        newSecurityManager(None, system)
        sites = [site for site in app.objectValues()
                 if IPloneSiteRoot.providedBy(site) and outbox(site) is not None]
        yield tm, sites
    finally:
        tm.abort()
        setSite(None)
        noSecurityManager()
        clearRequest()
        connection.close()


def _public_url():
    """SERVER_NAME/PORT of the public address (NGUON_PUBLIC_URL), for absolute URLs."""
    from urllib.parse import urlsplit

    url = urlsplit(os.environ.get("NGUON_PUBLIC_URL", "http://127.0.0.1:8080"))
    secure = url.scheme == "https"
    return {
        "SERVER_NAME": url.hostname or "127.0.0.1",
        "SERVER_PORT": str(url.port or (443 if secure else 80)),
        "HTTPS": "on" if secure else "off",
    }
