"""The as-run log: what stations report they actually played, per station and per item.

A record is ``{station, unit, item, status, at, clusters, message, received}``; ``status`` is
``started``, ``finished``, ``interrupted`` or ``failed``. Reports are inserted only (BTrees
keyed by station and by item), so many stations reporting at once do not conflict.
"""
from BTrees.OOBTree import OOBTree
from datetime import datetime
from nguon import _
from nguon.annotations import site_state
from nguon.errors import UserError
from persistent import Persistent

import time


KEY = "nguon.radio.asrun"
STATUSES = ("started", "finished", "interrupted", "failed")
MAX_RECORDS = 500  # per report


class AsRunLog(Persistent):
    def __init__(self):
        self.by_station = OOBTree()  # (station, at, item, status) -> record
        self.by_item = OOBTree()     # (item, at, station, status) -> record


def log(portal, create=False):
    return site_state(portal, KEY, AsRunLog, create)


def _record(raw, station_uid, unit_code):
    if not isinstance(raw, dict):
        raise UserError(_("asrun_error_record", default="Mỗi bản ghi phát phải là một đối tượng JSON."))
    status = raw.get("status")
    if status not in STATUSES:
        raise UserError(_("asrun_error_status", default="«status» phải là một trong: ${statuses}.",
                          mapping={"statuses": ", ".join(STATUSES)}))
    try:
        at = datetime.fromisoformat(str(raw.get("at"))).isoformat(timespec="milliseconds")
    except ValueError as error:
        raise UserError(_("asrun_error_time", default="«at» phải là thời điểm ISO 8601.")) from error
    item = str(raw.get("item") or "")[:64]
    if not item:
        raise UserError(_("asrun_error_item", default="Thiếu «item» (UID của tin đã phát)."))
    clusters = [str(c)[:64] for c in raw.get("clusters") or []][:100]
    return {"station": station_uid, "unit": unit_code, "item": item, "status": status, "at": at,
            "clusters": clusters, "message": str(raw.get("message") or "")[:500],
            "received": time.time()}


def report(portal, station_uid, unit_code, records):
    """Store a station's report (all or nothing); returns how many records were stored."""
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise UserError(_("asrun_error_records", default="«records» phải là danh sách 1 đến ${max} bản ghi.",
                          mapping={"max": MAX_RECORDS}))
    clean = [_record(raw, station_uid, unit_code) for raw in records]
    store = log(portal)
    for record in clean:
        store.by_station[(station_uid, record["at"], record["item"], record["status"])] = record
        store.by_item[(record["item"], record["at"], station_uid, record["status"])] = record
    return len(clean)


def of_station(portal, station_uid):
    store = log(portal)
    if store is None:
        return []
    return list(store.by_station.values(min=(station_uid,), max=(station_uid, "\uffff")))


def of_item(portal, item_uid):
    store = log(portal)
    if store is None:
        return []
    return list(store.by_item.values(min=(item_uid,), max=(item_uid, "\uffff")))
