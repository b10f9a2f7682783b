"""Each layer sees its own database: the demo's units never leak into the tree layer."""

from nguon.units.tree import find_unit
from plone import api


def test_tree_layer_holds_only_its_six_units(tree):
    assert (
        len(api.content.find(portal_type="AdministrativeUnit", unrestricted=True)) == 6
    )
    assert find_unit("19786").absolute_url_path() == "/plone/vn/46/19786"


def test_plain_layer_has_no_units(integration):
    assert (
        len(api.content.find(portal_type="AdministrativeUnit", unrestricted=True)) == 0
    )
