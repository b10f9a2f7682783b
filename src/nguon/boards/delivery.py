"""What boards enter in the delivery ledger (``nguon.ledger``), and why a unit has not seen
an item yet.

Every proof of play a board reports becomes one ledger record of kind ``board-shown`` for
``(item, the board's unit, board, the board's UID, shown_at)``, with the seconds shown; the
unit is the board's own, never one the report names. A receipt (status ``received``: the
kiosk holds an emergency it got from the broadcast) becomes a record of kind
``board-received``, a note that proves arrival, not showing: it counts nowhere, the coverage
lists it. The ledger ignores a record it already holds, so a board that sends its report
again counts nothing twice. ``REASONS`` says why a
unit has no proof: no board, every board dark (offline) since when, or waiting to be shown.
"""

from datetime import datetime
from nguon import _
from nguon.ledger.kinds import ProofKind
from nguon.ledger.reasons import DeviceReasons
from nguon.ledger.record import record


SHOWN = ProofKind(
    "board-shown",
    "board",
    _("proof_kind_board_shown", default="Bảng tin đã trình chiếu"),
)

RECEIVED = ProofKind(
    "board-received",
    "board",
    _("proof_kind_board_received", default="Bảng tin đã nhận tin khẩn cấp"),
    proves=False,
    note=True,
)
SHOWN_STATUS = "shown"
KINDS = {SHOWN_STATUS: SHOWN, "received": RECEIVED}  # a record's status -> its kind

REASONS = DeviceReasons(
    "PublicBoard",
    no_device=_(
        "board_reason_no_board",
        default="Đơn vị chưa có bảng tin điện tử trên hệ thống.",
    ),
    offline=_(
        "board_reason_offline",
        default="Mọi bảng tin của đơn vị tắt hoặc mất kết nối từ ${since}.",
    ),
    waiting=_("board_reason_waiting", default="Đang chờ bảng tin trình chiếu."),
)


def enter(portal, log, board_uid, records, unit_code):
    """``then`` of the proof-of-play kind: enter a board's stored records in the ledger under
    the board's unit (``unit_code``, from the board, as ``restapi.boards`` passes it)."""
    for entry in records:
        record(
            portal,
            KINDS[entry.get("status", SHOWN_STATUS)].name,
            entry["item"],
            unit_code,
            board_uid,
            datetime.fromisoformat(entry["shown_at"]),
            {"seconds": entry["seconds"]},
        )
