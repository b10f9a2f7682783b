"""Which alerts the public sees: one alert (``public``) and the alerts in force for the site or
a unit (``current``), as the CAP address and the Atom index serve them.

Public means published, ``Actual`` and viewable by the anonymous user (a Test or Exercise
alert never is, ``events.hide_from_public``). The catalog is asked as the anonymous user, so
its effective range already leaves out what has expired; ``in_force`` says so for the
instant asked. An Update replaces what it references (which is retracted, hence no longer
listed); a Cancel stays listed until what it cancels would have expired (it carries the same
``expires``). A unit's index lists the alerts whose area overlaps the unit's: one aimed at
the unit, at a unit below it, or at a unit above it and everything under that.
"""

from AccessControl.SecurityManagement import getSecurityManager
from datetime import datetime
from datetime import UTC
from nguon.alerts.message import sent_of
from nguon.content.alert import in_force
from nguon.content.alert import is_public
from nguon.content.unit import IAdministrativeUnit
from nguon.publication.public import as_anonymous
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from nguon.workflow.reach import declared_reach
from nguon.workflow.state import review_state
from plone import api


def public(alert):
    """Whether anyone may read ``alert`` (see the module)."""
    if review_state(alert) != "published" or not is_public(alert):
        return False
    with as_anonymous():
        return bool(getSecurityManager().checkPermission("View", alert))


def overlaps(alert, unit):
    """Whether the area of ``alert`` and the area of ``unit`` meet."""
    codes = [code for code, _level in lineage(unit)]
    above = set(codes[:-1])
    for code, below in declared_reach(alert):
        if code == unit.code or (below and code in above):
            return True
        target = find_unit(code)
        if target is not None and unit.code in {c for c, _level in lineage(target)}:
            return True
    return False


def current(context, now=None):
    """The public alerts in force for ``context`` (the site, or a unit), newest first."""
    now = now or datetime.now(UTC)
    catalog = api.portal.get_tool("portal_catalog")
    with as_anonymous():
        brains = catalog.searchResults(portal_type="Alert", review_state="published")
        found = [brain._unrestrictedGetObject() for brain in brains]
    found = [
        alert
        for alert in found
        if is_public(alert)
        and in_force(alert, now)
        and (not IAdministrativeUnit.providedBy(context) or overlaps(alert, context))
    ]
    return sorted(found, key=sent_of, reverse=True)
