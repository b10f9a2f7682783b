"""``install(portal)``: what boards keep in a site, the proof-of-play log (idempotent;
``nguon.setuphandlers`` and the upgrade step call it), and the change log that playlists
are read from (``nguon.publication.install``)."""

from nguon.boards import proof
from nguon.publication.install import install as install_publication


def install(portal):
    install_publication(portal)
    proof.install(portal)
