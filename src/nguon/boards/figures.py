"""The public boards' indicators (registered in ``configure.zcml`` as the ``boards`` set)."""

from nguon import _
from nguon.ledger.equipment import equipment_indicators


INDICATORS = equipment_indicators(
    "PublicBoard",
    "boards",
    (
        _("indicator_boards_total", default="Bảng tin điện tử"),
        _("indicator_boards_working", default="Bảng tin điện tử đang hoạt động"),
        _("indicator_boards_uptime", default="Thời gian hoạt động của bảng tin"),
        _(
            "indicator_boards_units_equipped",
            default="Xã, phường có bảng tin điện tử hoạt động",
        ),
    ),
    order=70,
)
