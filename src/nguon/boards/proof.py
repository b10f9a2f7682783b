"""Proof of play: what each board reports it showed, when and for how long, a kind of the one
report log (``nguon.devices.reports``); once stored, the records enter the delivery ledger
(``nguon.boards.delivery``) under the board's unit. A record with ``"status": "received"``
is a receipt (the kiosk holds an emergency it got from the broadcast, shown or not yet);
without a status it says the item was shown. ``ProofLog`` is the pre-issue-13 class,
kept at this path so stored logs load until the upgrade step moves them."""

from nguon import _
from nguon.boards import delivery
from nguon.devices import reports
from nguon.devices.reports import (
    ProofLog,  # noqa: F401  (old pickles: nguon.boards.proof.ProofLog)
)
from nguon.errors import UserError

import time


def _refused():
    return UserError(
        _(
            "proof_error_record",
            default="Mỗi bản ghi trình chiếu cần «item», «shown_at» (ISO 8601, không quá một ngày sau hiện tại) và «seconds».",
        )
    )


def _record(raw, board_uid, unit_code=""):
    try:
        item = str(raw["item"])[:64]
        shown = reports.moment(raw["shown_at"])
        seconds = float(raw["seconds"])
        status = raw.get("status", delivery.SHOWN_STATUS)
        known = status in delivery.KINDS
    except (KeyError, TypeError, ValueError) as error:
        raise _refused() from error
    if not item or not 0 <= seconds <= 86400 or not known:
        raise _refused()
    return {
        "board": board_uid,
        "status": status,
        "unit": unit_code,
        "item": item,
        "shown_at": shown,
        "seconds": round(seconds, 3),
        "received": time.time(),
    }


PROOF = reports.Kind(
    name="proof",
    device="board",
    time="shown_at",
    clean=_record,
    old_key="nguon.boards.proof",
    old_tree="by_board",
    then=delivery.enter,
)


def install(portal):
    """The log of this kind (setup and upgrade steps)."""
    reports.install(portal, PROOF)


def report(portal, board_uid, unit_code, records):
    """Store a board's report (all or nothing); returns how many records were stored."""
    return reports.report(portal, PROOF, board_uid, records, unit_code=unit_code)


def of_board(portal, board_uid):
    """The board's records, oldest first (a lazy range)."""
    return reports.of_device(portal, PROOF, board_uid)
