"""The station API, at the site root, authenticated by the station's own token
(``X-Station-Token``), not by a Plone user: a station is equipment, not a person.

- ``GET @radio-signing-key``: the public keys stations pin (anonymous).
- ``GET @station-schedule``: the signed schedule (``?format=m3u``: the next slot as M3U).
- ``GET @@station-audio/<item uid>`` (a browser view: it answers audio, not JSON): the
  delivery audio of an item of the station's schedule (``nguon.radio.browser``).
- ``GET @station-events``: the emergencies for the station now, signed like a schedule;
  ``ETag``/``If-None-Match`` make the frequent poll a ``304``.
- ``POST @station-asrun``: ``{"records": [{"item", "status", "at", "clusters", "message"}]}``.

On the station itself (its unit's admins): ``POST @station-credentials`` issues a new token
(the old one stops working), ``GET @station-asrun`` reads its as-run log (newest first, in
plone.restapi batches: ``b_size`` up to 100, ``b_start``).
"""

from nguon import _
from nguon.devices import keys
from nguon.devices.services import DeviceService
from nguon.devices.services import ReportPost
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.radio import asrun
from nguon.radio import broadcast
from nguon.radio import credentials
from nguon.radio import overrides
from nguon.radio import schedule
from nguon.restapi.devices import services as devices
from nguon.units.tree import item_unit
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.interface import alsoProvides


class StationService(DeviceService):
    """A service a station calls with its token."""

    portal_type = credentials.PORTAL_TYPE
    header = credentials.HEADER
    refused = _(
        "station_error_token",
        default="Thiếu hoặc sai mã xác thực của đài (X-Station-Token).",
    )

    def audio_url(self, uid):
        return broadcast.audio_url(uid)


class SigningKeyGet(Service):
    """The current key (``key_id``, ``public_key``) and every key that signs now
    (``keys``: the current one, then those being retired, with their ``not_after``)."""

    def reply(self):
        published = keys.published(api.portal.get())
        return {
            "algorithm": "Ed25519",
            "key_id": published[0]["key_id"],
            "public_key": published[0]["public_key"],
            "keys": published,
        }


class ScheduleGet(StationService):
    def reply(self):
        station = self.device()
        envelope = schedule.signed(api.portal.get(), station, self.audio_url)
        if self.request.form.get("format") == "m3u":
            self.request.response.setHeader(
                "Content-Type", "audio/x-mpegurl; charset=utf-8"
            )
            self.request.response.setBody(
                schedule.m3u(envelope["schedule"]).encode("utf-8")
            )
            return None
        return envelope


class EventsGet(StationService):
    def reply(self):
        station = self.device()
        emergencies = schedule.emergencies(api.portal.get(), station, self.audio_url)
        etag = '"%s"' % ",".join(
            f"{e['uid']}:{e['audio']['sha256'][:12]}" for e in emergencies
        )
        self.request.response.setHeader("ETag", etag)
        if self.request.getHeader("If-None-Match") == etag:
            self.request.response.setStatus(304)
            return None
        return schedule.signed_emergencies(
            api.portal.get(), station, self.audio_url, emergencies
        )


class AsRunPost(ReportPost, StationService):
    """``{"records": [...]}``: what the station played (``nguon.radio.asrun``)."""

    kind = asrun.ASRUN

    def fields(self, station):
        return {"unit_code": item_unit(station).code}


class CredentialsPost(devices.CredentialsPost):
    header = credentials.HEADER


class StationAsRunGet(devices.ReportsGet):
    """The station's as-run log, newest first, in batches."""

    kind = asrun.ASRUN
    device_field = "station"


class PlaylistGet(Service):
    """The upcoming schedule of the station as its operator sees it, with the choices made."""

    def reply(self):
        portal = api.portal.get()
        doc = schedule.document(portal, self.context, lambda uid: None)
        found, _waiting = schedule.candidates(portal, self.context)
        return {
            "station": self.context.UID(),
            "slots": doc["slots"],
            "emergencies": doc["emergencies"],
            "never_fits": doc["never_fits"],
            "waiting_for_audio": doc["waiting_for_audio"],
            "candidates": [
                {
                    "uid": c.uid,
                    "title": c.title,
                    "priority": c.priority,
                    "duration": c.duration,
                    "pinned": c.pinned,
                    "dropped": c.dropped,
                    "order": c.order,
                }
                for c in found
            ],
        }


class PlaylistPost(Service):
    """``{"item": uid, "pinned": bool, "dropped": bool, "order": int}``: the operator's choice
    for one normal item of the station's playlist."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_body(self.request)
        found, _waiting = schedule.candidates(api.portal.get(), self.context)
        candidate = next((c for c in found if c.uid == body.get("item")), None)
        try:
            if candidate is None:
                raise UserError(
                    _(
                        "playlist_error_item",
                        default="Tin này không có trong danh sách phát của đài.",
                    )
                )
            if candidate.priority != "normal":
                raise UserError(
                    _(
                        "playlist_error_priority",
                        default="Chỉ sắp xếp, ghim hoặc bỏ được tin thường; tin ưu tiên và khẩn cấp luôn được phát.",
                    )
                )
            order = body.get("order")
            if order is not None and (
                not isinstance(order, int) or not 0 <= order <= 10000
            ):
                raise UserError(
                    _(
                        "playlist_error_order",
                        default="«order» phải là số nguyên từ 0 đến 10000.",
                    )
                )
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from None
        choice = overrides.choose(
            self.context,
            candidate.uid,
            pinned=_flag(body.get("pinned")),
            dropped=_flag(body.get("dropped")),
            order=order,
        )
        return {"item": candidate.uid, **choice}


def _flag(value):
    return None if value is None else bool(value)
