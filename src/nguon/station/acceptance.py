"""Whether a schedule document may be used: signed by the pinned key, within its validity
window, and newer than the last one accepted (a replayed or older document is refused)."""
from datetime import datetime
from datetime import timezone
from nguon.radio import signing


class Refused(Exception):
    """The schedule is not used; the message says why (in Vietnamese, for the station log)."""


def accept(envelope, public_key, last=None, now=None):
    """The schedule inside ``envelope`` if it may replace ``last`` (the schedule accepted
    before, or None); raises ``Refused``."""
    try:
        schedule = signing.verify(envelope, public_key)
    except signing.SignatureError as error:
        raise Refused(str(error)) from error
    now = now or datetime.now(timezone.utc)
    try:
        valid_from = datetime.fromisoformat(schedule["valid_from"])
        valid_until = datetime.fromisoformat(schedule["valid_until"])
        sequence = int(schedule["sequence"])
    except (KeyError, TypeError, ValueError) as error:
        raise Refused("lịch phát thiếu thời hạn hoặc số thứ tự") from error
    if now < valid_from:
        raise Refused("lịch phát chưa đến thời hạn dùng (đồng hồ của đài hoặc máy chủ sai?)")
    if now >= valid_until:
        raise Refused("lịch phát đã hết hạn")
    if last is not None and sequence <= int(last["sequence"]):
        raise Refused(f"lịch phát cũ hơn lịch đã nhận (số {sequence} ≤ {last['sequence']}): có thể là gửi lại trái phép")
    return schedule
