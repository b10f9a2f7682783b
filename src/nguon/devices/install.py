"""``install(portal)``: what devices keep site-wide (the lease of the health round)."""

from nguon.devices import watcher


def install(portal):
    return watcher.install(portal)
