"""The board's pages that are not JSON (the board API is ``nguon.restapi.boards``).

For the board only (its ``X-Board-Token`` header or a paired kiosk's session cookie,
``nguon.boards.credentials``; ``?token=`` is refused):

- ``@@kiosk``: the player page (``kiosk.js``, ``@@kiosk-sw.js``, ``@@kiosk-mqtt.js``, the
  ``@@kiosk-font-*.ttf`` of its takeover), paired by ``#pair=<code>``;
- ``@@board-slide/<item uid>``: the slide rendered at the board's resolution (PNG); an
  alert's takeover in one of its languages with ``?language=<tag>`` (its first without).

And on the board itself, for its unit: ``@@board-preview``, what the board shows now.
"""

from datetime import datetime
from datetime import UTC
from functools import lru_cache
from nguon import _
from nguon.boards import playlist
from nguon.boards import render
from nguon.boards import takeover
from nguon.boards.credentials import authenticated_board
from nguon.boards.credentials import REFUSED
from nguon.boards.credentials import URL_TOKEN
from nguon.devices import health
from nguon.devices.services import view_error
from nguon.traversal import OneName
from pathlib import Path
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate

import html


STATIC = Path(__file__).parent / "static"


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
    return render.png(
        render.render(render.Board(width, height), title, text, priority, picture)
    )


@lru_cache(maxsize=256)
def _rendered_takeover(
    uid, modified, width, height, band, headline, instruction, footer, palette
):
    return render.png(
        render.takeover(
            render.Board(width, height), band, headline, instruction, footer, palette
        )
    )


def takeover_png(found, language, board):
    """The PNG of an alert's takeover ``found`` in ``language`` at the board's size."""
    chosen = takeover.language_of(found, language)
    return _rendered_takeover(
        found["uid"],
        found["modified"],
        board.width,
        board.height,
        takeover.band(found, chosen),
        chosen["headline"],
        chosen["instruction"],
        takeover.footer(found),
        takeover.palette(found),
    )


class BoardSlide(OneName, BrowserView):
    def __call__(self):
        if "token" in self.request.form:
            return view_error(self.request, 400, URL_TOKEN)
        board = authenticated_board(self.request)
        if board is None:
            return view_error(self.request, 401, REFUSED)
        return self.slide(board)

    def slide(self, board):
        data = playlist.build(api.portal.get(), board, datetime.now(UTC))
        found = next((s for s in data["slides"] if s["uid"] == self.traversed), None)
        if found is None:
            return view_error(
                self.request,
                404,
                _("board_error_slide", default="Nội dung này không có trên bảng tin."),
            )
        if "alert" in found:
            data = takeover_png(
                found["alert"], self.request.form.get("language"), board
            )
        else:
            data = self.notice_png(found, board)
        response = self.request.response
        response.setHeader("Content-Type", "image/png")
        response.setHeader("Content-Length", str(len(data)))
        response.setHeader("Cache-Control", "private, max-age=31536000, immutable")
        return data

    def notice_png(self, found, board):
        image_path = found["image"]
        if image_path:
            image_path = "/".join(
                api.portal.get().getPhysicalPath()[1:] + (image_path,)
            )
        return _rendered(
            found["uid"],
            found["modified"],
            board.width,
            board.height,
            found["title"],
            found["text"],
            found["priority"],
            image_path,
        )


PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
html, body {{ margin: 0; height: 100%; background: #000; overflow: hidden; cursor: none; }}
#kiosk {{ position: fixed; inset: 0; display: flex; align-items: center; justify-content: center; }}
#kiosk img {{ width: 100vw; height: 100vh; object-fit: contain; }}
@font-face {{ font-family: "Be Vietnam Pro"; font-weight: 400;
  src: url("{base}/@@kiosk-font-regular.ttf") format("truetype"); }}
@font-face {{ font-family: "Be Vietnam Pro"; font-weight: 700;
  src: url("{base}/@@kiosk-font-bold.ttf") format("truetype"); }}
#kiosk-takeover {{ position: fixed; inset: 0; box-sizing: border-box; padding: 4vmin;
  display: flex; flex-direction: column; justify-content: space-between; gap: .3em;
  overflow: hidden; line-height: 1.28; font-family: "Be Vietnam Pro", "DejaVu Sans", sans-serif; }}
#kiosk-takeover[hidden], #kiosk-takeover [hidden] {{ display: none; }}
#kiosk-takeover .band {{ font-weight: 700; font-size: .72em; border-bottom: .08em solid currentColor; }}
#kiosk-takeover .headline {{ font-weight: 700; font-size: .75em; }}
#kiosk-takeover .instruction {{ font-weight: 700; padding: .3em; }}
#kiosk-takeover .footer {{ font-size: .5em; }}
#kiosk-status {{ position: fixed; bottom: 0; left: 0; color: #fff; background: rgba(0,0,0,.6);
  font: 14px sans-serif; padding: 2px 6px; }}
#kiosk-status:empty {{ display: none; }}
</style></head>
<body><div id="kiosk" data-base="{base}" data-offline="{offline}" data-unpaired="{unpaired}">
<img id="kiosk-slide" alt="" data-uid=""></div>
<div id="kiosk-takeover" role="alert" data-uid="" hidden><div class="band"></div>
<div class="headline"></div><div class="instruction"></div><div class="footer"></div></div>
<div id="kiosk-status" role="status"></div>
<script src="{base}/@@kiosk-mqtt.js"></script>
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
        offline = translate(
            _("kiosk_offline", default="Mất kết nối — đang hiển thị nội dung đã lưu"),
            context=self.request,
        )
        unpaired = translate(
            _(
                "kiosk_unpaired",
                default="Bảng tin chưa được ghép hoặc phiên đã hết hạn: mở địa chỉ ghép mới",
            ),
            context=self.request,
        )
        title = translate(
            _("kiosk_title", default="Bảng tin điện tử"), context=self.request
        )
        response.setHeader("Content-Type", "text/html; charset=utf-8")
        response.setHeader("Referrer-Policy", "no-referrer")
        return PAGE.format(
            base=html.escape(api.portal.get().absolute_url()),
            offline=html.escape(offline),
            unpaired=html.escape(unpaired),
            title=html.escape(title),
        )


class _Script(BrowserView):
    name = None

    def __call__(self):
        response = self.request.response
        path = STATIC / self.name
        if not path.is_file():  # mqtt.js not built (make install): the kiosk only polls
            response.setStatus(404)
            response.setHeader("Content-Type", "text/javascript; charset=utf-8")
            return f"// {self.name} is not built: run make install\n"
        response.setHeader("Content-Type", "text/javascript; charset=utf-8")
        response.setHeader("Cache-Control", "no-cache")
        response.setHeader("Service-Worker-Allowed", "/")
        return path.read_text(encoding="utf-8")


class KioskScript(_Script):
    name = "kiosk.js"


class KioskWorker(_Script):
    name = "kiosk-sw.js"


class KioskMqtt(_Script):
    """mqtt.js (npm ``mqtt``, built by ``make install`` from vendor/kiosk)."""

    name = "mqtt.min.js"


class _Font(BrowserView):
    """Be Vietnam Pro for the kiosk's takeover, the typeface of the rendered slides."""

    path = None

    def __call__(self):
        response = self.request.response
        response.setHeader("Content-Type", "font/ttf")
        response.setHeader("Cache-Control", "public, max-age=86400")
        return self.path.read_bytes()


class KioskFontRegular(_Font):
    path = render.REGULAR


class KioskFontBold(_Font):
    path = render.BOLD


class BoardPreview(BrowserView):
    """What the board shows now, for its unit (a plain page of the slides)."""

    def slides(self):
        return playlist.build(api.portal.get(), self.context, datetime.now(UTC))


class UnitBoards(BrowserView):
    """Every board of a unit (and of the units under it) the user may see, with what each
    shows now and its health (``nguon.devices.health``)."""

    def boards(self):
        now = datetime.now(UTC)
        found = []
        for brain in api.content.find(
            context=self.context, portal_type="PublicBoard", sort_on="sortable_title"
        ):
            board = brain.getObject()
            found.append(
                {
                    "board": board,
                    "url": board.absolute_url(),
                    "playlist": playlist.build(api.portal.get(), board, now),
                    "offline": health.is_offline(board, now),
                    "health": health.describe(board, now),
                }
            )
        return found


class BoardPreviewSlide(BoardSlide):
    """A slide for the preview page: the board is the context, the user's access is checked."""

    def __call__(self):
        return self.slide(self.context)
