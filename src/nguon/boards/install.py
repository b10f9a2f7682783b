"""``install(portal)``: what boards keep in a site, the proof-of-play log (idempotent;
``nguon.setuphandlers`` and the upgrade step call it). Boards read the change log, which
syndication installs."""
from nguon.boards import proof


def install(portal):
    proof.install(portal)
