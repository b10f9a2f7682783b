"""Whether a signed document may be used: signed by a pinned key still in force, signed for
this station and for the kind of document asked for, within its validity window, and newer
than the last one of its kind accepted (a replayed, foreign or older document is refused)."""

from datetime import datetime
from datetime import UTC
from nguon.radio import signing


class Refused(Exception):
    """The document is not used; the message says why (in Vietnamese, for the station log)."""


def accept(envelope, pins, kind, station, last=None, now=None):
    """The payload inside ``envelope`` if it is a ``kind`` document for ``station`` (its UID)
    that may replace ``last`` (the one of that kind accepted before, or None); raises
    ``Refused``. ``pins``: the station's pinned keys (``signing.Pin``)."""
    now = now or datetime.now(UTC)
    try:
        document = signing.verify(envelope, pins, now)
    except signing.SignatureError as error:
        raise Refused(str(error)) from error
    if document.get("kind") != kind:
        raise Refused(
            f"tài liệu được ký là «{document.get('kind')}», không phải «{kind}»: "
            "có thể là gửi lại trái phép"
        )
    if document.get("station") != station:
        raise Refused(
            f"tài liệu được ký cho đài khác ({document.get('station')}), không phải đài "
            f"này ({station}): có thể là gửi lại trái phép"
        )
    try:
        valid_from = datetime.fromisoformat(document["valid_from"])
        valid_until = datetime.fromisoformat(document["valid_until"])
        sequence = int(document["sequence"])
    except (KeyError, TypeError, ValueError) as error:
        raise Refused("lịch phát thiếu thời hạn hoặc số thứ tự") from error
    if now < valid_from:
        raise Refused(
            "lịch phát chưa đến thời hạn dùng (đồng hồ của đài hoặc máy chủ sai?)"
        )
    if now >= valid_until:
        raise Refused("lịch phát đã hết hạn")
    if last is not None and sequence <= int(last["sequence"]):
        raise Refused(
            f"lịch phát cũ hơn lịch đã nhận (số {sequence} ≤ {last['sequence']}): có thể là gửi lại trái phép"
        )
    return document
