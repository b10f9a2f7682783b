"""``install(portal)``: what syndication keeps in a site (idempotent; ``nguon.setuphandlers``
and the upgrade step call it). Feeds and push read the change log of the publication core;
the push subscriptions are kept on it, so installing that is all syndication needs."""

from nguon.publication.install import install as install_publication


def install(portal):
    install_publication(portal)
