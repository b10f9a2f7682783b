"""A report as a ``nguon.documents.Document``, for the XLSX, PDF and CSV downloads.

The figures are split into one table per kind of value (counts, percentages, durations,
text) so that each column has one kind and the spreadsheet keeps real numbers; counts get a
bar chart. A unit with units below it gets their table too: each unit's state, when it
was signed, and whether it is late. A report not yet signed is marked as a draft.
"""

from datetime import timedelta
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.documents import Chart
from nguon.documents import Column
from nguon.documents import Document
from nguon.documents import Section
from nguon.documents import Table
from nguon.documents.model import COUNT
from nguon.documents.model import DATE
from nguon.documents.model import TEXT
from nguon.reports import lifecycle
from nguon.reports import present
from nguon.reports.store import SIGNED
from plone.api.user import get as get_user
from zope.i18n import translate


# (title, the figure unit it holds: also the kind of its value columns)
GROUPS = (
    (_("reports_table_counts", default="Số lượng"), ("count",)),
    (_("reports_table_percent", default="Tỷ lệ"), ("percent",)),
    (_("reports_table_hours", default="Thời lượng (giờ)"), ("hours",)),
    (_("reports_table_minutes", default="Thời gian (phút)"), ("minutes",)),
    (_("reports_table_text", default="Đánh giá, kiến nghị"), ("text",)),
)
FORMATS = ("xlsx", "pdf", "csv")


def _person(userid):
    user = get_user(userid=userid) if userid else None
    return (user.getProperty("fullname") or userid) if user is not None else userid


def _local(moment):
    """A stored moment (UTC) at Vietnam's wall-clock time, as the documents show it."""
    return moment.astimezone(LOCAL_ZONE) if moment else None


def _value(figure):
    value = figure["value"]
    if figure["unit"] == "percent" and value is not None:
        return value / 100  # the documents carry a percentage as its ratio
    return value


def _figures_table(t, title, figures, kind, with_children):
    columns = [
        Column("label", t(_("reports_column_figure", default="Chỉ tiêu"))),
        Column("unit", t(_("reports_column_unit", default="Đơn vị tính"))),
        Column("value", t(_("reports_column_value", default="Giá trị")), kind),
    ]
    if with_children and kind != TEXT:
        columns.append(
            Column(
                "children",
                t(_("reports_column_children", default="Tổng hợp cấp dưới")),
                kind,
            )
        )
    columns += [
        Column("source", t(_("reports_column_source", default="Nguồn số liệu"))),
        Column("remark", t(_("reports_column_remark", default="Ghi chú"))),
    ]
    rows = [
        {
            "label": f["label"],
            "unit": f["unit_title"],
            "value": _value(f),
            "children": _value({**f, "value": f["children"]}),
            "source": f["source_title"],
            "remark": f["remark"],
        }
        for f in figures
    ]
    chart = (
        Chart("bar", "label", ["value"], title)
        if kind == COUNT and any(row["value"] for row in rows)
        else None
    )
    return Table(title, columns, rows, chart=chart)


def _children_table(t, portal, unit, report):
    form, period = lifecycle.form_and_period(unit, report.form, report.period)
    rows = lifecycle.children_status(portal, unit, form, period)
    if not rows:
        return None
    return Table(
        t(_("reports_table_children", default="Báo cáo của các đơn vị cấp dưới")),
        [
            Column("code", t(_("reports_column_code", default="Mã đơn vị"))),
            Column("title", t(_("reports_column_unit_name", default="Đơn vị"))),
            Column("state", t(_("reports_column_state", default="Tình trạng"))),
            Column("signed", t(_("reports_column_signed", default="Ngày ký")), DATE),
            Column("late", t(_("reports_column_late", default="Trễ hạn"))),
        ],
        [
            {
                "code": row["code"],
                "title": row["title"],
                "state": present.state_title(row["state"], t.request),
                "signed": _local(row["signed"]["at"]) if row["signed"] else None,
                "late": t(_("reports_late", default="Trễ hạn")) if row["late"] else "",
            }
            for row in rows
        ],
        note=(
            t(
                _(
                    "reports_children_frozen",
                    default="Số liệu tổng hợp tính từ các báo cáo đã ký duyệt khi báo cáo này được ký.",
                )
            )
            if report.state == SIGNED
            else None
        ),
    )


class _Translator:
    def __init__(self, request):
        self.request = request

    def __call__(self, message):
        return translate(message, context=self.request)


def document(portal, unit, report, request):
    """The report as a Document (its tables in the order of ``GROUPS``)."""
    t = _Translator(request)
    described = present.describe(portal, unit, report, request)
    with_children = described["children"] is not None
    tables = []
    for title, (kind,) in GROUPS:
        figures = [f for f in described["figures"] if f["unit"] == kind]
        if figures:
            tables.append(_figures_table(t, t(title), figures, kind, with_children))
    children = _children_table(t, portal, unit, report)
    if children is not None:
        tables.append(children)
    signed = report.signed or {}
    return Document(
        title=described["form_title"],
        subtitle=t(
            _(
                "reports_subtitle",
                default="Từ ngày ${start} đến hết ngày ${end}",
                mapping={
                    "start": described["start"].strftime("%d/%m/%Y"),
                    "end": (described["end"] - timedelta(days=1)).strftime("%d/%m/%Y"),
                },
            )
        ),
        unit=unit.Title(),
        period=described["period"],
        sections=[
            Section(t(_("reports_section_figures", default="Số liệu báo cáo")), tables)
        ],
        signed_by=_person(signed.get("by")),
        signed_at=_local(signed.get("at")),
        notes=((report.comment,) if report.comment else ()),
        place=unit.Title(),
    )


def filename(unit, report, extension):
    return f"bao-cao-{unit.code}-{report.form}-{report.period}.{extension}"
