"""Reports up: a province's signed-off reports roll up to central over the link
(docs/federation.md).

**On the province** (``send``): every report of the link's unit that its approver signed
off (``nguon.reports``) and central has not taken in that version is POSTed to
``<central>/@federation-reports``, signed like a push (``X-Hub-Signature`` over the body with
the link's secret, ``sent`` within the window): ``{"subscription", "sent", "report": {"unit",
"form", "period", "values", "children", "signed": {"at"}, "history"}}`` with the unit by
central's code for it.

**On central** (``take``): the subscription must exist, its secret verify the body and
``sent`` lie within the window; the report's unit must be the subscription's unit, its
form one that unit's level reports, its period one of the form's. It is stored in central's
report store as that unit's report, signed off (``by`` names the link, ``at`` the province's
time) with a history line saying it came by federation, so central's own report for the
level above adds the provinces' figures up with ``reports.aggregate`` as it does for units
of its own site. A report central's own people made for that unit is never overwritten
(409); a newer version from the province replaces an older one; the same version again
changes nothing.
"""

from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.federation import upward
from nguon.federation.inbox import envelope
from nguon.federation.inbox import MALFORMED
from nguon.federation.inbox import Refused
from nguon.federation.inbox import sender
from nguon.reports import lifecycle
from nguon.reports.store import Report
from nguon.reports.store import SIGNED
from nguon.reports.store import storage as report_store
from nguon.units.tree import find_unit

import time


BY = "federation:"  # who signed a report that came by federation: BY + subscription id
OWN_REPORT = _(
    "federation_error_own_report",
    default="Trang này đã có báo cáo do chính đơn vị lập cho kỳ này; báo cáo gửi lên không ghi đè.",
)
NOT_ITS_UNIT = _(
    "federation_error_report_unit",
    default="Báo cáo không phải của đơn vị thuộc đăng ký này.",
)


def _json(value):
    """``value`` as plain JSON data (persistent mappings and lists, datetimes as ISO)."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or hasattr(value, "append"):
        return [_json(v) for v in value]
    return value


# -- the province ---------------------------------------------------------------------


def send(portal, link, now=None):
    """POST the signed-off reports of the link's unit central has not taken; returns how
    many it took. Raises ``outbound.CallFailed`` or ``UserError`` (the address)."""
    store = report_store(portal)
    if store is None:
        return 0
    now = now or time.time()
    taken = 0
    for report in store.of_unit(link.local_unit):
        if report.state != SIGNED or not report.signed:
            continue
        version = (report.form, report.period, _json(report.signed["at"]))
        if version in link.reports_sent:
            continue
        status = upward.post(
            link,
            "@federation-reports",
            {
                "report": {
                    "unit": link.unit_code,
                    "form": report.form,
                    "period": report.period,
                    "values": _json(report.values),
                    "children": _json(report.children),
                    "signed": {"at": version[2]},
                    "history": _json(report.history),
                },
            },
            now,
        )
        if status != 200:
            link.note(status="report-failed", code=status, form=report.form)
            continue
        link.reports_sent.insert(version)
        link.note(status="report-sent", form=report.form, period=report.period)
        taken += 1
    return taken


# -- central --------------------------------------------------------------------------


def take(portal, body, signature, now=None):
    """Store a province's signed report; returns ``{"stored": True|False}`` (False: the
    same version was there) or raises ``inbox.Refused``."""
    now = now if now is not None else time.time()
    try:
        data, sid, sent = envelope(body)
        sent_report = data["report"]
        unit_code = str(sent_report["unit"])
        form_key, period_id = str(sent_report["form"]), str(sent_report["period"])
        signed_at = datetime.fromisoformat(sent_report["signed"]["at"])
        if signed_at.tzinfo is None:
            signed_at = signed_at.replace(tzinfo=UTC)
        values = dict(sent_report["values"])
    except (ValueError, KeyError, TypeError, AttributeError):
        raise Refused(400, MALFORMED) from None
    subscription = sender(portal, sid, sent, body, signature, now)
    unit = find_unit(unit_code)
    if unit is None or unit_code != subscription.unit_code:
        raise Refused(403, NOT_ITS_UNIT)
    try:
        form, period = lifecycle.form_and_period(unit, form_key, period_id)
    except lifecycle.Refused as refused:
        raise Refused(400, refused.message) from None
    store = report_store(portal)
    existing = store.get(unit_code, form.key, period.id)
    by = BY + sid
    if existing is not None:
        if not (existing.signed or {}).get("by", "").startswith(BY):
            raise Refused(409, OWN_REPORT)
        if existing.signed["at"] >= signed_at:
            return {"stored": False}
    report = Report(unit_code, form.key, period.id, signed_at, by)
    for key, value in values.items():
        if isinstance(value, dict):
            report.values[str(key)] = {
                "value": value.get("value"),
                "source": str(value.get("source") or ""),
                "remark": str(value.get("remark") or "")[:500],
            }
    children = sent_report.get("children")
    report.children = children if isinstance(children, dict) else None
    report.state = SIGNED
    report.signed = {"by": by, "at": signed_at}
    report.log(
        "federation", by, datetime.fromtimestamp(now, UTC), subscription.callback
    )
    store.reports[report.key] = report
    return {"stored": True}
