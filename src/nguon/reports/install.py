"""``install(portal)``: the reports' store in the site (idempotent; ``nguon.setuphandlers``
and the upgrade step call it)."""

from nguon.reports.store import storage


def install(portal):
    storage(portal, create=True)
