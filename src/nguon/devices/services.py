"""The one plone.restapi service style for equipment.

A device (a radio station, a public board) is not a Plone user: it calls the site's API with
its own token in a header (``X-Station-Token``, ``X-Board-Token``), or, for a kiosk browser
that was paired, with its signed session cookie (``nguon.devices.sessions``). A
``DeviceService`` says which portal type, header and message it uses;
``self.device()`` is the calling device or raises plone.restapi's ``Unauthorized`` (a token in
the address is a ``BadRequest`` saying how to migrate, when the kind refuses it), and
``self.refuse(BadRequest, message)`` raises any other refusal with a translated message.

Errors are raised (``nguon.errors.client_error``) and answered in the one error shape of every
endpoint (``nguon.restapi.errors``). Browser views that answer something other than JSON (a
station's audio, a board's slide) authenticate through ``credentials.from_request``, the
same function.
"""

from nguon import _
from nguon.devices import credentials
from nguon.devices import reports
from nguon.errors import client_error
from nguon.errors import error_body
from nguon.errors import UserError
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.exceptions import DeserializationError
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.i18n import translate
from zope.interface import alsoProvides

import json


KINDS = {400: "BadRequest", 401: "Unauthorized", 404: "NotFound"}


def view_error(request, status, message):
    """The error answer of a device's browser view (audio, a slide): the same shape as the
    services' (``nguon.errors.error_body``), ``message`` translated."""
    request.response.setStatus(status)
    request.response.setHeader("Content-Type", "application/json; charset=utf-8")
    return json.dumps(
        error_body(KINDS[status], translate(message, context=request)),
        ensure_ascii=False,
    )


class DeviceService(Service):
    """A service called by a device with its own credentials (see the module)."""

    portal_type = None  # "RadioStation", "PublicBoard"
    header = None  # the token's header
    cookie = None  # the session cookie a paired browser holds, if the kind has one
    refused = None  # the 401 message (an i18n message)
    token_in_address = (
        None  # the 400 message for ``?token=``, if the kind refuses it so
    )

    def device(self):
        if self.token_in_address is not None and "token" in self.request.form:
            self.refuse(BadRequest, self.token_in_address)
        found = credentials.from_request(
            self.request, self.portal_type, self.header, self.cookie
        )
        if found is None:
            self.refuse(Unauthorized, self.refused)
        return found

    def refuse(self, kind, message):
        raise client_error(kind, message, self.request)

    def posted(self, refusal):
        """The JSON body of a device's POST (CSRF does not apply: no browser session of a
        person is involved); ``BadRequest`` with ``refusal`` when it is not JSON."""
        alsoProvides(self.request, IDisableCSRFProtection)
        try:
            return json_body(self.request)
        except DeserializationError:
            self.refuse(BadRequest, refusal)

    def render(self):
        """JSON as plone.restapi answers it, compact (devices poll often); ``reply`` may set
        the body itself and answer None (an M3U playlist, a ``304``)."""
        self.check_permission()
        content = self.reply()
        if content is None:
            return self.request.response.body
        self.request.response.setHeader("Content-Type", self.content_type)
        return json.dumps(content, ensure_ascii=False)


class ReportPost:
    """``{"records": [...]}``: what a device played, into the one report log
    (``nguon.devices.reports``) under ``kind``; mixed into a kind's ``DeviceService``, which
    may add fields every record of the device carries (``fields``)."""

    kind = None  # the report kind: as-run, proof of play

    def fields(self, device):
        return {}

    def reply(self):
        device = self.device()
        body = self.posted(
            _("asrun_error_json", default="Nội dung không phải JSON hợp lệ.")
        )
        records = body.get("records") if isinstance(body, dict) else None
        try:
            stored = reports.report(
                api.portal.get(),
                self.kind,
                device.UID(),
                records,
                **self.fields(device),
            )
        except UserError as error:
            self.refuse(BadRequest, error.message)
        return {"stored": stored}
