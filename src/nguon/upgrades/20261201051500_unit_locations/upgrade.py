from ftw.upgrade import UpgradeStep
from nguon.units.location import locate
from nguon.units.location import official
from nguon.units.tree import UNIT_TYPE


BEHAVIOR = "nguon.unit_location"
COLUMN = "unit_location"


class UnitLocations(UpgradeStep):
    """Units' locations.

    A unit may have a point (latitude, longitude) that the citizen app's "use my location"
    ranks by distance (``@find-unit?lat=&lon=``): the behavior ``nguon.unit_location`` on the
    unit type, the catalog's metadata column ``unit_location``, and the shipped points
    (``nguon/units/locations.csv``) given to the official units that have none.
    """

    def __call__(self):
        fti = self.portal.portal_types[UNIT_TYPE]
        if BEHAVIOR not in fti.behaviors:
            fti.behaviors = (*fti.behaviors, BEHAVIOR)
        if COLUMN not in self.catalog.schema():
            self.catalog.addColumn(COLUMN)
        locate(official(), only_missing=True)
