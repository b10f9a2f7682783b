"""``install(portal)``: what alerts keep in a site, the key that signs CAP messages and
what the ingest of other systems' messages keeps (idempotent; ``nguon.setuphandlers`` and
the upgrade step call it)."""

from nguon.alerts import keys
from nguon.alerts.ingest.install import install as install_ingest


def install(portal):
    keys.current(portal, create=True)
    install_ingest(portal)
