"""What radio enters in the delivery ledger (``nguon.ledger``), and why a unit has not heard
an item yet.

Every as-run record a station reports becomes one ledger record for ``(item, the station's
unit, radio, the station's UID, at)``; the unit is the station's own, never one the report
names. Its kind follows the status:

- ``finished`` proves delivery (``radio-aired``): the detail holds the status, the clusters
  and the seconds aired, from the same station's ``started`` record of the item (the latest
  one at most ``audio.MAX_SECONDS`` before), else the item's prepared audio duration when the
  item is still there;
- ``failed`` and ``interrupted`` report a failure (``radio-not-aired``): the station's message
  becomes the pair's reason until a proof comes;
- ``started`` is a note (``radio-started``): kept, counted nowhere;
- ``received`` is a receipt (``radio-received``, a note too): the station holds the signed
  emergency (an alert it got through the messaging engine or its poll); it proves arrival,
  not airing, so coverage still waits for ``finished``.

The ledger ignores a record it already holds, so a station that sends its report again counts
nothing twice. ``REASONS`` says why a unit has no proof: no station, every station offline,
or, where a station could air it, the item's audio that the site refused to prepare (the
editor's to fix: every unit waits for it), else waiting for the station to air it.
"""

from datetime import datetime
from datetime import timedelta
from nguon import _
from nguon.ledger.coverage import FAILED
from nguon.ledger.coverage import PENDING
from nguon.ledger.kinds import ProofKind
from nguon.ledger.reasons import DeviceReasons
from nguon.ledger.record import record
from nguon.radio import prepared
from nguon.radio.audio import MAX_SECONDS
from plone.app.uuid.utils import uuidToObject
from zope.i18nmessageid import Message


AIRED = ProofKind(
    "radio-aired", "radio", _("proof_kind_radio_aired", default="Đài đã phát xong")
)
NOT_AIRED = ProofKind(
    "radio-not-aired",
    "radio",
    _("proof_kind_radio_not_aired", default="Đài báo không phát được"),
    proves=False,
)
STARTED = ProofKind(
    "radio-started",
    "radio",
    _("proof_kind_radio_started", default="Đài bắt đầu phát"),
    proves=False,
    note=True,
)
RECEIVED = ProofKind(
    "radio-received",
    "radio",
    _("proof_kind_radio_received", default="Đài đã nhận tin khẩn cấp"),
    proves=False,
    note=True,
)
KINDS = {
    "finished": AIRED,
    "failed": NOT_AIRED,
    "interrupted": NOT_AIRED,
    "started": STARTED,
    "received": RECEIVED,
}


class RadioReasons(DeviceReasons):
    """The stations' reasons, and the item's refused audio where a station waits for it. One
    coverage asks every pair with the same ``now``: the item's refusal is read once per
    ``now``."""

    _refusal = (None, None, None)  # (item, now, message or None)

    def refused(self, item_uid, now):
        item, moment, message = self._refusal
        if (item, moment) != (item_uid, now):
            found = uuidToObject(item_uid, unrestricted=True)
            message = prepared.failure(found) if found is not None else None
            self._refusal = (item_uid, now, message)
        return message

    def reason(self, portal, unit_code, obligation, now):
        status, message, since = super().reason(portal, unit_code, obligation, now)
        if status == PENDING:
            refused = self.refused(obligation.item, now)
            if refused:
                return FAILED, Message(AUDIO_REFUSED, mapping={"error": refused}), None
        return status, message, since


AUDIO_REFUSED = _(
    "radio_reason_audio_refused",
    default="Âm thanh của tin không dùng được nên đài chưa thể phát: ${error}",
)
REASONS = RadioReasons(
    "RadioStation",
    no_device=_(
        "radio_reason_no_station",
        default="Đơn vị chưa có đài truyền thanh trên hệ thống.",
    ),
    offline=_(
        "radio_reason_offline",
        default="Mọi đài truyền thanh của đơn vị mất kết nối từ ${since}.",
    ),
    waiting=_("radio_reason_waiting", default="Đang chờ đài phát tin."),
)


def _seconds_since_start(log, station_uid, item_uid, at):
    """Seconds from the station's latest ``started`` record of the item before ``at`` (UTC
    ISO) to ``at``, or None."""
    end = datetime.fromisoformat(at)
    start = (end - timedelta(seconds=MAX_SECONDS)).isoformat(timespec="milliseconds")
    started = [
        key[1]
        for key in log.by_device.keys(min=(station_uid, start), max=(station_uid, at))
        if key[2] == item_uid and key[3] == "started"
    ]
    if not started:
        return None
    return (end - datetime.fromisoformat(started[-1])).total_seconds()


def _audio_seconds(item_uid):
    """The item's prepared audio duration, or None (an item gone, or without audio)."""
    item = uuidToObject(item_uid, unrestricted=True)
    audio = prepared.prepared(item) if item is not None else None
    return audio.get("duration") if audio is not None else None


def _detail(log, entry):
    detail = {
        "status": entry["status"],
        "clusters": entry["clusters"],
        "message": entry["message"],
    }
    if entry["status"] == "finished":
        seconds = _seconds_since_start(
            log, entry["station"], entry["item"], entry["at"]
        )
        detail["seconds"] = (
            seconds if seconds is not None else _audio_seconds(entry["item"])
        )
    return detail


def enter(portal, log, station_uid, records, unit_code):
    """``then`` of the as-run kind (``log``, its report log): enter a station's stored
    records in the ledger under the station's unit (``unit_code``, from the station, as
    ``restapi.radio`` passes it)."""
    for entry in records:
        record(
            portal,
            KINDS[entry["status"]].name,
            entry["item"],
            unit_code,
            station_uid,
            datetime.fromisoformat(entry["at"]),
            _detail(log, entry),
        )
