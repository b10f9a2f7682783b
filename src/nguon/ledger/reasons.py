"""Why a unit has no proof yet on a channel served by equipment (radio stations, boards).

``DeviceReasons(portal_type, …)`` is the ``IChannelReasons`` a capability registers for its
channel: no such device in the unit means the item cannot arrive (failed); every device of
the unit offline means it cannot arrive until one returns (failed, offline since when, from
``nguon.devices.health``); otherwise it has not been played yet (pending).

A unit's devices are those kept in the unit itself (``health.devices_of(unit, type,
area=False)``): a device records its deliveries for the unit it belongs to, so the stations
of the communes under a district never prove anything for the district.
"""

from nguon.devices import health
from nguon.ledger.coverage import FAILED
from nguon.ledger.coverage import PENDING
from nguon.ledger.interfaces import IChannelReasons
from nguon.units.tree import find_unit
from plone import api
from zope.i18nmessageid import Message
from zope.interface import implementer


@implementer(IChannelReasons)
class DeviceReasons:
    def __init__(self, portal_type, no_device, offline, waiting):
        self.portal_type = portal_type
        self.no_device = no_device  # i18n messages
        self.offline = offline  # with ${since}: when the last device went silent
        self.waiting = waiting

    def reason(self, portal, unit_code, obligation, now):
        unit = find_unit(unit_code)
        devices = (
            health.devices_of(unit, self.portal_type, area=False)
            if unit is not None
            else []
        )
        if not devices:
            return FAILED, self.no_device, None
        offline = [health.offline_since(device, now) for device in devices]
        if all(since is not None for since in offline):
            since = max(offline)  # offline as a whole since the last one went silent
            message = Message(self.offline, mapping={"since": health.local_time(since)})
            return FAILED, message, since.isoformat()
        return PENDING, self.waiting, None

    def name(self, portal, device):
        """The station's or board's title (devices are private: found without the
        caller's permissions), or None when it is gone."""
        brains = api.portal.get_tool("portal_catalog").unrestrictedSearchResults(
            UID=device, portal_type=self.portal_type
        )
        return brains[0].Title if brains else None
