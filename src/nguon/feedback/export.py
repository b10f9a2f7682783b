"""``xu-ly-phan-anh-xuat``: the anonymised export of a unit's reports, the only export of
citizens' reports that leaves the unit (CSV, UTF-8 with a BOM so that Excel opens Vietnamese
text, or XLSX: ``?format=csv|xlsx``; ``start`` and ``end``, ISO dates, keep the reports
received from ``start`` up to ``end`` included).

Which reports: those handled by the unit and by every unit below it whose reports the
official may handle (``access.can_handle_unit``: a province's approvers export their
communes' too, a province's editor only the province's own), read from the desks' queues
of those units (``FeedbackStore.queue``, open and finished), never from the whole store.
A report counts where it is handled now (forwarded, it goes with its handler).

What a row carries (``COLUMNS``): the number, the category, the commune where it happened
(code and name; never the point on the map or the address), the handling unit, the days
received, due and closed (days, not times), the state, whether it was answered on time,
whether it was escalated, the rating, and the text as scrubbed for publication
(``privacy.scrub_text``). Never the text as written, the contact, the point, the address,
the photos, the assignee or any note: the export leaves the unit, and once it has left
nobody can take it back.

A report of a category that is never published (about an official, for instance) is in the
export with its scrubbed text: it is the unit's own data, and the figures would not add up
without it. A report an official hid from the public (abuse, or personal data the scrubbing
missed) is in it without its text: whatever made it unfit to publish makes it unfit to
leave the unit.
"""

from datetime import date
from datetime import datetime
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.documents import Column
from nguon.documents import Document
from nguon.documents import Labels
from nguon.documents import Section
from nguon.documents import Table
from nguon.documents import to_csv
from nguon.documents import to_xlsx
from nguon.documents.model import COUNT
from nguon.documents.model import DATE
from nguon.feedback.access import can_handle_unit
from nguon.feedback.desk import STATES
from nguon.feedback.policy import load_policy
from nguon.feedback.store import CLOSED
from nguon.feedback.store import DONE
from nguon.feedback.store import feedback_store
from nguon.feedback.store import OPEN
from nguon.ledger.units import area_codes
from nguon.ledger.units import title_of
from nguon.units.tree import find_unit
from plone import api
from Products.Five import BrowserView
from zExceptions import BadRequest
from zope.i18n import translate


VIEW_NAME = "xu-ly-phan-anh-xuat"
TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = (  # (key, kind, title)
    ("id", "text", _("feedback_export_id", default="Số phản ánh")),
    ("category", "text", _("feedback_export_category", default="Lĩnh vực")),
    ("place", "text", _("feedback_export_place", default="Mã xã, phường")),
    ("place_title", "text", _("feedback_export_place_title", default="Xã, phường")),
    ("handler", "text", _("feedback_export_handler", default="Đơn vị xử lý")),
    ("received", DATE, _("feedback_export_received", default="Ngày tiếp nhận")),
    ("due", DATE, _("feedback_export_due", default="Hạn trả lời")),
    ("state", "text", _("feedback_export_state", default="Tình trạng")),
    ("closed", DATE, _("feedback_export_closed", default="Ngày kết thúc")),
    ("on_time", "text", _("feedback_export_on_time", default="Trả lời đúng hạn")),
    ("escalated", "text", _("feedback_export_escalated", default="Chuyển cấp trên")),
    ("rating", COUNT, _("feedback_export_rating", default="Đánh giá (1-5 sao)")),
    (
        "text",
        "text",
        _("feedback_export_text", default="Nội dung (đã che thông tin cá nhân)"),
    ),
)
YES = _("feedback_export_yes", default="Có")
NO = _("feedback_export_no", default="Không")
HIDDEN = _("feedback_export_hidden", default="(Nội dung đã ẩn khỏi công khai)")


def handled_codes(unit):
    """The codes of ``unit`` and of the units below it whose reports the current user
    may handle, ``unit`` first."""
    below = (code for code in area_codes(unit.code) if code != unit.code)
    return [unit.code] + [code for code in below if can_handle_unit(find_unit(code))]


def reports_of(store, codes, start=None, end=None):
    """The reports on the desks of ``codes`` (open, then finished), received from
    ``start`` up to ``end`` included (local dates; None: no bound), the newest first."""
    found = []
    for code in codes:
        for bucket in (OPEN, DONE):
            for key in store.queue.keys((code, bucket), (code, bucket, "\uffff")):
                report = store.reports.get(key[-1])
                day = _day(report.received) if report is not None else None
                if day is not None and (start or day) <= day <= (end or day):
                    found.append(report)
    return sorted(found, key=lambda report: report.received, reverse=True)


def _day(moment):
    return moment.astimezone(LOCAL_ZONE).date() if moment is not None else None


def row(report, request):
    """One report as the export carries it (see the module's docstring)."""

    def said(message):
        return translate(message, context=request)

    category = load_policy().category(report.category)
    on_time = None
    if report.state == CLOSED and report.closed_at and report.due:
        on_time = said(YES if report.closed_at <= report.due else NO)
    return {
        "id": report.id,
        "category": category.title if category else report.category,
        "place": report.place,
        "place_title": title_of(report.place),
        "handler": title_of(report.handler),
        "received": _day(report.received),
        "due": _day(report.due),
        "state": said(STATES.get(report.state, report.state)),
        "closed": _day(report.closed_at),
        "on_time": on_time,
        "escalated": said(YES if report.escalated_at else NO),
        "rating": report.rating,
        "text": said(HIDDEN) if report.hidden_reason else report.public_text,
    }


def table(reports, request):
    columns = [
        Column(key, translate(title, context=request), kind)
        for key, kind, title in COLUMNS
    ]
    title = _("feedback_export_title", default="Phản ánh, kiến nghị của người dân")
    return Table(
        translate(title, context=request),
        columns,
        [row(report, request) for report in reports],
    )


class FeedbackExport(BrowserView):
    """The export of the unit in context (the view's permission is the one to handle
    feedback on the unit)."""

    def __call__(self):
        fmt = self.request.form.get("format", "xlsx")
        if fmt not in TYPES:
            raise BadRequest("format")
        start, end = self._bound("start"), self._bound("end")
        store = feedback_store(api.portal.get())
        reports = (
            reports_of(store, handled_codes(self.context), start, end) if store else []
        )
        found = table(reports, self.request)
        if fmt == "csv":
            data = to_csv(found)
        else:
            data = to_xlsx(self._document(found, start, end))
        response = self.request.response
        response.setHeader("Content-Type", TYPES[fmt])
        response.setHeader(
            "Content-Disposition",
            f'attachment; filename="phan-anh-{self.context.code}.{fmt}"',
        )
        response.setHeader("Cache-Control", "private, no-store")
        return data

    def _bound(self, name):
        value = self.request.form.get(name)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise BadRequest(name) from None

    def _document(self, found, start, end):
        period = " – ".join(
            day.strftime("%d/%m/%Y") if day else "…" for day in (start, end)
        )
        subtitle = _("feedback_export_subtitle", default="Bản xuất đã ẩn danh")
        made = _(
            "feedback_export_made",
            default="Xuất từ hệ thống ngày ${date}.",
            mapping={"date": datetime.now(LOCAL_ZONE).strftime("%d/%m/%Y")},
        )
        return Document(
            found.title,
            translate(subtitle, context=self.request),
            self.context.Title(),
            period if start or end else "",
            [Section(found.title, [found])],
            # not a report to sign: where a report says it is a draft, say when it was made
            labels=Labels(unsigned=translate(made, context=self.request)),
        )
