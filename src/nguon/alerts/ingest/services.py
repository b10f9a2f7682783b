"""``POST /@cap-ingest``: a pushed CAP message; ``GET /@cap-ingest``: what was refused.

POST takes one CAP 1.2 message as the body (``Content-Type: application/cap+xml``, and
``Accept: application/json`` as every plone.restapi call), from
anyone: the message's signature by a trusted source is the credential
(``receive.receive``), so no login and no CSRF token are asked. A body over the size
limit is refused unread (413), an address pushing more than ``limits.PER_MINUTE``
messages a minute waits (429, ``Retry-After``). A refused message answers 400 in the one
error shape, with its ``code`` (500 ``failed`` when the site failed on a good message), and
is kept in the site's record; so the refusal is committed, it is answered rather than
raised. An accepted one answers 201 with the
message's key, the alerts it made (address, unit, state) and the notes on it.

GET (the site's managers): the newest refusals (time, code, reason, how it came, the
source, the message's key) and the number of messages received.
"""

from nguon import _
from nguon.alerts.ingest import limits
from nguon.alerts.ingest.receive import FAILED
from nguon.alerts.ingest.receive import receive
from nguon.alerts.ingest.receive import Refused
from nguon.alerts.ingest.record import read_log
from nguon.cap.xml import MAX_SIZE
from nguon.errors import error_body
from nguon.units.tree import item_unit
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides


CONTENT_TYPES = ("application/cap+xml", "application/xml")


class IngestPost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        if not limits.PUSHES.allow(self.request.getClientAddr() or "-"):
            self.request.response.setHeader("Retry-After", str(int(limits.WINDOW)))
            return self.error(
                429,
                "TooManyRequests",
                "rate",
                _(
                    "cap_ingest_rate",
                    default="Quá nhiều bản tin từ địa chỉ này; thử lại sau một phút.",
                ),
            )
        kind = (self.request.getHeader("Content-Type") or "").split(";")[0].strip()
        if kind.lower() not in CONTENT_TYPES:
            return self.error(
                400,
                "BadRequest",
                "content-type",
                _(
                    "cap_ingest_content_type",
                    default="Nội dung phải là một bản tin CAP (Content-Type: "
                    "application/cap+xml).",
                ),
            )
        data = self.body()
        if data is None:
            return self.error(
                413,
                "PayloadTooLarge",
                "too-large",
                _(
                    "cap_ingest_too_large",
                    default="Bản tin quá lớn (tối đa ${limit} byte).",
                    mapping={"limit": MAX_SIZE},
                ),
            )
        try:
            outcome = receive(api.portal.get(), data, via="push")
        except Refused as refusal:
            if refusal.code == FAILED:  # ours, not the sender's: worth sending again
                return self.error(500, "InternalServerError", FAILED, refusal.message)
            return self.error(400, "BadRequest", refusal.code, refusal.message)
        self.request.response.setStatus(201)
        return {
            "message": outcome.key,
            "source": outcome.source,
            "msg_type": outcome.msg_type,
            "alerts": [
                {
                    "@id": alert.absolute_url(),
                    "unit": item_unit(alert).code,
                    "review_state": api.content.get_state(alert),
                }
                for alert in outcome.alerts
            ],
            "notes": [translate(note, context=self.request) for note in outcome.notes],
        }

    def body(self):
        """The body, or None when it is over the limit (never read past it)."""
        length = self.request.getHeader("Content-Length")
        if length and length.isdigit() and int(length) > MAX_SIZE:
            return None
        stream = self.request.stdin
        stream.seek(0)
        data = stream.read(MAX_SIZE + 1)
        return None if len(data) > MAX_SIZE else data

    def error(self, status, kind, code, message):
        self.request.response.setStatus(status)
        return error_body(kind, translate(message, context=self.request), code=code)


class IngestGet(Service):
    def reply(self):
        log = read_log(api.portal.get())
        return {
            "received": len(log.messages) if log is not None else 0,
            "refusals": log.latest_refusals() if log is not None else [],
        }
