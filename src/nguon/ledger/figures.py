"""The indicators the delivery ledger answers (registered in ``configure.zcml``).

Each is computed from the counters of the units of an area (``nguon.ledger.counters``,
``nguon.ledger.units.area_codes``) or, for item counts, from the area's obligations
(``by_area``): a few thousand lookups for a province's year, whatever the number of records.
Coverage is counted in pairs (a target unit on a required channel) of the essential items
published in the period; the share of items delivered everywhere in the area is
``essential_items_delivered``.
"""

from datetime import datetime
from datetime import time
from datetime import UTC
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.vocabularies import CHANNELS
from nguon.content.vocabularies import LEVELS
from nguon.ledger.counters import total
from nguon.ledger.coverage import obligations_in
from nguon.ledger.indicators import Indicator
from nguon.ledger.store import ledger
from nguon.ledger.units import area_codes


CHANNEL_IDS = tuple(value for value, _title in CHANNELS)


def utc_bounds(start, end):
    """UTC ISO times of local midnight of ``start`` and ``end`` (dates)."""

    def iso(day):
        moment = datetime.combine(day, time(), tzinfo=LOCAL_ZONE)
        return moment.astimezone(UTC).isoformat(timespec="milliseconds")

    return iso(start), iso(end)


def _sum(portal, unit, figure, dimensions, start, end):
    store = ledger(portal)
    if store is None:
        return 0
    codes = area_codes(unit.code, portal)
    return sum(total(store, codes, figure, d, start, end) for d in dimensions)


def _ratio(numerator, denominator, scale):
    return None if not denominator else round(numerator * scale / denominator, 2)


def counted(figure, dimension="", scale=1):
    """An indicator's ``compute``: the figure summed over the area (divided by ``scale``)."""

    def compute(portal, unit, start, end):
        value = _sum(portal, unit, figure, (dimension,), start, end)
        return value if scale == 1 else round(value / scale, 2)

    return compute


def coverage(channels):
    """Percent of the required pairs on ``channels`` that have a proof."""

    def compute(portal, unit, start, end):
        required = _sum(portal, unit, "required", channels, start, end)
        delivered = _sum(portal, unit, "delivered", channels, start, end)
        return _ratio(delivered, required, 100)

    return compute


def mean(figure, dimensions, scale):
    """The mean of a duration figure (``<figure>_s`` / ``<figure>_n``) in ``scale`` seconds."""

    def compute(portal, unit, start, end):
        seconds = _sum(portal, unit, f"{figure}_s", dimensions, start, end)
        count = _sum(portal, unit, f"{figure}_n", dimensions, start, end)
        return _ratio(seconds, count * scale, 1)

    return compute


def _obligations(portal, unit, start, end):
    return obligations_in(portal, unit.code, *utc_bounds(start, end))


def essential_items(portal, unit, start, end):
    return len(_obligations(portal, unit, start, end))


def emergencies(portal, unit, start, end):
    return sum(o.emergency for o in _obligations(portal, unit, start, end))


def _delivered_in(obligation, area):
    if obligation.complete:
        return True
    if area in obligation.common:
        return False
    return all(
        pair in obligation.proofs
        for pair in obligation.required
        if area in obligation.lineages.get(pair[0], ())
    )


def essential_items_delivered(portal, unit, start, end):
    """Percent of the area's essential items with proof on every pair inside the area."""
    found = _obligations(portal, unit, start, end)
    done = sum(_delivered_in(o, unit.code) for o in found)
    return _ratio(done, len(found), 100)


def _indicators():
    yield Indicator(
        "essential_items",
        _("indicator_essential_items", default="Tin thiết yếu"),
        "count",
        essential_items,
        order=10,
    )
    yield Indicator(
        "essential_items_delivered",
        _(
            "indicator_essential_items_delivered",
            default="Tin thiết yếu đã đến mọi nơi nhận",
        ),
        "percent",
        essential_items_delivered,
        aggregate="mean",
        order=11,
    )
    yield Indicator(
        "essential_coverage",
        _("indicator_essential_coverage", default="Độ phủ tin thiết yếu"),
        "percent",
        coverage(CHANNEL_IDS),
        aggregate="mean",
        order=12,
    )
    for order, (channel, title) in enumerate(CHANNELS, start=13):
        yield Indicator(
            f"coverage_{channel}",
            _(
                "indicator_coverage_channel",
                default="Độ phủ qua ${channel}",
                mapping={"channel": title},
            ),
            "percent",
            coverage((channel,)),
            aggregate="mean",
            order=order,
        )
    yield Indicator(
        "items_published",
        _("indicator_items_published", default="Tin đã xuất bản"),
        "count",
        counted("published"),
        order=20,
    )
    for order, (channel, title) in enumerate(CHANNELS, start=21):
        yield Indicator(
            f"items_published_{channel}",
            _(
                "indicator_items_published_channel",
                default="Tin xuất bản qua ${channel}",
                mapping={"channel": title},
            ),
            "count",
            counted("published", f"channel:{channel}"),
            order=order,
        )
    yield Indicator(
        "radio_hours",
        _("indicator_radio_hours", default="Số giờ phát thanh"),
        "hours",
        counted("seconds", "radio", 3600),
        order=30,
    )
    yield Indicator(
        "board_hours",
        _("indicator_board_hours", default="Số giờ trình chiếu trên bảng tin"),
        "hours",
        counted("seconds", "board", 3600),
        order=31,
    )
    yield Indicator(
        "minutes_to_air",
        _("indicator_minutes_to_air", default="Thời gian từ duyệt đến phát (phút)"),
        "minutes",
        mean("latency", ("radio",), 60),
        aggregate="mean",
        order=40,
    )
    yield Indicator(
        "minutes_to_screen",
        _(
            "indicator_minutes_to_screen",
            default="Thời gian từ duyệt đến lên bảng tin (phút)",
        ),
        "minutes",
        mean("latency", ("board",), 60),
        aggregate="mean",
        order=41,
    )
    yield Indicator(
        "emergencies",
        _("indicator_emergencies", default="Tin khẩn cấp"),
        "count",
        emergencies,
        order=42,
    )
    yield Indicator(
        "emergency_minutes_to_air",
        _(
            "indicator_emergency_minutes_to_air",
            default="Thời gian đưa tin khẩn cấp lên sóng (phút)",
        ),
        "minutes",
        mean("emergency_latency", ("radio",), 60),
        aggregate="mean",
        order=43,
    )
    for order, (level, title) in enumerate(LEVELS, start=50):
        yield Indicator(
            f"approval_hours_{level}",
            _(
                "indicator_approval_hours",
                default="Thời gian duyệt ở cấp ${level} (giờ)",
                mapping={"level": title},
            ),
            "hours",
            mean("approval", (level,), 3600),
            aggregate="mean",
            order=order,
        )


INDICATORS = tuple(_indicators())
