"""What a unit's admins do with any device, whatever its kind: give it a new token
(``CredentialsPost``: the old token and every session of the device stop working) and read
what it reported (``ReportsGet``: its records of the report log, newest first, in
plone.restapi batches: ``b_size`` up to 100, ``b_start``). Each kind registers subclasses
saying its header and its report kind (``nguon.restapi.radio``, ``nguon.restapi.boards``)."""

from nguon import _
from nguon.devices import credentials
from nguon.devices import reports
from nguon.restapi import bounded
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides


class CredentialsPost(Service):
    """A new token for the device; the old one stops working."""

    header = None

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        token = credentials.issue(self.context, api.user.get_current().getId())
        note = _(
            "device_token_note",
            default="Mã chỉ hiện một lần; mã cũ (nếu có) đã hết hiệu lực.",
        )
        return {
            "device": self.context.UID(),
            "station": self.context.UID(),
            "token": token,
            "header": self.header,
            "note": translate(note, context=self.request),
        }


class ReportsGet(Service):
    """The device's records of ``kind``, newest first, in batches."""

    kind = None
    device_field = (
        None  # the answer names the device under this key ("station", "board")
    )

    def reply(self):
        records = reports.of_device(api.portal.get(), self.kind, self.context.UID())
        found = bounded.batch(self.request, bounded.NewestFirst(records))
        return {
            **bounded.page(found, [dict(record) for record in found]),
            self.device_field: self.context.UID(),
        }
