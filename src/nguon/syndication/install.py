"""``install(portal)``: what syndication keeps in a site, the outbox with the ``syndication``
consumer's pending set and the change log every channel reads (idempotent;
``nguon.setuphandlers`` and the upgrade step call it)."""
from nguon.outbox.install import install as install_outbox
from nguon.publication.store import storage


def install(portal):
    install_outbox(portal)
    storage(portal, create=True)
