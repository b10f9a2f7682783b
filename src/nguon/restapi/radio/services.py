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
from datetime import datetime
from datetime import timezone
from nguon import _
from nguon.errors import UserError
from nguon.radio import asrun
from nguon.radio import credentials
from nguon.radio import keys
from nguon.radio import overrides
from nguon.radio import prepared
from nguon.radio import schedule
from nguon.restapi import bounded
from nguon.units.tree import item_unit
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.i18n import translate
from zope.interface import alsoProvides

import json


class _StationService(Service):
    """A service a station calls with its token."""

    def station(self):
        return credentials.authenticated_station(self.request)

    def refuse(self, status, message):
        self.request.response.setStatus(status)
        return {"error": {"type": "Unauthorized" if status == 401 else "BadRequest",
                          "message": UserError(message).translated(self.request)}}

    def unauthorized(self):
        return self.refuse(401, _("station_error_token",
                                  default="Thiếu hoặc sai mã xác thực của đài (X-Station-Token)."))

    def audio_url(self, uid):
        return f"{api.portal.get().absolute_url()}/@@station-audio/{uid}"


class SigningKeyGet(Service):
    """The current key (``key_id``, ``public_key``) and every key that signs now
    (``keys``: the current one, then those being retired, with their ``not_after``)."""

    def reply(self):
        published = keys.published(api.portal.get())
        return {"algorithm": "Ed25519", "key_id": published[0]["key_id"],
                "public_key": published[0]["public_key"], "keys": published}


class ScheduleGet(_StationService):
    def reply(self):
        station = self.station()
        if station is None:
            return self.unauthorized()
        envelope = schedule.signed(api.portal.get(), station, self.audio_url)
        if self.request.form.get("format") == "m3u":
            self.request.response.setHeader("Content-Type", "audio/x-mpegurl; charset=utf-8")
            self.request.response.setBody(schedule.m3u(envelope["schedule"]).encode("utf-8"))
            return None
        return envelope

    def render(self):
        content = self.reply()
        if content is None:
            return self.request.response.body
        self.request.response.setHeader("Content-Type", "application/json")
        return json.dumps(content, ensure_ascii=False, indent=None)


class EventsGet(_StationService):
    def reply(self):
        station = self.station()
        if station is None:
            return self.unauthorized()
        emergencies = schedule.emergencies(api.portal.get(), station, self.audio_url)
        etag = '"%s"' % ",".join(f"{e['uid']}:{e['audio']['sha256'][:12]}" for e in emergencies)
        self.request.response.setHeader("ETag", etag)
        if self.request.getHeader("If-None-Match") == etag:
            self.request.response.setStatus(304)
            return None
        return schedule.signed_emergencies(api.portal.get(), station, self.audio_url, emergencies)


class AsRunPost(_StationService):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)  # token-authenticated equipment
        station = self.station()
        if station is None:
            return self.unauthorized()
        try:
            body = json_body(self.request)
            stored = asrun.report(api.portal.get(), station.UID(), item_unit(station).code,
                                  body.get("records") if isinstance(body, dict) else None)
        except UserError as error:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": error.translated(self.request)}}
        except Exception:  # malformed JSON (plone.restapi raises its own on a bad body)
            return self.refuse(400, _("asrun_error_json", default="Nội dung không phải JSON hợp lệ."))
        return {"stored": stored}


class CredentialsPost(Service):
    """A new token for the device (a station or a board); the old one stops working."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        token = credentials.issue(self.context, api.user.get_current().getId())
        if self.context.portal_type == "PublicBoard":
            from nguon.boards import session

            session.revoke(self.context)  # paired kiosks pair again
        note = _("device_token_note", default="Mã chỉ hiện một lần; mã cũ (nếu có) đã hết hiệu lực.")
        return {"device": self.context.UID(), "station": self.context.UID(), "token": token,
                "header": credentials.HEADER if self.context.portal_type == "RadioStation" else "X-Board-Token",
                "note": translate(note, context=self.request)}


def _newest_first(service, records, device):
    """A batch (``b_size``, ``b_start``) of a device's log, newest first."""
    found = bounded.batch(service.request, bounded.NewestFirst(records))
    return {**bounded.page(found, [dict(record) for record in found]), device: service.context.UID()}


class StationAsRunGet(Service):
    """The station's as-run log, newest first, in batches."""

    def reply(self):
        return _newest_first(self, asrun.of_station(api.portal.get(), self.context.UID()), "station")


class PlaylistGet(Service):
    """The upcoming schedule of the station as its operator sees it, with the choices made."""

    def reply(self):
        portal = api.portal.get()
        doc = schedule.document(portal, self.context, lambda uid: None)
        found, _waiting = schedule.candidates(portal, self.context)
        return {"station": self.context.UID(), "slots": doc["slots"],
                "emergencies": doc["emergencies"], "never_fits": doc["never_fits"],
                "waiting_for_audio": doc["waiting_for_audio"],
                "candidates": [{"uid": c.uid, "title": c.title, "priority": c.priority,
                                "duration": c.duration, "pinned": c.pinned, "dropped": c.dropped,
                                "order": c.order} for c in found]}


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
                raise UserError(_("playlist_error_item",
                                  default="Tin này không có trong danh sách phát của đài."))
            if candidate.priority != "normal":
                raise UserError(_("playlist_error_priority",
                                  default="Chỉ sắp xếp, ghim hoặc bỏ được tin thường; tin ưu tiên và khẩn cấp luôn được phát."))
            order = body.get("order")
            if order is not None and (not isinstance(order, int) or not 0 <= order <= 10000):
                raise UserError(_("playlist_error_order", default="«order» phải là số nguyên từ 0 đến 10000."))
        except UserError as error:
            self.request.response.setStatus(400)
            return {"error": {"type": "BadRequest", "message": error.translated(self.request)}}
        choice = overrides.choose(self.context, candidate.uid,
                                  pinned=_flag(body.get("pinned")), dropped=_flag(body.get("dropped")),
                                  order=order)
        return {"item": candidate.uid, **choice}


def _flag(value):
    return None if value is None else bool(value)


class BoardPairingPost(Service):
    """A one-time pairing address for the board's kiosk browser: the code travels in the
    address's fragment, which browsers never send (``nguon.boards.session``)."""

    def reply(self):
        from nguon.boards import session

        alsoProvides(self.request, IDisableCSRFProtection)
        code, until = session.pairing_code(self.context)
        note = _("board_pairing_note",
                 default="Mở địa chỉ này trên màn hình của bảng tin trong 15 phút; mã chỉ dùng được một lần.")
        return {"board": self.context.UID(), "url": f"{api.portal.get().absolute_url()}/@@kiosk#pair={code}",
                "expires": datetime.fromtimestamp(until, timezone.utc).isoformat(timespec="seconds"),
                "note": translate(note, context=self.request)}


class BoardProofGet(Service):
    """The board's proof-of-play log, newest first, in batches."""

    def reply(self):
        from nguon.boards import proof

        return _newest_first(self, proof.of_board(api.portal.get(), self.context.UID()), "board")
