"""``install(portal)``: the outbox and a pending set for every registered consumer, made at
setup rather than by a request (idempotent: what exists is kept)."""

from nguon.outbox.storage import install as install_storage
from nguon.outbox.worker import consumers


def install(portal):
    return install_storage(portal, [name for name, _consumer in consumers()])
