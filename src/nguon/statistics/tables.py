"""The tables of the statistics pages, built once as ``nguon.documents.Table`` for both the
page (rendered cell by cell with Vietnamese number formats) and the CSV download
(``nguon.documents.to_csv``). A ``Listed`` table carries, beside its rows, the address each
row's first cell links to.

Percentages arrive from the ledger as 0–100 and go into the tables as ratios (0.985), as the
documents' ``percent`` columns expect.
"""

from dataclasses import dataclass
from datetime import datetime
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.vocabularies import CHANNELS
from nguon.documents import Column
from nguon.documents import Table
from nguon.documents.model import COUNT
from nguon.documents.model import DATE
from nguon.documents.model import HOURS
from nguon.documents.model import PERCENT
from nguon.documents.numbers import formatted
from nguon.documents.numbers import number
from nguon.ledger.coverage import STATUSES
from nguon.ledger.kinds import kind
from zope.i18n import translate


CHANNEL_TITLES = dict(CHANNELS)
UNIT_SUFFIX = {
    "percent": "%",
    "hours": _("statistics_suffix_hours", default=" giờ"),
    "minutes": _("statistics_suffix_minutes", default=" phút"),
    "count": "",
}
NO_VALUE = _("statistics_no_value", default="Chưa có số liệu")
REFUSED = _("coverage_reason_refused", default="Thiết bị báo không phát được")
MISSING_SHOWN = 5  # pairs named in a gap's row; the item's coverage page names them all


@dataclass
class Listed:
    name: str  # what ?bang= asks for the CSV
    table: Table
    links: list  # per row, the address of its first cell, or None

    def rows(self):
        """``[(link, [(text, numeric)])]`` as the page shows them."""
        return [
            (
                link,
                [
                    (formatted(value, column.kind), column.numeric)
                    for value, column in zip(row, self.table.columns, strict=True)
                ],
            )
            for link, row in zip(self.links, self.table.rows, strict=True)
        ]


def ratio(value):
    return None if value is None else value / 100


def local(iso):
    """A UTC ISO time as Vietnam's wall clock, for a ``date`` column."""
    if not iso:
        return None
    return datetime.fromisoformat(iso).astimezone(LOCAL_ZONE).replace(tzinfo=None)


def shown(value, unit, request):
    """An indicator's value as people read it: ``98,5%``, ``12,3 giờ``, ``1.204``."""
    if value is None:
        return translate(NO_VALUE, context=request)
    decimals = 0 if unit == "count" and float(value).is_integer() else 1
    return number(value, decimals) + translate(UNIT_SUFFIX[unit], context=request)


def _t(message, request):
    return translate(message, context=request)


def indicators_table(stats, request):
    columns = [
        Column("group", _t(_("statistics_col_group", default="Nhóm"), request)),
        Column("title", _t(_("statistics_col_indicator", default="Chỉ số"), request)),
        Column("value", _t(_("statistics_col_value", default="Giá trị"), request)),
    ]
    rows = [
        {
            "group": _t(group.title, request),
            "title": _t(each.title, request),
            "value": shown(value, each.unit, request),
        }
        for group in stats.groups
        for each, value in group.figures
    ]
    title = _("statistics_table_indicators", default="Các chỉ số")
    return Listed(
        "chi-so", Table(_t(title, request), columns, rows), [None] * len(rows)
    )


def _channel_columns(request, suffix):
    return [
        Column(
            f"{value}{suffix}",
            _t(
                _(
                    "statistics_col_channel_percent",
                    default="${channel} (%)",
                    mapping={"channel": _t(title, request)},
                ),
                request,
            ),
            PERCENT,
        )
        for value, title in CHANNELS
    ]


def _overall_column(request):
    return Column(
        "overall",
        _t(_("statistics_col_overall", default="Chung (%)"), request),
        PERCENT,
    )


def children_table(stats, request, link):
    """The units below, worst first; ``link(code)`` is the address of a unit's page."""
    columns = [
        Column("unit", _t(_("statistics_col_unit", default="Đơn vị"), request)),
        _overall_column(request),
        *_channel_columns(request, ""),
        Column(
            "required",
            _t(_("statistics_col_required", default="Lượt phải đến"), request),
            COUNT,
        ),
        Column(
            "delivered",
            _t(_("statistics_col_delivered", default="Lượt đã đến"), request),
            COUNT,
        ),
    ]
    rows = [
        {
            "unit": row.title,
            "overall": ratio(row.overall.percent),
            **{c: ratio(share.percent) for c, share in row.channels.items()},
            "required": row.overall.required,
            "delivered": row.overall.delivered,
        }
        for row in stats.children
    ]
    title = _("statistics_table_children", default="Độ phủ theo đơn vị trực thuộc")
    return Listed(
        "don-vi",
        Table(_t(title, request), columns, rows),
        [link(row.code) for row in stats.children],
    )


def months_table(stats, request):
    columns = [
        Column("month", _t(_("statistics_col_month", default="Tháng"), request)),
        _overall_column(request),
        *_channel_columns(request, ""),
        Column(
            "published",
            _t(_("statistics_col_published", default="Tin xuất bản"), request),
            COUNT,
        ),
        Column(
            "radio_hours",
            _t(_("statistics_col_radio_hours", default="Giờ phát thanh"), request),
            HOURS,
        ),
        Column(
            "board_hours",
            _t(_("statistics_col_board_hours", default="Giờ trình chiếu"), request),
            HOURS,
        ),
    ]
    rows = [
        {
            "month": month_label(month.month),
            "overall": ratio(month.overall.percent),
            **{c: ratio(share.percent) for c, share in month.channels.items()},
            "published": month.published,
            "radio_hours": month.radio_hours,
            "board_hours": month.board_hours,
        }
        for month in stats.months
    ]
    title = _("statistics_table_months", default="Theo tháng")
    return Listed(
        "theo-thang", Table(_t(title, request), columns, rows), [None] * len(rows)
    )


def month_label(month):
    """``2026-11`` as ``11/2026``."""
    year, month_number = month.split("-")
    return f"{month_number}/{year}"


def _missing_text(missing, request):
    """``Phường Vỹ Dạ – Đài truyền thanh: <what the device reported>``."""
    channel = _t(CHANNEL_TITLES.get(missing.channel, missing.channel), request)
    text = f"{missing.unit_title} – {channel}"
    if missing.failure is not None:
        message = missing.failure[3] or _t(REFUSED, request)
        text += f": {message}"
    return text


def gaps_table(gaps, request, link):
    """The gaps, worst first; ``link(gap)`` is the address of the item's coverage, where
    each missing pair says why."""
    columns = [
        Column("item", _t(_("statistics_col_item", default="Tin thiết yếu"), request)),
        Column(
            "published",
            _t(_("statistics_col_published_at", default="Xuất bản lúc"), request),
            DATE,
        ),
        Column(
            "emergency", _t(_("statistics_col_emergency", default="Khẩn cấp"), request)
        ),
        Column(
            "failed",
            _t(_("statistics_col_reported", default="Thiết bị báo lỗi"), request),
            COUNT,
        ),
        Column(
            "missing_count",
            _t(_("statistics_col_missing_count", default="Lượt chưa đến"), request),
            COUNT,
        ),
        Column(
            "missing",
            _t(
                _("statistics_col_missing", default="Nơi nhận và kênh còn thiếu"),
                request,
            ),
        ),
    ]
    yes = _t(_("statistics_yes", default="Có"), request)
    rows = []
    for gap in gaps.worst:
        named = [_missing_text(m, request) for m in gap.missing[:MISSING_SHOWN]]
        if len(gap.missing) > MISSING_SHOWN:
            named.append(
                _t(
                    _(
                        "statistics_more_pairs",
                        default="và ${count} nơi khác",
                        mapping={"count": len(gap.missing) - MISSING_SHOWN},
                    ),
                    request,
                )
            )
        rows.append(
            {
                "item": gap.facts.get("title", gap.item),
                "published": local(gap.facts.get("published")),
                "emergency": yes if gap.emergency else "",
                "failed": gap.failed,
                "missing_count": len(gap.missing),
                "missing": "; ".join(named),
            }
        )
    title = _("statistics_table_gaps", default="Lỗ hổng cần xử lý")
    return Listed(
        "lo-hong",
        Table(_t(title, request), columns, rows),
        [link(gap) for gap in gaps.worst],
    )


def proof_title(proof, request):
    """What kind of record proved a delivery (a station's as-run, a board's proof of play),
    its name when the kind is no longer registered."""
    if not proof:
        return ""
    try:
        return _t(kind(proof["kind"]).title, request)
    except LookupError:
        return proof["kind"]


def coverage_table(cover, request):
    """Every target unit × required channel of one item, worst first."""
    columns = [
        Column("unit", _t(_("statistics_col_unit", default="Đơn vị"), request)),
        Column("channel", _t(_("statistics_col_channel", default="Kênh"), request)),
        Column("status", _t(_("statistics_col_status", default="Tình trạng"), request)),
        Column("reason", _t(_("statistics_col_reason", default="Lý do"), request)),
        Column("since", _t(_("statistics_col_since", default="Từ lúc"), request), DATE),
        Column("proof", _t(_("statistics_col_proof", default="Bằng chứng"), request)),
        Column(
            "device",
            _t(_("statistics_col_device", default="Thiết bị ghi nhận"), request),
        ),
    ]
    rows = [
        {
            "unit": pair.unit_title,
            "channel": _t(CHANNEL_TITLES.get(pair.channel, pair.channel), request),
            "status": _t(STATUSES[pair.status], request),
            "reason": _t(pair.reason, request) if pair.reason else "",
            "since": local(pair.since),
            "proof": proof_title(pair.proof, request),
            "device": (pair.proof or {}).get("device_title", ""),
        }
        for pair in cover.pairs
    ]
    title = _("statistics_table_coverage", default="Độ phủ theo nơi nhận và kênh")
    return Listed(
        "do-phu", Table(_t(title, request), columns, rows), [None] * len(rows)
    )
