"""``install(portal)``: what search keeps in a site, the outbox with the pending set of the
``solr`` consumer (idempotent; ``nguon.setuphandlers`` and the upgrade step call it)."""

from nguon.outbox.install import install as install_outbox


def install(portal):
    install_outbox(portal)
