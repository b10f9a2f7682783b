"""The board's side of Plone, at the site root, for the board's own token (``?token=`` or the
``X-Board-Token`` header: a kiosk browser opens a URL, it cannot set headers on it):

- ``@@kiosk``: the player page (``kiosk.js``, ``@@kiosk-sw.js``);
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
from nguon.devices import authenticated
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
STATIC = Path(__file__).parent / "static"


def _json(request, data, status=200):
    request.response.setStatus(status)
    request.response.setHeader("Content-Type", "application/json; charset=utf-8")
    return json.dumps(data, ensure_ascii=False)


class _BoardView(BrowserView):
    def board(self):
        token = self.request.form.get("token") or self.request.getHeader(HEADER)
        return authenticated(token, "PublicBoard")

    def unauthorized(self):
        message = _("board_error_token", default="Thiếu hoặc sai mã xác thực của bảng tin.")
        return _json(self.request, {"error": {"message": translate(message, context=self.request)}}, 401)


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
            message = _("board_error_slide", default="Nội dung này không có trên bảng tin.")
            return _json(self.request, {"error": {"message": translate(message, context=self.request)}}, 404)
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
            message = _("asrun_error_json", default="Nội dung không phải JSON hợp lệ.")
            return _json(self.request, {"error": {"message": translate(message, context=self.request)}}, 400)
        return _json(self.request, {"stored": stored})


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
<body><div id="kiosk" data-base="{base}" data-offline="{offline}">
<img id="kiosk-slide" alt="" data-uid=""></div>
<div id="kiosk-status" role="status"></div>
<script src="{base}/@@kiosk.js"></script></body></html>"""


class Kiosk(BrowserView):
    """The player page: it holds no content itself, so it is public; everything it shows is
    fetched with the board's token."""

    def __call__(self):
        offline = translate(_("kiosk_offline", default="Mất kết nối — đang hiển thị nội dung đã lưu"),
                            context=self.request)
        title = translate(_("kiosk_title", default="Bảng tin điện tử"), context=self.request)
        self.request.response.setHeader("Content-Type", "text/html; charset=utf-8")
        return PAGE.format(base=html.escape(api.portal.get().absolute_url()),
                           offline=html.escape(offline), title=html.escape(title))


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
