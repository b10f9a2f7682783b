"""``install(portal)``: what alerts keep in a site, the key that signs CAP messages
(idempotent; ``nguon.setuphandlers`` and the upgrade step call it)."""

from nguon.alerts import keys


def install(portal):
    keys.current(portal, create=True)
