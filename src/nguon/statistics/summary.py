"""One unit's statistics for one period: the registered indicators in their groups, the
coverage of the units below, the months, and the gaps to act on. The page (``browser``) and
``@statistics`` (``nguon.restapi.statistics``) both read a ``Statistics``.

Indicators are grouped by their ``order`` (``nguon.ledger.indicators``): 10s coverage of
essential information, 20s items published, 30s hours aired and shown, 40s time to air and to
screen and emergencies, 50s approval per level, 60s and 70s devices (radio stations,
public boards); any other order falls under "other figures". A capability that registers
indicators picks their group by their order and appears here without a change to this
package.
"""

from dataclasses import dataclass
from nguon import _
from nguon.errors import UserError
from nguon.ledger.indicators import figures
from nguon.ledger.indicators import indicator
from nguon.ledger.indicators import indicators
from nguon.statistics import breakdown
from nguon.statistics.gaps import area_gaps
from nguon.statistics.gaps import LIMIT


GROUPS = (  # (first order, order after the last, key, title)
    (
        10,
        20,
        "coverage",
        _("statistics_group_coverage", default="Độ phủ tin thiết yếu"),
    ),
    (20, 30, "published", _("statistics_group_published", default="Tin đã xuất bản")),
    (
        30,
        40,
        "hours",
        _("statistics_group_hours", default="Thời lượng phát thanh và trình chiếu"),
    ),
    (
        40,
        50,
        "timeliness",
        _("statistics_group_timeliness", default="Thời gian đưa tin, tin khẩn cấp"),
    ),
    (
        50,
        60,
        "approval",
        _("statistics_group_approval", default="Thời gian duyệt theo cấp"),
    ),
    (60, 80, "devices", _("statistics_group_devices", default="Thiết bị")),
)
OTHER = ("other", _("statistics_group_other", default="Chỉ số khác"))


def group_of(found):
    """``(key, title)`` of the group an indicator stands in."""
    return next(
        ((key, title) for low, high, key, title in GROUPS if low <= found.order < high),
        OTHER,
    )


def chosen(names=None):
    """The indicators ``names`` (every registered one when None or empty), in page order;
    an unknown name is a ``UserError``."""
    if not names:
        return indicators()
    found = []
    for name in names:
        known = indicator(name)
        if known is None:
            raise UserError(
                _(
                    "statistics_error_indicator",
                    default="Không có chỉ số «${name}». Các chỉ số: ${names}.",
                    mapping={
                        "name": str(name)[:60],
                        "names": ", ".join(i.name for i in indicators()),
                    },
                )
            )
        if known not in found:
            found.append(known)
    return sorted(found, key=lambda i: (i.order, i.name))


@dataclass
class Group:
    key: str
    title: object
    figures: list  # (Indicator, value)


@dataclass
class Statistics:
    unit: object
    period: object  # nguon.statistics.periods.Period
    figures: list  # (Indicator, value) in page order
    children: list  # breakdown.UnitCoverage, worst first
    months: list  # breakdown.Month
    gaps: object  # gaps.Gaps

    @property
    def groups(self):
        found = {}
        for each, value in self.figures:
            key, title = group_of(each)
            found.setdefault(key, Group(key, title, [])).figures.append((each, value))
        return list(found.values())


def gather(portal, unit, period, names=None, gaps_limit=LIMIT):
    """The ``Statistics`` of ``unit``'s area over ``period``."""
    wanted = chosen(names)
    values = figures(portal, unit, period.start, period.end, [i.name for i in wanted])
    return Statistics(
        unit,
        period,
        [(each, values[each.name]) for each in wanted],
        breakdown.children(portal, unit.code, period.start, period.end),
        breakdown.monthly(portal, unit.code, period.months()),
        area_gaps(portal, unit.code, period.start, period.end, gaps_limit),
    )
