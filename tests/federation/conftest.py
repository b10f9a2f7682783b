"""Fixtures of the federation tests: the tree site over HTTP plays the province (and, for the
pushes, central too: its unit "VN"'s feed pushes to the site's own inbox); callbacks on the
loopback network are allowed. ``link``: the province's unit 44 follows central's unit 46 on
the same site, over HTTP (test_inbox.py has its own, to an address never called)."""

from nguon.federation import links
from plone import api
from tests.federation.helpers import LOOP_SECRET

import pytest
import transaction


@pytest.fixture
def layer(tree_functional):
    return tree_functional


@pytest.fixture
def portal(layer):
    portal = layer["portal"]
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    transaction.commit()
    return portal


@pytest.fixture
def link(layer, portal):
    from tests.syndication.helpers import unit_url

    link = links.add(
        portal,
        "trung-uong",
        f"{unit_url(layer, '46')}/feed.json",
        LOOP_SECRET,
        unit_code="46",
        local_unit="44",
    )
    transaction.commit()
    return link
