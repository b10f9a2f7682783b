"""What Web Push keeps in a site: its state with the VAPID key pair (``store.install``)."""

from nguon.webpush import store


def install(portal):
    store.install(portal)
