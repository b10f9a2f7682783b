"""A report's life for one unit × form × period, the one way in for the pages and the REST
service (same checks, same messages):

created (pre-filled) → filled (manual figures only) → submitted → signed off (immutable),
or sent back by the approver with a comment (a draft again).

System figures come from the ledger's indicators (``nguon.ledger.indicators.figures``) at
the moment the report is created or refreshed; they cannot be typed over: a unit that
disagrees says why in the figure's remark, which travels with the report. A unit with units
below it also sees what they signed off, added up per figure (``aggregate``), and its manual
figures are pre-filled from that sum until it types its own.
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.errors import UserError
from nguon.ledger.indicators import figures as indicator_figures
from nguon.reports import access
from nguon.reports.aggregate import combine
from nguon.reports.forms import active_forms
from nguon.reports.periods import PeriodError
from nguon.reports.store import AGGREGATED
from nguon.reports.store import DRAFT
from nguon.reports.store import ENTERED
from nguon.reports.store import Report
from nguon.reports.store import SIGNED
from nguon.reports.store import storage
from nguon.reports.store import SUBMITTED
from nguon.reports.store import SYSTEM
from nguon.units.tree import UNIT_TYPE
from plone import api
from zope.i18n import translate


MISSING = "missing"  # a child's status when it has no report for the period


class Refused(UserError):
    """The step cannot be done; ``kind`` says how a service answers it: ``forbidden``,
    ``invalid`` or ``missing``."""

    def __init__(self, kind, message):
        super().__init__(message)
        self.kind = kind

    def __str__(self):
        return translate(self.message, target_language="vi")  # for logs and tests


def _forbidden():
    return Refused(
        "forbidden",
        _(
            "reports_error_forbidden",
            default="Bạn không có quyền thực hiện việc này với báo cáo của đơn vị này.",
        ),
    )


def now():
    """Now, in UTC: what reports store (a ZoneInfo does not pickle in the ZODB)."""
    return datetime.now(UTC)


def form_of(unit, form_key):
    """The form ``form_key`` if the unit's level reports it; Refused otherwise."""
    form = active_forms().get(form_key)
    if form is None or unit.level not in form.levels:
        raise Refused(
            "missing",
            _(
                "reports_error_form",
                default="Đơn vị cấp này không có biểu mẫu báo cáo «${form}».",
                mapping={"form": form_key},
            ),
        )
    return form


def form_and_period(unit, form_key, period_id):
    """The form (reported at the unit's level) and the period; Refused when either is not."""
    form = form_of(unit, form_key)
    try:
        return form, form.period(period_id)
    except PeriodError:
        raise Refused(
            "invalid",
            _(
                "reports_error_period",
                default="«${period}» không phải là một kỳ báo cáo của biểu mẫu này.",
                mapping={"period": period_id},
            ),
        ) from None


def child_units(unit, form):
    """The units directly below ``unit`` that report ``form``, by code."""
    brains = api.content.find(
        context=unit, depth=1, portal_type=UNIT_TYPE, unrestricted=True
    )
    units = (brain._unrestrictedGetObject() for brain in brains)
    return sorted((u for u in units if u.level in form.levels), key=lambda u: u.code)


def children_status(portal, unit, form, period, at=None):
    """For every unit below: its report's state (``missing`` when none), whether it is late
    (deadline passed, not signed) and when it was signed."""
    at = at or now()
    store = storage(portal)
    late = at >= form.deadline(period)
    rows = []
    for child in child_units(unit, form):
        report = store.get(child.code, form.key, period.id) if store else None
        state = report.state if report is not None else MISSING
        rows.append(
            {
                "code": child.code,
                "title": child.Title(),
                "unit": child,
                "state": state,
                "late": late and state != SIGNED,
                "signed": report.signed if report is not None else None,
                "report": report,
            }
        )
    return rows


def children_summary(portal, unit, form, period, at=None):
    """What the units below signed off, added up per figure; which are included and which
    are missing (None for a unit with nobody below it)."""
    rows = children_status(portal, unit, form, period, at)
    if not rows:
        return None
    signed = [row["report"] for row in rows if row["state"] == SIGNED]
    values = {
        figure.key: combine(
            figure.aggregate,
            [report.values.get(figure.key, {}).get("value") for report in signed],
        )
        for figure in form.figures_for(unit.level)
    }
    return {
        "values": values,
        "included": [row["code"] for row in rows if row["state"] == SIGNED],
        "missing": [row["code"] for row in rows if row["state"] != SIGNED],
        "late": [row["code"] for row in rows if row["late"]],
    }


def summary_of(portal, unit, report, at=None):
    """What the units below contributed: frozen in a signed report, live before."""
    if report.state == SIGNED:
        return report.children
    form, period = form_and_period(unit, report.form, report.period)
    return children_summary(portal, unit, form, period, at)


def _prefill(portal, unit, form, period, report, at):
    """(Re)compute the system figures, the children's sum and the manual figures still taken
    from it; what the unit typed stays."""
    figures = form.figures_for(unit.level)
    names = [f.indicator for f in figures if f.indicator]
    computed = indicator_figures(portal, unit, period.start, period.end, names=names)
    summary = children_summary(portal, unit, form, period, at)
    report.children = summary
    for figure in figures:
        old = report.values.get(figure.key, {})
        remark = old.get("remark", "")
        if figure.indicator:
            value, source = computed.get(figure.indicator), SYSTEM
        elif old.get("source") == ENTERED:
            continue
        elif summary is not None and summary["values"].get(figure.key) is not None:
            value, source = summary["values"][figure.key], AGGREGATED
        else:
            value, source = None, None
        report.values[figure.key] = {"value": value, "source": source, "remark": remark}


def get(portal, unit, form_key, period_id, user):
    """The report, for someone who may read it; Refused otherwise or when there is none."""
    form, period = form_and_period(unit, form_key, period_id)
    store = storage(portal)
    report = store.get(unit.code, form.key, period.id) if store else None
    if report is None:
        if not access.may_read_list(user, unit):
            raise _forbidden()
        raise Refused(
            "missing",
            _(
                "reports_error_missing",
                default="Đơn vị chưa lập báo cáo này.",
            ),
        )
    if not access.may_read(user, unit, report):
        raise _forbidden()
    return report


def create(portal, unit, form_key, period_id, user, at=None):
    """A new draft, pre-filled now; only the unit's editors and admins make one."""
    at = at or now()
    form, period = form_and_period(unit, form_key, period_id)
    if not access.may_fill(user, unit):
        raise _forbidden()
    if period.start > at.astimezone(LOCAL_ZONE).date():
        raise Refused(
            "invalid",
            _(
                "reports_error_future",
                default="Kỳ báo cáo ${period} chưa bắt đầu.",
                mapping={"period": period.id},
            ),
        )
    store = storage(portal)
    if store.get(unit.code, form.key, period.id) is not None:
        raise Refused(
            "invalid",
            _(
                "reports_error_exists",
                default="Báo cáo kỳ ${period} của đơn vị đã được lập.",
                mapping={"period": period.id},
            ),
        )
    report = Report(unit.code, form.key, period.id, at, user.getId())
    _prefill(portal, unit, form, period, report, at)
    report.log("create", user.getId(), at)
    return store.add(report)


def _editable(unit, report, user):
    if not access.may_fill(user, unit):
        raise _forbidden()
    if report.state != DRAFT:
        raise Refused(
            "invalid",
            _(
                "reports_error_not_draft",
                default="Báo cáo đã nộp hoặc đã ký duyệt, không thể sửa.",
            ),
        )


def refresh(portal, unit, report, user, at=None):
    """Recompute the system figures and the children's sum of a draft."""
    at = at or now()
    _editable(unit, report, user)
    form, period = form_and_period(unit, report.form, report.period)
    _prefill(portal, unit, form, period, report, at)
    report.log("refresh", user.getId(), at)


def fill(unit, report, user, values=None, remarks=None, at=None):
    """Type manual figures (``values``: key → text typed) and remarks on any figure."""
    at = at or now()
    _editable(unit, report, user)
    form, _period = form_and_period(unit, report.form, report.period)
    figures = {f.key: f for f in form.figures_for(unit.level)}
    for key in set(values or ()) | set(remarks or ()):
        if key not in figures:
            raise Refused(
                "invalid",
                _(
                    "reports_error_figure",
                    default="Biểu mẫu không có chỉ tiêu «${figure}».",
                    mapping={"figure": key},
                ),
            )
    changed = {}
    for key, raw in (values or {}).items():
        figure = figures[key]
        if not figure.manual:
            raise Refused(
                "invalid",
                _(
                    "reports_error_system_figure",
                    default="«${label}» do hệ thống tính, không nhập tay được; hãy làm mới số liệu hoặc ghi giải trình vào ô ghi chú.",
                    mapping={"label": figure.label},
                ),
            )
        try:
            changed[key] = {"value": figure.parse(raw), "source": ENTERED}
        except ValueError:
            raise Refused(
                "invalid",
                _(
                    "reports_error_value",
                    default="«${value}» không phải là giá trị hợp lệ cho «${label}».",
                    mapping={"value": raw, "label": figure.label},
                ),
            ) from None
    for key, remark in (remarks or {}).items():
        changed.setdefault(key, {})["remark"] = (remark or "").strip()
    for key, change in changed.items():
        report.values[key] = {
            **report.values.get(key, {"value": None, "source": None, "remark": ""}),
            **change,
        }
    report.log("fill", user.getId(), at)


def submit(unit, report, user, at=None):
    """Send the draft to the unit's approver; every manual number must be filled."""
    at = at or now()
    _editable(unit, report, user)
    form, _period = form_and_period(unit, report.form, report.period)
    empty = [
        figure.label
        for figure in form.figures_for(unit.level)
        if figure.unit != "text"
        and report.values.get(figure.key, {}).get("value") is None
        and figure.manual
    ]
    if empty:
        raise Refused(
            "invalid",
            _(
                "reports_error_empty",
                default="Chưa điền: ${figures}.",
                mapping={"figures": "; ".join(empty)},
            ),
        )
    report.state = SUBMITTED
    report.log("submit", user.getId(), at)


def _waiting(unit, report, user):
    if not access.may_sign(user, unit):
        raise _forbidden()
    if report.state != SUBMITTED:
        raise Refused(
            "invalid",
            _(
                "reports_error_not_submitted",
                default="Chỉ ký duyệt hoặc trả lại báo cáo đã nộp.",
            ),
        )


def sign(portal, unit, report, user, at=None):
    """The unit's approver signs off: the report (and what the units below had signed by
    then) is frozen and the units above see it."""
    at = at or now()
    _waiting(unit, report, user)
    form, period = form_and_period(unit, report.form, report.period)
    report.children = children_summary(portal, unit, form, period, at)
    report.state = SIGNED
    report.signed = {"by": user.getId(), "at": at}
    report.comment = ""
    report.log("sign", user.getId(), at)


def reject(unit, report, user, comment, at=None):
    """The unit's approver sends it back to a draft, saying why."""
    at = at or now()
    _waiting(unit, report, user)
    if not (comment or "").strip():
        raise Refused(
            "invalid",
            _(
                "reports_error_comment",
                default="Cần ghi lý do khi trả lại báo cáo.",
            ),
        )
    report.state = DRAFT
    report.comment = comment.strip()
    report.log("reject", user.getId(), at, report.comment)


def unit_reports(portal, unit, user):
    """The unit's own reports, for its people."""
    if not access.may_read_list(user, unit):
        raise _forbidden()
    store = storage(portal)
    reports = store.of_unit(unit.code) if store else []
    return [r for r in reports if access.may_read(user, unit, r)]
