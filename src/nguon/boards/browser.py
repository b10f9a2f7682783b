"""The board's side of Plone, at the site root, for the board only: its token in the
``X-Board-Token`` header (players that can set headers), or the signed session cookie of a
paired kiosk browser (``nguon.boards.session``). A token in the address (``?token=``, the old
way) is refused: addresses end up in logs, proxies and ``Referer`` headers.

- ``@@kiosk``: the player page (``kiosk.js``, ``@@kiosk-sw.js``), paired by ``#pair=<code>``;
- ``@@kiosk-session`` (POST): a pairing code (``X-Board-Pairing``), the token, or a valid
  session gives a new session cookie;
- ``@@board-playlist``: what to show now, JSON, ``ETag``/``If-None-Match`` → ``304``;
- ``@@board-slide/<item uid>``: the slide rendered at the board's resolution (PNG);
- ``@@board-proof`` (POST): proof-of-play records.

And on the board itself, for its unit: ``@@board-preview``, what the board shows now.
"""
from datetime import datetime
from datetime import timezone
from functools import lru_cache
from nguon import _
from nguon.boards import playlist
from nguon.boards import proof
from nguon.boards import render
from nguon.boards import session
from nguon.devices import authenticated
from nguon.devices import device_uid
from nguon.devices import find
from nguon.errors import UserError
from nguon.traversal import OneName
from pathlib import Path
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five import BrowserView
from zope.i18n import translate
from zope.interface import alsoProvides

import html
import json


HEADER = "X-Board-Token"
PAIRING_HEADER = "X-Board-Pairing"
STATIC = Path(__file__).parent / "static"


def _json(request, data, status=200):
    request.response.setStatus(status)
    request.response.setHeader("Content-Type", "application/json; charset=utf-8")
    return json.dumps(data, ensure_ascii=False)


def _error(request, message, status):
    return _json(request, {"error": {"message": translate(message, context=request)}}, status)


URL_TOKEN = _("board_error_url_token",
              default="Mã bảng tin không còn được nhận trong địa chỉ (?token=): địa chỉ bị ghi lại ở "
                      "nhật ký và máy trung gian. Hãy ghép bảng tin bằng mã ghép (@board-pairing) "
                      "hoặc gửi mã trong tiêu đề X-Board-Token, rồi cấp lại mã cho bảng tin.")


class _BoardView(BrowserView):
    def board(self):
        """The board of the ``X-Board-Token`` header, else of a valid session cookie."""
        token = self.request.getHeader(HEADER)
        if token:
            return authenticated(token, "PublicBoard")
        cookie = self.request.cookies.get(session.COOKIE)
        board = find(device_uid(cookie), "PublicBoard") if cookie else None
        return board if board is not None and session.valid_session(board, cookie) else None

    def unauthorized(self):
        if "token" in self.request.form:
            return _error(self.request, URL_TOKEN, 400)
        return _error(self.request, _("board_error_token", default="Thiếu hoặc sai mã xác thực của bảng tin."), 401)


class BoardPlaylist(_BoardView):
    def __call__(self):
        board = self.board()
        if board is None:
            return self.unauthorized()
        data = playlist.build(api.portal.get(), board, datetime.now(timezone.utc))
        etag = f'"{data["version"]}"'
        self.request.response.setHeader("ETag", etag)
        self.request.response.setHeader("Cache-Control", "no-cache")
        if self.request.getHeader("If-None-Match") == etag:
            self.request.response.setStatus(304)
            return b""
        return _json(self.request, data)


@lru_cache(maxsize=512)
def _rendered(uid, modified, width, height, title, text, priority, image_path):
    picture = None
    if image_path:
        obj = api.content.get(path="/" + image_path.split("/@@images/")[0])
        field = getattr(obj, "image", None) if obj is not None else None
        if field is not None and field.size:
            try:
                picture = render.open_image(field.data)
            except render.ImageRefused:
                picture = None
    return render.png(render.render(render.Board(width, height), title, text, priority, picture))


class BoardSlide(OneName, _BoardView):

    def __call__(self):
        board = self.board()
        if board is None:
            return self.unauthorized()
        return self.slide(board)

    def slide(self, board):
        data = playlist.build(api.portal.get(), board, datetime.now(timezone.utc))
        found = next((s for s in data["slides"] if s["uid"] == self.traversed), None)
        if found is None:
            return _error(self.request, _("board_error_slide", default="Nội dung này không có trên bảng tin."), 404)
        image_path = found["image"]
        if image_path:
            image_path = "/".join(api.portal.get().getPhysicalPath()[1:] + (image_path,))
        data = _rendered(found["uid"], found["modified"], board.width, board.height, found["title"],
                         found["text"], found["priority"], image_path)
        response = self.request.response
        response.setHeader("Content-Type", "image/png")
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("Cache-Control", "private, max-age=31536000, immutable")
        return data


class BoardProof(_BoardView):
    def __call__(self):
        alsoProvides(self.request, IDisableCSRFProtection)  # token-authenticated equipment
        board = self.board()
        if board is None:
            return self.unauthorized()
        try:
            body = json.loads(self.request.get("BODY") or b"{}")
            stored = proof.report(api.portal.get(), board.UID(), body.get("records"))
        except UserError as error:
            return _json(self.request, {"error": {"message": error.translated(self.request)}}, 400)
        except (ValueError, AttributeError):
            return _error(self.request, _("asrun_error_json", default="Nội dung không phải JSON hợp lệ."), 400)
        return _json(self.request, {"stored": stored})


class KioskSession(_BoardView):
    """``POST``: a session cookie for the board of the pairing code (``X-Board-Pairing``), of
    the token (``X-Board-Token``) or of the current session (renewal)."""

    def __call__(self):
        alsoProvides(self.request, IDisableCSRFProtection)  # equipment; the cookie is SameSite=Strict
        if self.request.method != "POST":
            self.request.response.setHeader("Allow", "POST")
            return _error(self.request, _("board_error_post", default="Chỉ nhận yêu cầu POST."), 405)
        code = self.request.getHeader(PAIRING_HEADER)
        board = self.paired(code) if code else self.board()
        if board is None:
            if code:
                return _error(self.request, _("board_error_pairing",
                                              default="Mã ghép bảng tin sai, đã dùng hoặc đã hết hạn: "
                                                      "xin mã ghép mới."), 401)
            return self.unauthorized()
        token, expires = session.session_token(board)
        portal = api.portal.get()
        self.request.response.setCookie(
            session.COOKIE, token, quoted=False, path=portal.absolute_url_path() or "/",
            max_age=int(session.SESSION.total_seconds()), http_only=True, same_site="Strict",
            secure=self.request.get("SERVER_URL", "").startswith("https:"))
        self.request.response.setHeader("Cache-Control", "no-store")
        return _json(self.request, {"board": board.UID(), "expires": datetime.fromtimestamp(
            expires, timezone.utc).isoformat(timespec="seconds")})

    def paired(self, code):
        board = find(device_uid(code), "PublicBoard")
        return board if board is not None and session.redeem(board, code) else None


PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: #000; overflow: hidden; cursor: none; }}
#kiosk {{ position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; }}
#kiosk img {{ width: 100vw; height: 100vh; object-fit: contain; }}
#kiosk-status {{ position: fixed; bottom: 0; left: 0; color: #fff; background: rgba(0,0,0,.6);
  font: 14px sans-serif; padding: 2px 6px; }}
#kiosk-status:empty {{ display: none; }}
</style></head>
<body><div id="kiosk" data-base="{base}" data-offline="{offline}" data-unpaired="{unpaired}">
<img id="kiosk-slide" alt="" data-uid=""></div>
<div id="kiosk-status" role="status"></div>
<script src="{base}/@@kiosk.js"></script></body></html>"""


class Kiosk(BrowserView):
    """The player page: it holds no content itself, so it is public; everything it shows is
    fetched with the board's session. Opened with ``?token=`` (the old way), it refuses."""

    def __call__(self):
        response = self.request.response
        if "token" in self.request.form:
            response.setStatus(400)
            response.setHeader("Content-Type", "text/plain; charset=utf-8")
            return translate(URL_TOKEN, context=self.request)
        offline = translate(_("kiosk_offline", default="Mất kết nối — đang hiển thị nội dung đã lưu"),
                            context=self.request)
        unpaired = translate(_("kiosk_unpaired",
                               default="Bảng tin chưa được ghép hoặc phiên đã hết hạn: mở địa chỉ ghép mới"),
                             context=self.request)
        title = translate(_("kiosk_title", default="Bảng tin điện tử"), context=self.request)
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        response.setHeader("Referrer-Policy", "no-referrer")
        return PAGE.format(base=html.escape(api.portal.get().absolute_url()), offline=html.escape(offline),
                           unpaired=html.escape(unpaired), title=html.escape(title))


class _Script(BrowserView):
    name = None

    def __call__(self):
        self.request.response.setHeader("Content-Type", "text/javascript; charset=utf-8")
        self.request.response.setHeader("Cache-Control", "no-cache")
        self.request.response.setHeader("Service-Worker-Allowed", "/")
        return (STATIC / self.name).read_text(encoding="utf-8")


class KioskScript(_Script):
    name = "kiosk.js"


class KioskWorker(_Script):
    name = "kiosk-sw.js"


class BoardPreview(BrowserView):
    """What the board shows now, for its unit (a plain page of the slides)."""

    def slides(self):
        return playlist.build(api.portal.get(), self.context, datetime.now(timezone.utc))


class UnitBoards(BrowserView):
    """Every board of a unit (and of the units under it) the user may see, with what each
    shows now."""

    def boards(self):
        now = datetime.now(timezone.utc)
        found = []
        for brain in api.content.find(context=self.context, portal_type="PublicBoard", sort_on="sortable_title"):
            board = brain.getObject()
            found.append({"board": board, "url": board.absolute_url(),
                          "playlist": playlist.build(api.portal.get(), board, now)})
        return found


class BoardPreviewSlide(BoardSlide):
    """A slide for the preview page: the board is the context, the user's access is checked."""

    def __call__(self):
        return self.slide(self.context)
