"""The upgrade step "Device health" on a site as it was before: no lease of the health round,
stations and boards created long ago that were never seen. After the step the lease exists
and the devices count as seen at the upgrade: no alarm, no offline time before it."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from importlib import import_module
from nguon.devices import alarms
from nguon.devices import health
from nguon.devices import watcher
from plone import api
from zope.annotation.interfaces import IAnnotations

import transaction


STEP = "nguon.upgrades.20261130111000_device_health.upgrade"


def test_the_step_makes_the_lease_and_starts_watching_existing_devices(tree):
    portal = api.portal.get()
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=portal["vn"]["46"]["19786"],
            type="RadioStation",
            title="Đài phường",
        )
    station.creation_date = station.creation_date - 30  # created a month ago
    del IAnnotations(portal)[watcher.KEY]
    transaction.savepoint()
    assert watcher.lease(portal) is None and health.is_offline(station)

    before = datetime.now(UTC)
    step = import_module(STEP)
    step.DeviceHealth(api.portal.get_tool("portal_setup"))

    assert watcher.lease(portal) is not None
    assert health.last_seen(station) >= before - timedelta(seconds=1)
    assert not health.is_offline(station)
    assert alarms.check_device(station) is None  # nothing to do: no alarm
    assert health.uptime(station, before - timedelta(days=7), datetime.now(UTC)) == 1
