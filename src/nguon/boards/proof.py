"""Proof of play: what each board reports it showed, when and for how long, kept per board
and per item (insert-only BTrees, so many boards reporting at once do not conflict). Times are
kept in UTC; a board's records older than the retention go when it reports
(``nguon.device_logs``)."""
from BTrees.OOBTree import OOBTree
from nguon import _
from nguon import device_logs
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


def _refused():
    return UserError(_("proof_error_record",
                       default="Mỗi bản ghi trình chiếu cần «item», «shown_at» (ISO 8601, không quá một ngày sau hiện tại) và «seconds»."))


def _record(raw, board_uid):
    try:
        item = str(raw["item"])[:64]
        shown = device_logs.moment(raw["shown_at"])
        seconds = float(raw["seconds"])
    except (KeyError, TypeError, ValueError) as error:
        raise _refused() from error
    if not item or not 0 <= seconds <= 86400:
        raise _refused()
    return {"board": board_uid, "item": item, "shown_at": shown, "seconds": round(seconds, 3),
            "received": time.time()}


def _item_key(record):
    return (record["item"], record["shown_at"], record["board"])


def report(portal, board_uid, records):
    """Store a board's report (all or nothing) and drop its records past the retention;
    returns how many records were stored."""
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
        store.by_item[_item_key(record)] = record
    device_logs.prune(store.by_board, store.by_item, board_uid, _item_key)
    return len(clean)


def prune_all(portal):
    """Drop every board's records past the retention; returns how many went."""
    store = log(portal)
    return 0 if store is None else device_logs.prune_all(store.by_board, store.by_item, _item_key)


def of_board(portal, board_uid):
    """The board's records, oldest first (a lazy range)."""
    store = log(portal)
    return () if store is None else device_logs.of(store.by_board, board_uid)
