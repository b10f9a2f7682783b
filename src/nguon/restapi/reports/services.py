"""``@reports`` on a unit (docs/reports.md):

- ``GET @reports[?form=&period=]``: the unit's reports, and per form the period due (or the
  one asked) with the unit's own state and its units' states, late ones marked;
- ``GET @reports/<form>/<period>``: one report;
- ``POST @reports`` ``{"form", "period"}``: create it, pre-filled;
- ``PATCH @reports/<form>/<period>`` ``{"values": {key: value}, "remarks": {key: text}}``;
- ``POST @reports/<form>/<period>/<action>`` with ``refresh``, ``submit``, ``sign`` or
  ``reject`` (``{"comment"}``).

Every check is ``nguon.reports.lifecycle``'s; a refusal is answered in the one error shape.
"""

from nguon import _
from nguon.errors import client_error
from nguon.reports import lifecycle
from nguon.reports import present
from nguon.reports.access import current_user
from nguon.restapi.traversing import PathService
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.serializer.converters import json_compatible
from zExceptions import BadRequest
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.interface import alsoProvides


REFUSALS = {"forbidden": Unauthorized, "invalid": BadRequest, "missing": NotFound}
ACTIONS = ("refresh", "submit", "sign", "reject")


class ReportsService(PathService):
    def render(self):
        try:
            return super().render()
        except lifecycle.Refused as refused:
            raise client_error(REFUSALS[refused.kind], refused, self.request) from None

    @property
    def base(self):
        return f"{self.context.absolute_url()}/@reports"

    def user(self):
        user = current_user()
        if user is None:
            raise client_error(
                Unauthorized,
                _("reports_error_anonymous", default="Cần đăng nhập để xem báo cáo."),
                self.request,
            )
        return user

    def not_found(self):
        return client_error(
            NotFound,
            _(
                "reports_error_address",
                default="Địa chỉ báo cáo không đúng: @reports/<biểu mẫu>/<kỳ>[/<thao tác>].",
            ),
            self.request,
        )

    def report(self, user):
        form, period = self.params[:2]
        return lifecycle.get(api.portal.get(), self.context, form, period, user)

    def one(self, report):
        answer = present.describe(api.portal.get(), self.context, report, self.request)
        answer["@id"] = f"{self.base}/{report.form}/{report.period}"
        return json_compatible(answer)


class ReportsGet(ReportsService):
    def reply(self):
        user = self.user()
        if len(self.params) == 2:
            return self.one(self.report(user))
        if self.params:
            raise self.not_found()
        return self.listing(user)

    def listing(self, user):
        portal = api.portal.get()
        forms = present.overview(
            portal,
            self.context,
            user,
            self.request,
            self.request.form.get("form"),
            self.request.form.get("period"),
        )
        for form in forms:
            for row in form["children"]:
                row["@id"] = (
                    f"{row.pop('url')}/@reports/{form['form']}/{form['period']}"
                )
        reports = lifecycle.unit_reports(portal, self.context, user)
        return json_compatible(
            {
                "@id": self.base,
                "unit": self.context.code,
                "forms": forms,
                "items": [
                    {
                        "@id": f"{self.base}/{r.form}/{r.period}",
                        "form": r.form,
                        "period": r.period,
                        "state": r.state,
                        "state_title": present.state_title(r.state, self.request),
                    }
                    for r in reports
                ],
            }
        )


class ReportsPost(ReportsService):
    def reply(self):
        user = self.user()
        # Token-less API calls authenticate every request, as plone.restapi's own writing
        # services do; the CSRF tokens are for the web forms (nguon.reports.browser).
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_body(self.request) or {}
        portal = api.portal.get()
        if not self.params:
            report = lifecycle.create(
                portal,
                self.context,
                str(body.get("form", "")),
                str(body.get("period", "")),
                user,
            )
            self.request.response.setStatus(201)
            return self.one(report)
        if len(self.params) != 3 or self.params[2] not in ACTIONS:
            raise self.not_found()
        report = self.report(user)
        action = self.params[2]
        if action == "refresh":
            lifecycle.refresh(portal, self.context, report, user)
        elif action == "submit":
            lifecycle.submit(self.context, report, user)
        elif action == "sign":
            lifecycle.sign(portal, self.context, report, user)
        else:
            lifecycle.reject(self.context, report, user, str(body.get("comment", "")))
        return self.one(report)


class ReportsPatch(ReportsService):
    def reply(self):
        user = self.user()
        alsoProvides(self.request, IDisableCSRFProtection)  # as ReportsPost
        if len(self.params) != 2:
            raise self.not_found()
        body = json_body(self.request) or {}
        values, remarks = body.get("values") or {}, body.get("remarks") or {}
        if not isinstance(values, dict) or not isinstance(remarks, dict):
            raise client_error(
                BadRequest,
                _(
                    "reports_error_body",
                    default="«values» và «remarks» phải là bảng chỉ tiêu: giá trị.",
                ),
                self.request,
            )
        report = self.report(user)
        lifecycle.fill(self.context, report, user, values=values, remarks=remarks)
        return self.one(report)
