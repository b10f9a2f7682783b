"""The upgrade step "Units' locations." on a site as it was before: the unit type without the
behavior, the catalog without the column, units without points. After the step the official
units have their shipped points and the finder ranks them; run again, it keeps a point an
administrator set."""

from Acquisition import aq_base
from nguon.units import finder
from nguon.units.location import locate
from nguon.units.location import official
from nguon.units.location import set_location
from nguon.units.tree import find_unit
from nguon.units.tree import UNIT_TYPE
from plone import api
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_only
from zope.annotation.interfaces import IAnnotations

import pytest


TITLE = "Units' locations."


@pytest.fixture
def portal(tree):
    return tree["portal"]


def test_the_step_gives_old_units_their_points(portal):
    fti = api.portal.get_tool("portal_types")[UNIT_TYPE]
    fti.behaviors = tuple(b for b in fti.behaviors if b != "nguon.unit_location")
    catalog = api.portal.get_tool("portal_catalog")
    catalog.delColumn("unit_location")
    for brain in catalog.unrestrictedSearchResults(portal_type=UNIT_TYPE):
        base = aq_base(brain._unrestrictedGetObject())
        base._p_activate()  # a ghost's __dict__ is empty
        for name in ("latitude", "longitude"):
            base.__dict__.pop(name, None)
        base._p_changed = True
    facts = IAnnotations(portal)[finder.FACTS]  # as noted before: code, title, level
    for path, noted in list(facts.items()):
        facts[path] = noted[:3]
    finder._CACHE.clear()  # a process started on the old site
    assert all(unit.latitude is None for unit in finder.index())

    run_only(portal, TITLE)

    assert "nguon.unit_location" in fti.behaviors
    assert "unit_location" in catalog.schema()
    points = {unit.code: (unit.latitude, unit.longitude) for unit in finder.index()}
    assert points["19786"] == official()["19786"]
    assert points["46"] == official()["46"]
    assert points["VN"] == (None, None)  # the central unit has no point
    pairs, _total = finder.nearest(*official()["18880"], level="commune")
    assert [(unit.code, km) for unit, km in pairs][:1] == [("18880", 0.0)]
    assert proposed(api.portal.get_tool("portal_setup")) == []
    # Again (as the step does), after an administrator moved a unit's point: kept.
    set_location(find_unit("19777"), (16.5, 107.6))
    assert locate(official(), only_missing=True)["updated"] == 0
    assert (find_unit("19777").latitude, find_unit("19777").longitude) == (16.5, 107.6)
