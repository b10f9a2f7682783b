"""Proof of play: what each board reports it showed, when and for how long, kept per board
and per item (insert-only BTrees, so many boards reporting at once do not conflict)."""
from BTrees.OOBTree import OOBTree
from datetime import datetime
from nguon import _
from nguon.annotations import site_state
from nguon.errors import UserError
from persistent import Persistent

import time


KEY = "nguon.boards.proof"
MAX_RECORDS = 500


class ProofLog(Persistent):
    def __init__(self):
        self.by_board = OOBTree()  # (board, shown_at, item) -> record
        self.by_item = OOBTree()   # (item, shown_at, board) -> record


def log(portal, create=False):
    return site_state(portal, KEY, ProofLog, create)


def _record(raw, board_uid):
    try:
        item = str(raw["item"])[:64]
        shown = datetime.fromisoformat(str(raw["shown_at"])).isoformat(timespec="milliseconds")
        seconds = float(raw["seconds"])
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(_("proof_error_record",
                          default="Mỗi bản ghi trình chiếu cần «item», «shown_at» (ISO 8601) và «seconds».")) from error
    if not item or not 0 <= seconds <= 86400:
        raise UserError(_("proof_error_record",
                          default="Mỗi bản ghi trình chiếu cần «item», «shown_at» (ISO 8601) và «seconds»."))
    return {"board": board_uid, "item": item, "shown_at": shown, "seconds": round(seconds, 3),
            "received": time.time()}


def report(portal, board_uid, records):
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise UserError(_("proof_error_records", default="«records» phải là danh sách 1 đến ${max} bản ghi.",
                          mapping={"max": MAX_RECORDS}))
    clean = [_record(raw, board_uid) for raw in records if isinstance(raw, dict)]
    if len(clean) != len(records):
        raise UserError(_("proof_error_records", default="«records» phải là danh sách 1 đến ${max} bản ghi.",
                          mapping={"max": MAX_RECORDS}))
    store = log(portal)
    for record in clean:
        store.by_board[(board_uid, record["shown_at"], record["item"])] = record
        store.by_item[(record["item"], record["shown_at"], board_uid)] = record
    return len(clean)


def of_board(portal, board_uid):
    store = log(portal)
    return [] if store is None else list(store.by_board.values(min=(board_uid,), max=(board_uid, "\uffff")))
