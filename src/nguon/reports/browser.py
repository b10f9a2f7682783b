"""The Classic UI pages of a unit's reports (in Vietnamese; the REST service is
``nguon.restapi.reports``):

- ``@@bao-cao``: the unit's forms with the period due (or ``?form=&period=``), its own
  report's state, and the units below with theirs, late ones marked;
- ``@@bao-cao-xem?form=&period=``: one report: fill the manual figures and remarks, refresh,
  submit, sign off or send back (POST with the plone.protect authenticator);
- ``@@bao-cao-tai-ve?form=&period=&format=xlsx|pdf|csv``: the report as a file.

Every step goes through ``nguon.reports.lifecycle``; a refusal is shown as a message, or
answered 401 for someone who may not see the unit's reports at all.
"""

from nguon import _
from nguon.documents import to_csv
from nguon.documents import to_pdf
from nguon.documents import to_xlsx
from nguon.reports import export
from nguon.reports import lifecycle
from nguon.reports import present
from nguon.reports.access import current_user
from nguon.reports.access import may_fill
from nguon.reports.access import may_read_list
from nguon.reports.access import may_sign
from nguon.reports.store import DRAFT
from nguon.reports.store import SUBMITTED
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from urllib.parse import urlencode
from zExceptions import BadRequest
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate


def _allowed(unit):
    """The current user, when they may see the unit's reports at all."""
    user = current_user()
    if user is None or not may_read_list(user, unit):
        raise Unauthorized("reports")
    return user


class UnitReports(BrowserView):
    """``@@bao-cao``: what the unit reports and where its units below stand."""

    def __call__(self):
        self.user = _allowed(self.context)
        if self.request.method == "POST":
            return self.create()
        return self.index()

    def create(self):
        CheckAuthenticator(self.request)
        form, period = self.request.form.get("form"), self.request.form.get("period")
        try:
            lifecycle.create(api.portal.get(), self.context, form, period, self.user)
        except lifecycle.Refused as refused:
            api.portal.show_message(
                translate(refused.message, context=self.request),
                self.request,
                type="error",
            )
            return self.request.response.redirect(self.url())
        return self.request.response.redirect(report_url(self.context, form, period))

    def url(self):
        return f"{self.context.absolute_url()}/@@bao-cao"

    def available(self):
        """Whether the current user may see the page (the unit's action asks)."""
        user = current_user()
        return user is not None and may_read_list(user, self.context)

    def forms(self):
        try:
            forms = present.overview(
                api.portal.get(),
                self.context,
                self.user,
                self.request,
                self.request.form.get("form"),
                self.request.form.get("period"),
            )
        except lifecycle.Refused as refused:
            raise BadRequest(translate(refused.message, context=self.request)) from None
        for form in forms:
            form["last_day"] = form["last_day"].strftime("%d/%m/%Y")
            form["url"] = report_url(self.context, form["form"], form["period"])
            form["can_create"] = form["state"] == lifecycle.MISSING and may_fill(
                self.user, self.context
            )
            for row in form["children"]:
                row["url"] = f"{row['url']}/@@bao-cao-xem?" + urlencode(
                    {"form": form["form"], "period": form["period"]}
                )
            form["late_titles"] = [r["title"] for r in form["children"] if r["late"]]
        return forms

    def reports(self):
        portal = api.portal.get()
        return [
            {
                "form": r.form,
                "period": r.period,
                "state_title": present.state_title(r.state, self.request),
                "url": report_url(self.context, r.form, r.period),
            }
            for r in lifecycle.unit_reports(portal, self.context, self.user)
        ]


def report_url(unit, form, period, view="bao-cao-xem", **more):
    query = urlencode({"form": form, "period": period, **more})
    return f"{unit.absolute_url()}/@@{view}?{query}"


class _OneReport(BrowserView):
    def report(self):
        self.user = _allowed(self.context)
        try:
            return lifecycle.get(
                api.portal.get(),
                self.context,
                self.request.form.get("form", ""),
                self.request.form.get("period", ""),
                self.user,
            )
        except lifecycle.Refused as refused:
            if refused.kind == "forbidden":
                raise Unauthorized("reports") from None
            raise NotFound(translate(refused.message, context=self.request)) from None


class ReportPage(_OneReport):
    """``@@bao-cao-xem``: one report, and the steps its reader may take."""

    def __call__(self):
        self.item = self.report()
        if self.request.method == "POST":
            return self.act()
        self.described = present.describe(
            api.portal.get(), self.context, self.item, self.request
        )
        return self.index()

    def act(self):
        CheckAuthenticator(self.request)
        form = self.request.form
        action = form.get("action")
        portal, unit, report, user = (
            api.portal.get(),
            self.context,
            self.item,
            self.user,
        )
        try:
            if action == "save":
                figures = {f.key: f for f in self.figures()}
                lifecycle.fill(
                    unit,
                    report,
                    user,
                    values={
                        key: form[f"value.{key}"]
                        for key, figure in figures.items()
                        if figure.manual and f"value.{key}" in form
                    },
                    remarks={
                        key: form[f"remark.{key}"]
                        for key in figures
                        if f"remark.{key}" in form
                    },
                )
            elif action == "refresh":
                lifecycle.refresh(portal, unit, report, user)
            elif action == "submit":
                lifecycle.submit(unit, report, user)
            elif action == "sign":
                lifecycle.sign(portal, unit, report, user)
            elif action == "reject":
                lifecycle.reject(unit, report, user, form.get("comment", ""))
            else:
                raise BadRequest("action")
        except lifecycle.Refused as refused:
            api.portal.show_message(
                translate(refused.message, context=self.request),
                self.request,
                type="error",
            )
        else:
            api.portal.show_message(
                translate(
                    present.ACTIONS[_STEP.get(action, action)], context=self.request
                )
                + " — "
                + translate(
                    _("reports_done", default="đã xong."), context=self.request
                ),
                self.request,
            )
        return self.request.response.redirect(
            report_url(self.context, report.form, report.period)
        )

    when = staticmethod(present.when)

    def figures(self):
        form, _period = lifecycle.form_and_period(
            self.context, self.item.form, self.item.period
        )
        return form.figures_for(self.context.level)

    @property
    def can_fill(self):
        return self.item.state == DRAFT and may_fill(self.user, self.context)

    @property
    def can_sign(self):
        return self.item.state == SUBMITTED and may_sign(self.user, self.context)

    def downloads(self):
        return [
            {
                "format": fmt.upper(),
                "url": report_url(
                    self.context,
                    self.item.form,
                    self.item.period,
                    view="bao-cao-tai-ve",
                    format=fmt,
                ),
            }
            for fmt in export.FORMATS
        ]

    def back(self):
        return f"{self.context.absolute_url()}/@@bao-cao"


_STEP = {"save": "fill"}  # the page's button → the history's word


class ReportDownload(_OneReport):
    """``@@bao-cao-tai-ve``: the report as XLSX, PDF or CSV (``table=`` picks one table of
    the CSV, the first by default)."""

    TYPES = {
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pdf": "application/pdf",
        "csv": "text/csv; charset=utf-8",
    }

    def __call__(self):
        report = self.report()
        fmt = self.request.form.get("format", "xlsx")
        if fmt not in self.TYPES:
            raise BadRequest("format")
        document = export.document(api.portal.get(), self.context, report, self.request)
        if fmt == "xlsx":
            data = to_xlsx(document)
        elif fmt == "pdf":
            data = to_pdf(document)
        else:
            tables = document.tables
            try:
                data = to_csv(tables[int(self.request.form.get("table", 0))])
            except (ValueError, IndexError):
                raise BadRequest("table") from None
        response = self.request.response
        response.setHeader("Content-Type", self.TYPES[fmt])
        response.setHeader(
            "Content-Disposition",
            f'attachment; filename="{export.filename(self.context, report, fmt)}"',
        )
        response.setHeader("Cache-Control", "private, no-store")
        return data
