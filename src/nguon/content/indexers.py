"""Catalog indexers of the content types."""
from nguon.content.unit import IAdministrativeUnit
from plone.indexer import indexer


@indexer(IAdministrativeUnit)
def unit_code(unit):
    return unit.code


@indexer(IAdministrativeUnit)
def unit_level(unit):
    return unit.level
