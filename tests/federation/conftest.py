"""Fixtures of the federation tests: the tree site over HTTP plays the province (and, for the
pushes, central too: its unit "VN"'s feed pushes to the site's own inbox); callbacks on the
loopback network are allowed."""

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
