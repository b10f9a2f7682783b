"""A viewlet under a station's or a board's title: whether it works and when it last called,
since when it is offline, or that it never connected (``nguon.devices.health``)."""

from nguon.devices import health
from plone.app.layout.viewlets.common import ViewletBase


class DeviceHealthViewlet(ViewletBase):
    def update(self):
        super().update()
        self.offline = health.is_offline(self.context)
        self.text = health.describe(self.context)
