"""Indicators of a kind of equipment (radio stations, public boards), from device health.

``equipment_indicators(portal_type, prefix, titles)`` gives four indicators that the kind's
capability registers in its ``IIndicators`` set:

- ``<prefix>_total``: devices of the kind in the area;
- ``<prefix>_working``: of them, those not offline at the end of the period (now for a
  period that has not ended);
- ``<prefix>_uptime``: the share of the period they were online (``health.uptime_of``);
- ``<prefix>_units_equipped``: the share of the area's receiving units (the communes) that
  have at least one device of the kind working, the provincial plans' target ("every
  commune with a working radio station, half of them with public boards").
"""

from datetime import datetime
from datetime import time
from datetime import UTC
from nguon.content.timezone import LOCAL_ZONE
from nguon.devices import health
from nguon.ledger.indicators import Indicator
from nguon.ledger.units import receiving_units
from nguon.units.tree import item_unit


def _moment(day):
    return datetime.combine(day, time(), tzinfo=LOCAL_ZONE)


def _at_end(end):
    return min(_moment(end), datetime.now(UTC))


def equipment_indicators(portal_type, prefix, titles, order):
    """``titles``: i18n messages for total, working, uptime and units equipped."""

    def devices(unit):
        return health.devices_of(unit, portal_type)

    def total(portal, unit, start, end):
        return len(devices(unit))

    def working(portal, unit, start, end):
        moment = _at_end(end)
        return sum(not health.is_offline(d, moment) for d in devices(unit))

    def uptime(portal, unit, start, end):
        share = health.uptime_of(devices(unit), _moment(start), _moment(end))
        return None if share is None else round(100 * share, 2)

    def equipped(portal, unit, start, end):
        moment = _at_end(end)
        units = receiving_units(((unit.code, True),), portal)
        served = {
            owner.code
            for owner in (
                item_unit(d) for d in devices(unit) if not health.is_offline(d, moment)
            )
            if owner is not None
        }
        if not units:
            return None
        return round(100 * sum(u.code in served for u in units) / len(units), 2)

    total_title, working_title, uptime_title, equipped_title = titles
    return (
        Indicator(f"{prefix}_total", total_title, "count", total, order=order),
        Indicator(
            f"{prefix}_working", working_title, "count", working, order=order + 1
        ),
        Indicator(
            f"{prefix}_uptime", uptime_title, "percent", uptime, "mean", order + 2
        ),
        Indicator(
            f"{prefix}_units_equipped",
            equipped_title,
            "percent",
            equipped,
            "mean",
            order + 3,
        ),
    )
