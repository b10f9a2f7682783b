"""``install(portal)``: what the ingest keeps in a site, the record of the messages received
and refused, and the lease of the poller's round (idempotent; ``nguon.alerts.install`` and
the upgrade step call it)."""

from nguon.alerts.ingest import poller
from nguon.alerts.ingest import record


def install(portal):
    record.install(portal)
    poller.install(portal)
