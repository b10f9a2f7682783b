"""Fixtures of the syndication tests: the tree site over HTTP, with callbacks on the loopback
network allowed (the tests' receivers listen there)."""

from plone import api

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
