"""A report as people read it, one dict for the pages, the REST service and the exports:
figures with their label, value, where the value came from and the remark, the units below
with their state, and the history, every word translated for the request."""

from datetime import timedelta
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.reports import lifecycle
from nguon.reports.forms import active_forms
from nguon.reports.store import AGGREGATED
from nguon.reports.store import DRAFT
from nguon.reports.store import ENTERED
from nguon.reports.store import SIGNED
from nguon.reports.store import SUBMITTED
from nguon.reports.store import SYSTEM
from zope.i18n import translate


SOURCES = {
    SYSTEM: _("reports_source_system", default="Hệ thống"),
    ENTERED: _("reports_source_entered", default="Đơn vị nhập"),
    AGGREGATED: _("reports_source_aggregated", default="Tổng hợp cấp dưới"),
}
STATES = {
    DRAFT: _("reports_state_draft", default="Đang soạn"),
    SUBMITTED: _("reports_state_submitted", default="Đã nộp, chờ ký duyệt"),
    SIGNED: _("reports_state_signed", default="Đã ký duyệt"),
    lifecycle.MISSING: _("reports_state_missing", default="Chưa lập"),
}
UNITS = {
    "count": "",
    "percent": "%",
    "hours": _("reports_unit_hours", default="giờ"),
    "minutes": _("reports_unit_minutes", default="phút"),
    "text": "",
}
ACTIONS = {
    "create": _("reports_action_create", default="Lập báo cáo"),
    "refresh": _("reports_action_refresh", default="Làm mới số liệu hệ thống"),
    "fill": _("reports_action_fill", default="Cập nhật số liệu"),
    "submit": _("reports_action_submit", default="Nộp báo cáo"),
    "sign": _("reports_action_sign", default="Ký duyệt"),
    "reject": _("reports_action_reject", default="Trả lại"),
    # a province's signed report that arrived at central (nguon.federation.rollup)
    "federation": _(
        "reports_action_federation", default="Nhận từ trang cấp dưới qua liên thông"
    ),
}


def when(moment):
    """A stored moment (UTC) at Vietnam's wall-clock time, as a reader writes it."""
    return moment.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M") if moment else ""


def _t(message, request):
    return translate(message, context=request) if message else ""


def state_title(state, request):
    return _t(STATES[state], request)


def child_rows(rows, request):
    """The units below as the province reads them: code, name, address, state, late,
    signed."""
    return [
        {
            "code": row["code"],
            "title": row["title"],
            "url": row["unit"].absolute_url(),
            "state": row["state"],
            "state_title": state_title(row["state"], request),
            "late": row["late"],
            "signed": row["signed"],
        }
        for row in rows
    ]


def overview(portal, unit, user, request, form_key=None, period_id=None):
    """Per form the unit reports (only ``form_key`` when given): the period due (or
    ``period_id``), its deadline, the unit's own state and its units' states, late ones
    listed; what ``@@bao-cao`` and ``GET @reports`` show. Refused as ``lifecycle`` refuses."""
    reports = lifecycle.unit_reports(portal, unit, user)
    states = {(r.form, r.period): r.state for r in reports}
    forms = []
    chosen = (
        [lifecycle.form_of(unit, form_key)]
        if form_key
        else active_forms().for_level(unit.level)
    )
    for form in chosen:
        period = (
            lifecycle.form_and_period(unit, form.key, period_id)[1]
            if form_key and period_id
            else form.due_period()
        )
        state = states.get((form.key, period.id), lifecycle.MISSING)
        children = child_rows(
            lifecycle.children_status(portal, unit, form, period), request
        )
        forms.append(
            {
                "form": form.key,
                "title": form.title,
                "period_kind": form.period_kind,
                "period": period.id,
                "start": period.start,
                "end": period.end,
                "deadline": form.deadline(period),
                "last_day": form.deadline(period).date() - timedelta(days=1),
                "state": state,
                "state_title": state_title(state, request),
                "children": children,
                "late": [row["code"] for row in children if row["late"]],
            }
        )
    return forms


def describe(portal, unit, report, request):
    form, period = lifecycle.form_and_period(unit, report.form, report.period)
    summary = lifecycle.summary_of(portal, unit, report)
    children = (summary or {}).get("values", {})
    figures = []
    for figure in form.figures_for(unit.level):
        entry = report.values.get(figure.key, {})
        figures.append(
            {
                "key": figure.key,
                "label": figure.label,
                "unit": figure.unit,
                "unit_title": _t(UNITS[figure.unit], request),
                "manual": figure.manual,
                "aggregate": figure.aggregate,
                "value": entry.get("value"),
                "source": entry.get("source"),
                "source_title": _t(SOURCES.get(entry.get("source")), request),
                "remark": entry.get("remark", ""),
                "children": children.get(figure.key),
            }
        )
    deadline = form.deadline(period)
    return {
        "unit": unit.code,
        "unit_title": unit.Title(),
        "form": form.key,
        "form_title": form.title,
        "period": period.id,
        "start": period.start,
        "end": period.end,
        "deadline": deadline,
        "late": report.state != SIGNED and lifecycle.now() >= deadline,
        "state": report.state,
        "state_title": state_title(report.state, request),
        "comment": report.comment,
        "created": report.created,
        "creator": report.creator,
        "signed": report.signed,
        "figures": figures,
        "children": (
            None
            if summary is None
            else {
                "included": summary["included"],
                "missing": summary["missing"],
                "late": summary["late"],
            }
        ),
        "history": [
            {**step, "title": _t(ACTIONS[step["action"]], request)}
            for step in report.history
        ],
    }
