"""The board API, in the one device service style (``nguon.devices.services``).

At the site root, for the board only (``X-Board-Token``, or a paired kiosk's session cookie;
``?token=`` is refused with the way to migrate):

- ``GET @board-playlist``: what to show now; ``ETag``/``If-None-Match`` make the frequent
  poll a ``304``;
- ``POST @board-proof``: ``{"records": [{"item", "shown_at", "seconds"}]}``, proof of play;
- ``POST @kiosk-session``: a pairing code (``X-Board-Pairing``), the token, or a valid session
  gives a new session cookie (HttpOnly, SameSite=Strict); the answer's ``broadcast`` tells
  the kiosk how to receive emergencies from the messaging engine (``nguon.boards.broadcast``).

The slides themselves are PNG, not JSON: ``@@board-slide/<uid>`` stays a browser view
(``nguon.boards.browser``), authenticated the same way.

On the board itself, for its unit's admins: ``POST @board-credentials`` (a new token: the old
one, every session and pairing stop), ``POST @board-pairing`` (a one-time pairing address for
the kiosk browser), ``GET @board-proof`` (its proof of play, newest first, in batches).
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.boards import broadcast
from nguon.boards import credentials
from nguon.boards import playlist
from nguon.boards import proof
from nguon.devices import sessions
from nguon.devices.credentials import paired_device
from nguon.devices.services import DeviceService
from nguon.devices.services import ReportPost
from nguon.restapi.devices import services as devices
from nguon.units.tree import item_unit
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zExceptions import Unauthorized
from zope.i18n import translate
from zope.interface import alsoProvides


class BoardService(DeviceService):
    """A service a board (or its paired kiosk browser) calls."""

    portal_type = credentials.PORTAL_TYPE
    header = credentials.HEADER
    cookie = credentials.COOKIE
    refused = credentials.REFUSED
    token_in_address = credentials.URL_TOKEN


class PlaylistGet(BoardService):
    def reply(self):
        board = self.device()
        data = playlist.build(api.portal.get(), board, datetime.now(UTC))
        etag = f'"{data["version"]}"'
        self.request.response.setHeader("ETag", etag)
        self.request.response.setHeader("Cache-Control", "no-cache")
        if self.request.getHeader("If-None-Match") == etag:
            self.request.response.setStatus(304)
            return None
        return data


class ProofPost(ReportPost, BoardService):
    """``{"records": [...]}``: what the board showed (``nguon.boards.proof``)."""

    kind = proof.PROOF

    def fields(self, board):
        return {"unit_code": item_unit(board).code}


class KioskSessionPost(BoardService):
    """A session cookie for the board of the pairing code (``X-Board-Pairing``), of the token
    (``X-Board-Token``) or of the current session (renewal)."""

    def reply(self):
        alsoProvides(
            self.request, IDisableCSRFProtection
        )  # equipment; the cookie is SameSite=Strict
        code = self.request.getHeader(credentials.PAIRING_HEADER)
        if code:
            board = paired_device(code, credentials.PORTAL_TYPE)
            if board is None:
                self.refuse(
                    Unauthorized,
                    _(
                        "board_error_pairing",
                        default="Mã ghép bảng tin sai, đã dùng hoặc đã hết hạn: "
                        "xin mã ghép mới.",
                    ),
                )
        else:
            board = self.device()
        token, expires = sessions.session_token(board)
        self.request.response.setCookie(
            sessions.COOKIE,
            token,
            quoted=False,
            path=api.portal.get().absolute_url_path() or "/",
            max_age=int(sessions.SESSION.total_seconds()),
            http_only=True,
            same_site="Strict",
            secure=self.request.get("SERVER_URL", "").startswith("https:"),
        )
        self.request.response.setHeader("Cache-Control", "no-store")
        return {
            "board": board.UID(),
            "expires": datetime.fromtimestamp(expires, UTC).isoformat(
                timespec="seconds"
            ),
            "broadcast": broadcast.kiosk_settings(
                api.portal.get(), board, self.request
            ),
        }


class CredentialsPost(devices.CredentialsPost):
    header = credentials.HEADER


class PairingPost(Service):
    """A one-time pairing address for the board's kiosk browser: the code travels in the
    address's fragment, which browsers never send (``nguon.devices.sessions``)."""

    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        code, until = sessions.pairing_code(self.context)
        note = _(
            "board_pairing_note",
            default="Mở địa chỉ này trên màn hình của bảng tin trong 15 phút; mã chỉ dùng được một lần.",
        )
        return {
            "board": self.context.UID(),
            "url": f"{api.portal.get().absolute_url()}/@@kiosk#pair={code}",
            "expires": datetime.fromtimestamp(until, UTC).isoformat(timespec="seconds"),
            "note": translate(note, context=self.request),
        }


class ProofGet(devices.ReportsGet):
    """The board's proof-of-play log, newest first, in batches."""

    kind = proof.PROOF
    device_field = "board"
