"""The nguon:default profile installs the types, the layer, the language and its dependencies."""

from nguon.interfaces import INguonLayer
from plone import api
from plone.browserlayer.utils import registered_layers

import pytest


@pytest.fixture
def installer(portal):
    from Products.CMFPlone.utils import get_installer

    return get_installer(portal)


def test_product_and_dependencies_installed(installer):
    for product in ("nguon", "plone.restapi", "collective.solr", "ftw.upgrade"):
        assert installer.is_product_installed(product), product


def test_browser_layer_registered(portal):
    assert INguonLayer in registered_layers()


@pytest.mark.parametrize(
    "type_id",
    [
        "AdministrativeUnit",
        "Bulletin",
        "LegalDocument",
        "RadioItem",
        "BoardNotice",
        "Survey",
    ],
)
def test_content_types_registered(portal, type_id):
    assert type_id in api.portal.get_tool("portal_types").objectIds()


ITEM_TYPES = (
    "Bulletin",
    "LegalDocument",
    "RadioItem",
    "BoardNotice",
    "Alert",
    "Survey",
)


EQUIPMENT_TYPES = ("RadioStation", "PublicBoard")


def test_units_hold_units_information_items_and_equipment_only(portal):
    types = api.portal.get_tool("portal_types")
    assert set(types["AdministrativeUnit"].allowed_content_types) == {
        "AdministrativeUnit",
        *ITEM_TYPES,
        *EQUIPMENT_TYPES,
    }
    assert not any(types[name].global_allow for name in ITEM_TYPES + EQUIPMENT_TYPES)


def test_stations_are_configuration_kept_private(portal):
    for type_id in EQUIPMENT_TYPES:
        assert api.portal.get_tool("portal_workflow").getChainForPortalType(
            type_id
        ) == ("simple_publication_workflow",)


@pytest.mark.parametrize("type_id", ITEM_TYPES)
def test_every_item_type_is_in_the_approval_workflow(portal, type_id):
    assert api.portal.get_tool("portal_workflow").getChainForPortalType(type_id) == (
        "nguon_approval_workflow",
    )


def test_vietnamese_is_the_default_language_with_english_available(portal):
    assert api.portal.get_registry_record("plone.default_language") == "vi"
    assert api.portal.get_registry_record("plone.available_languages") == ["vi", "en"]
    assert api.portal.get_registry_record("plone.portal_timezone") == "Asia/Ho_Chi_Minh"


def test_unit_code_is_indexed(portal):
    catalog = api.portal.get_tool("portal_catalog")
    assert {"unit_code", "unit_level"} <= set(catalog.indexes())


def test_profile_version_is_managed_by_ftw_upgrade(portal):
    setup = api.portal.get_tool("portal_setup")
    assert setup.getLastVersionForProfile("nguon:default") == (
        setup.getVersionForProfile("nguon:default"),
    )


def test_uninstall_profile_is_hidden(portal):
    from nguon.setuphandlers import HiddenProfiles

    assert "nguon:uninstall" in HiddenProfiles().getNonInstallableProfiles()


def test_levels_are_data_in_the_registry(portal):
    from nguon.content.vocabularies import LevelsVocabulary

    assert api.portal.get_registry_record("nguon.levels") == [
        "central",
        "province",
        "district",
        "commune",
    ]
    api.portal.set_registry_record(
        "nguon.levels", ["central", "province", "commune", "village"]
    )
    vocabulary = LevelsVocabulary(portal)
    assert [term.value for term in vocabulary] == [
        "central",
        "province",
        "commune",
        "village",
    ]
    assert vocabulary.getTerm("village").title == "village"
