"""The radio stations' indicators (registered in ``configure.zcml`` as the ``radio`` set)."""

from nguon import _
from nguon.ledger.equipment import equipment_indicators


INDICATORS = equipment_indicators(
    "RadioStation",
    "stations",
    (
        _("indicator_stations_total", default="Đài truyền thanh"),
        _("indicator_stations_working", default="Đài truyền thanh đang hoạt động"),
        _("indicator_stations_uptime", default="Thời gian hoạt động của đài"),
        _(
            "indicator_stations_units_equipped",
            default="Xã, phường có đài truyền thanh hoạt động",
        ),
    ),
    order=60,
)
