"""``install(portal)``: what devices keep site-wide (the lease of the health round, the
broadcast's state and the keys that sign what devices receive)."""

from nguon.devices import broadcast
from nguon.devices import watcher


def install(portal):
    watcher.install(portal)
    broadcast.install(portal)
