"""``install(portal)``: what the publication core keeps in a site, the outbox with the
``syndication`` consumer's pending set (the consumer that writes the change log) and the
change log every channel reads (idempotent). Every channel that reads the log (syndication,
radio, boards) calls it from its own ``install``, so none depends on another being
installed first."""

from nguon.outbox.install import install as install_outbox
from nguon.publication.store import storage


def install(portal):
    install_outbox(portal)
    storage(portal, create=True)
