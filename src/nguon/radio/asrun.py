"""The as-run log: what stations report they actually played, per station and per item.

A record is ``{station, unit, item, status, at, clusters, message, received}``; ``status`` is
``started``, ``finished``, ``interrupted`` or ``failed``; ``at`` is kept in UTC. Reports are
inserted only (BTrees keyed by station and by item), so many stations reporting at once do not
conflict; a station's records older than the retention go when it reports
(``nguon.device_logs``).
"""
from BTrees.OOBTree import OOBTree
from nguon import _
from nguon import device_logs
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
        at = device_logs.moment(raw.get("at"))
    except ValueError as error:
        raise UserError(_("asrun_error_time",
                          default="«at» phải là thời điểm ISO 8601, không quá một ngày sau hiện tại.")) from error
    item = str(raw.get("item") or "")[:64]
    if not item:
        raise UserError(_("asrun_error_item", default="Thiếu «item» (UID của tin đã phát)."))
    clusters = [str(c)[:64] for c in raw.get("clusters") or []][:100]
    return {"station": station_uid, "unit": unit_code, "item": item, "status": status, "at": at,
            "clusters": clusters, "message": str(raw.get("message") or "")[:500],
            "received": time.time()}


def _item_key(record):
    return (record["item"], record["at"], record["station"], record["status"])


def report(portal, station_uid, unit_code, records):
    """Store a station's report (all or nothing) and drop its records past the retention;
    returns how many records were stored."""
    if not isinstance(records, list) or not 1 <= len(records) <= MAX_RECORDS:
        raise UserError(_("asrun_error_records", default="«records» phải là danh sách 1 đến ${max} bản ghi.",
                          mapping={"max": MAX_RECORDS}))
    clean = [_record(raw, station_uid, unit_code) for raw in records]
    store = log(portal)
    for record in clean:
        store.by_station[(station_uid, record["at"], record["item"], record["status"])] = record
        store.by_item[_item_key(record)] = record
    device_logs.prune(store.by_station, store.by_item, station_uid, _item_key)
    return len(clean)


def prune_all(portal):
    """Drop every station's records past the retention; returns how many went."""
    store = log(portal)
    return 0 if store is None else device_logs.prune_all(store.by_station, store.by_item, _item_key)


def of_station(portal, station_uid):
    """The station's records, oldest first (a lazy range)."""
    store = log(portal)
    return () if store is None else device_logs.of(store.by_station, station_uid)


def of_item(portal, item_uid):
    store = log(portal)
    return () if store is None else device_logs.of(store.by_item, item_uid)
