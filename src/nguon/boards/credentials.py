"""How a public board proves which board it is: its token (``nguon.devices.credentials``) in
the ``X-Board-Token`` header (players that can set headers), or the signed session cookie of a
paired kiosk browser (``nguon.devices.sessions``). A token in the address (``?token=``, the
old way) is refused: addresses end up in logs, proxies and ``Referer`` headers."""

from nguon import _
from nguon.devices import sessions
from nguon.devices.credentials import from_request


PORTAL_TYPE = "PublicBoard"
HEADER = "X-Board-Token"
PAIRING_HEADER = "X-Board-Pairing"
COOKIE = sessions.COOKIE
REFUSED = _("board_error_token", default="Thiếu hoặc sai mã xác thực của bảng tin.")
URL_TOKEN = _(
    "board_error_url_token",
    default="Mã bảng tin không còn được nhận trong địa chỉ (?token=): địa chỉ bị ghi lại ở "
    "nhật ký và máy trung gian. Hãy ghép bảng tin bằng mã ghép (@board-pairing) "
    "hoặc gửi mã trong tiêu đề X-Board-Token, rồi cấp lại mã cho bảng tin.",
)


def authenticated_board(request):
    """The board of the ``X-Board-Token`` header, else of a valid session cookie, or None."""
    return from_request(request, PORTAL_TYPE, HEADER, COOKIE)
