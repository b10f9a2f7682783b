"""Shared steps of the syndication tests: items published by the tree's users, the outbox
delivered to the change log, and feeds read over HTTP from the layer's WSGI server."""

from nguon.outbox.worker import drain
from tests.search.helpers import create  # noqa: F401 (re-exported for the tests)
from tests.search.helpers import published  # noqa: F401
from tests.search.helpers import transition  # noqa: F401

import requests
import transaction


PROVINCE_EDITOR, PROVINCE_APPROVER = "46-editors", "46-approvers"
COMMUNE_EDITOR, COMMUNE_APPROVER = "19786-editors", "19786-approvers"


def settle(portal, names=("syndication",)):
    """Commit, then let the delivery worker's round log the changes."""
    transaction.commit()
    results = drain(portal, names=names)
    return results


def unit_url(layer, *path):
    return "/".join([layer["portal"].absolute_url(), "vn", *path])


def get_feed(layer, path, feed="feed.json", headers=None, **params):
    response = requests.get(
        f"{unit_url(layer, *path.split('/'))}/{feed}",
        params=params,
        headers=headers or {},
        timeout=30,
    )
    return response
