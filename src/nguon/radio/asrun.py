"""The as-run log: what stations report they actually played, a kind of the one report log
(``nguon.devices.reports``).

A record is ``{station, unit, item, status, at, clusters, message, received}``; ``status`` is
``started``, ``finished``, ``interrupted`` or ``failed``, or ``received`` (the station holds a
signed emergency it was sent: a receipt, not a broadcast); ``at`` is kept in UTC.
Once stored, a report's records enter the delivery ledger (``nguon.radio.delivery``).
``AsRunLog`` is the pre-issue-13 class, kept at this path so stored logs load until the
upgrade step moves them.
"""

from nguon import _
from nguon.devices import reports
from nguon.devices.reports import (
    AsRunLog,  # noqa: F401  (old pickles: nguon.radio.asrun.AsRunLog)
)
from nguon.errors import UserError
from nguon.radio import delivery

import time


STATUSES = ("started", "finished", "interrupted", "failed", "received")


def _record(raw, station_uid, unit_code):
    if not isinstance(raw, dict):
        raise UserError(
            _(
                "asrun_error_record",
                default="Mỗi bản ghi phát phải là một đối tượng JSON.",
            )
        )
    status = raw.get("status")
    if status not in STATUSES:
        raise UserError(
            _(
                "asrun_error_status",
                default="«status» phải là một trong: ${statuses}.",
                mapping={"statuses": ", ".join(STATUSES)},
            )
        )
    try:
        at = reports.moment(raw.get("at"))
    except ValueError as error:
        raise UserError(
            _(
                "asrun_error_time",
                default="«at» phải là thời điểm ISO 8601, không quá một ngày sau hiện tại.",
            )
        ) from error
    item = str(raw.get("item") or "")[:64]
    if not item:
        raise UserError(
            _("asrun_error_item", default="Thiếu «item» (UID của tin đã phát).")
        )
    clusters = [str(c)[:64] for c in raw.get("clusters") or []][:100]
    return {
        "station": station_uid,
        "unit": unit_code,
        "item": item,
        "status": status,
        "at": at,
        "clusters": clusters,
        "message": str(raw.get("message") or "")[:500],
        "received": time.time(),
    }


ASRUN = reports.Kind(
    name="asrun",
    device="station",
    time="at",
    detail=("status",),
    clean=_record,
    old_key="nguon.radio.asrun",
    old_tree="by_station",
    then=delivery.enter,
)


def install(portal):
    """The log of this kind (setup and upgrade steps)."""
    reports.install(portal, ASRUN)


def report(portal, station_uid, unit_code, records):
    """Store a station's report (all or nothing); returns how many records were stored."""
    return reports.report(portal, ASRUN, station_uid, records, unit_code=unit_code)


def of_station(portal, station_uid):
    """The station's records, oldest first (a lazy range)."""
    return reports.of_device(portal, ASRUN, station_uid)
