"""``xu-ly-phan-anh``: the desk where a unit's officials handle citizens' reports.

On every unit, for those who handle its reports (``access.can_handle_unit``; anonymous is
sent to the login form, anyone else refused):

- ``xu-ly-phan-anh``: three tabs (``?ds=open|escalated|done``): the reports the unit handles,
  the most urgent first (overdue ones in red with the working days overdue, those past their
  warning marked), the open reports of the units below escalated to it, and the finished
  ones; each a page of 50 read from the store's queue (never the whole store), with the
  counts from its tallies;
- ``xu-ly-phan-anh/<id>``: one report as the desk sees it (``shapes.desk_view``: the text as
  written, the contact, photos, point and the whole history, internal notes marked), and its
  steps as small POST forms with Plone's CSRF token, each one call of
  ``nguon.feedback.lifecycle`` whose refusal is shown as the page's message: a note
  (internal or public), assign, forward up or down, merge into another report, hide from
  the public, and the answer, written from the category's templates
  (``?mau=<n>``), which becomes a bulletin of the handling unit on its way through approval.
"""

from datetime import datetime
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.errors import UserError
from nguon.feedback import access
from nguon.feedback import lifecycle
from nguon.feedback.policy import load_policy
from nguon.feedback.shapes import answer_text
from nguon.feedback.shapes import desk_view
from nguon.feedback.shapes import unit_title
from nguon.feedback.store import BUCKETS
from nguon.feedback.store import DONE
from nguon.feedback.store import ESCALATED
from nguon.feedback.store import feedback_store
from nguon.feedback.store import OPEN
from nguon.feedback.store import utcnow
from nguon.feedback.workdays import working_days_between
from nguon.traversal import OneName
from nguon.units.tree import ancestor_units
from nguon.units.tree import find_unit
from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from nguon.units.tree import UNIT_TYPE
from nguon.workflow.state import review_state
from plone import api
from plone.protect import CheckAuthenticator
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from urllib.parse import urlencode
from zExceptions import BadRequest
from zExceptions import NotFound
from zExceptions import Unauthorized
from zope.i18n import translate


VIEW_NAME = "xu-ly-phan-anh"
TAB = "ds"
TEMPLATE = "mau"
PAGE = 50

STATES = {
    "received": _("feedback_desk_state_received", default="Mới nhận"),
    "in_progress": _("feedback_desk_state_in_progress", default="Đang xử lý"),
    "answering": _("feedback_desk_state_answering", default="Trả lời chờ duyệt"),
    "closed": _("feedback_desk_state_closed", default="Đã trả lời"),
    "withdrawn": _("feedback_desk_state_withdrawn", default="Người gửi đã rút"),
    "merged": _("feedback_desk_state_merged", default="Đã gộp"),
}

STEPS = {
    "received": _("feedback_desk_step_received", default="Nhận phản ánh"),
    "note": _("feedback_desk_step_note", default="Ghi chú"),
    "assigned": _("feedback_desk_step_assigned", default="Giao xử lý"),
    "forwarded": _("feedback_desk_step_forwarded", default="Chuyển đơn vị xử lý"),
    "merged": _("feedback_desk_step_merged", default="Gộp vào phản ánh khác"),
    "merged_in": _(
        "feedback_desk_step_merged_in", default="Nhận phản ánh trùng gộp vào"
    ),
    "hidden": _("feedback_desk_step_hidden", default="Ẩn khỏi trang công khai"),
    "answer_started": _("feedback_desk_step_answer_started", default="Soạn trả lời"),
    "answered": _("feedback_desk_step_answered", default="Trả lời được phát hành"),
    "answer_withdrawn": _(
        "feedback_desk_step_answer_withdrawn", default="Hủy bản trả lời"
    ),
    "warned": _("feedback_desk_step_warned", default="Nhắc sắp đến hạn"),
    "escalated": _(
        "feedback_desk_step_escalated", default="Quá hạn, chuyển lên cấp trên"
    ),
    "withdrawn": _("feedback_desk_step_withdrawn", default="Người gửi rút phản ánh"),
    "reopened": _("feedback_desk_step_reopened", default="Người gửi mở lại"),
    "rated": _("feedback_desk_step_rated", default="Người gửi đánh giá"),
    "contact_verified": _(
        "feedback_desk_step_contact_verified", default="Người gửi xác minh liên hệ"
    ),
}

DONE_MESSAGES = {
    "note": _("feedback_desk_done_note", default="Đã ghi chú."),
    "assign": _("feedback_desk_done_assign", default="Đã giao xử lý."),
    "forward": _("feedback_desk_done_forward", default="Đã chuyển phản ánh."),
    "merge": _("feedback_desk_done_merge", default="Đã gộp phản ánh."),
    "hide": _(
        "feedback_desk_done_hide", default="Đã ẩn phản ánh khỏi trang công khai."
    ),
}


def local(moment, time=True):
    """A moment as Vietnam reads it: ``14/12/2026 17:00`` (or the day only)."""
    if moment is None:
        return ""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(LOCAL_ZONE).strftime(
        "%d/%m/%Y %H:%M" if time else "%d/%m/%Y"
    )


class Desk(OneName, BrowserView):
    """The desk of the unit (no name after it) or one of its reports (``/<id>``)."""

    listing_template = ViewPageTemplateFile("templates/desk.pt")
    report_template = ViewPageTemplateFile("templates/desk_report.pt")

    def __call__(self):
        if not access.can_handle_unit(self.context):
            raise Unauthorized(VIEW_NAME)
        self.store = feedback_store(api.portal.get())
        if self.store is None:
            raise NotFound(VIEW_NAME)
        self.now = utcnow()
        self._titles = {}
        self._names = {}
        if self.traversed is None:
            return self.listing_template()
        self.report = self.store.get(self.traversed)
        if self.report is None:
            raise NotFound(self.traversed)
        if not access.can_handle(self.report):
            raise Unauthorized(VIEW_NAME)
        if self.request.method == "POST":
            return self.act()
        return self.report_template()

    # -- shared -------------------------------------------------------------------------

    def url(self, report_id=None, **query):
        base = f"{self.context.absolute_url()}/{VIEW_NAME}"
        if report_id:
            base = f"{base}/{report_id}"
        return f"{base}?{urlencode(query)}" if query else base

    def unit_title(self, code):
        if code not in self._titles:
            self._titles[code] = unit_title(code)
        return self._titles[code]

    def name(self, userid):
        """Who an actor or assignee is: the full name of a user, the citizen, the system."""
        if userid is None:
            return self.translate(_("feedback_desk_actor_citizen", default="Người gửi"))
        if userid == lifecycle.SYSTEM:
            return self.translate(_("feedback_desk_actor_system", default="Hệ thống"))
        if userid not in self._names:
            user = api.user.get(userid=userid)
            fullname = user.getProperty("fullname") if user is not None else ""
            self._names[userid] = fullname or userid
        return self._names[userid]

    def translate(self, message):
        return translate(message, context=self.request)

    def category_title(self, code):
        category = load_policy().category(code)
        return category.title if category is not None else code

    # -- the listing -----------------------------------------------------------------------

    @property
    def tab(self):
        tab = self.request.form.get(TAB)
        return tab if tab in BUCKETS else OPEN

    def tabs(self):
        code = self.context.code
        titles = {
            OPEN: _("feedback_desk_open", default="Đang xử lý"),
            ESCALATED: _(
                "feedback_desk_escalated", default="Cấp dưới chuyển lên / quá hạn"
            ),
            DONE: _("feedback_desk_done", default="Đã xong"),
        }
        return [
            {
                "name": bucket,
                "title": self.translate(titles[bucket]),
                "total": self.store.listing(code, bucket, 0, 0)[0],
                "url": self.url(**{TAB: bucket}),
                "current": bucket == self.tab,
            }
            for bucket in BUCKETS
        ]

    def overdue(self):
        return self.store.overdue(self.context.code, self.now)

    def start(self):
        try:
            return max(int(self.request.form.get("b_start", 0)), 0)
        except (TypeError, ValueError):
            return 0

    def page(self):
        """The rows of the page shown, and the links to the pages around it."""
        start = self.start()
        total, reports = self.store.listing(self.context.code, self.tab, start, PAGE)
        return {
            "rows": [self.row(report) for report in reports],
            "total": total,
            "first": start + 1 if reports else 0,
            "last": start + len(reports),
            "previous": (
                self.url(**{TAB: self.tab, "b_start": max(start - PAGE, 0)})
                if start
                else None
            ),
            "next": (
                self.url(**{TAB: self.tab, "b_start": start + PAGE})
                if start + PAGE < total
                else None
            ),
        }

    def row(self, report):
        return {
            "id": report.id,
            "url": self.url(report.id),
            "category": self.category_title(report.category),
            "place": self.unit_title(report.place),
            "handler": self.unit_title(report.handler),
            "elsewhere": report.handler != self.context.code,
            "received": local(report.received, time=False),
            "due": local(report.due),
            **self.deadline(report),
            "state": self.translate(STATES[report.state]),
            "assignee": self.name(report.assignee) if report.assignee else "",
            "duplicate_of": report.duplicate_of,
        }

    def deadline(self, report):
        """How the due date stands: ``overdue`` (red), ``warning`` (past the warning) and
        the working days left or overdue, in words."""
        if not report.is_open or report.due is None:
            return {"overdue": False, "warning": False, "days": ""}
        if report.overdue(self.now):
            days = working_days_between(report.due, self.now)
            text = _(
                "feedback_desk_overdue_days",
                default="quá hạn ${days} ngày làm việc",
                mapping={"days": days},
            )
            if not days:
                text = _("feedback_desk_overdue_today", default="quá hạn hôm nay")
            return {"overdue": True, "warning": False, "days": self.translate(text)}
        days = working_days_between(self.now, report.due)
        text = _(
            "feedback_desk_days_left",
            default="còn ${days} ngày làm việc",
            mapping={"days": days},
        )
        if not days:
            text = _("feedback_desk_due_today", default="hết hạn hôm nay")
        warning = report.warn_at is not None and self.now >= report.warn_at
        return {"overdue": False, "warning": warning, "days": self.translate(text)}

    # -- one report ------------------------------------------------------------------------

    def shape(self):
        """The report as ``shapes.desk_view``, with what the page writes out."""
        shape = desk_view(self.report)
        shape.update(self.row(self.report))
        shape["history"] = [
            {
                **step,
                "at": local(step["at"]),
                "actor": self.name(step["actor"]),
                "action": self.translate(STEPS.get(step["action"], step["action"])),
                "unit": self.unit_title(step["unit"]),
                "detail": self.detail(step),
            }
            for step in shape["history"]
        ]
        if shape["point"]:
            lat, lon = shape["point"]
            shape["map_url"] = (
                f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}"
                f"#map=18/{lat}/{lon}"
            )
        return shape

    def detail(self, step):
        """What a step changed, in a few words: who it was assigned to, where it went."""
        action = step["action"]
        if action == "assigned":
            return self.name(step.get("assignee"))
        if action == "forwarded":
            return f"{self.unit_title(step.get('source'))} → {self.unit_title(step['unit'])}"
        if action == "escalated":
            return f"→ {self.unit_title(step.get('target'))}"
        if action == "merged":
            return f"→ {step.get('target')}"
        if action == "merged_in":
            return f"← {step.get('source')}"
        if action == "rated":
            return f"{step.get('rating')}/5"
        return ""

    def members(self):
        """``(user id, name)`` of the handling unit's people, for the assignment."""
        ids = {
            user.getId()
            for kind in GROUP_KINDS
            for user in api.user.get_users(
                groupname=group_id(self.report.handler, kind)
            )
        }
        return sorted(((each, self.name(each)) for each in ids), key=lambda p: p[1])

    def forward_targets(self):
        """``(code, title)`` of the units above the handling unit and of those right below
        it: where a report may be forwarded."""
        unit = find_unit(self.report.handler)
        if unit is None:
            return []
        above = [(each.code, each.Title()) for each in ancestor_units(unit)]
        below = [
            (brain.unit_code, brain.Title)
            for brain in api.content.find(
                context=unit,
                depth=1,
                portal_type=UNIT_TYPE,
                sort_on="sortable_title",
                unrestricted=True,
            )
        ]
        return above + below

    def templates(self):
        category = load_policy().category(self.report.category)
        return category.templates if category is not None else ()

    def answer_text(self):
        """The text of the answer form: the template chosen (``?mau=<n>``), filled."""
        try:
            chosen = self.templates()[int(self.request.form.get(TEMPLATE, ""))]
        except (ValueError, IndexError):
            return ""
        return answer_text(self.report, chosen)

    def draft(self):
        """The answer on its way through approval: its link and workflow state."""
        uid = self.report.answer_draft
        item = api.content.get(UID=uid) if uid else None
        if item is None:
            return None
        state = review_state(item)
        title = api.portal.get_tool("portal_workflow").getTitleForStateOnType(
            state, item.portal_type
        )
        return {
            "url": item.absolute_url(),
            "title": item.Title(),
            "state": translate(title, domain="plone", context=self.request),
        }

    @property
    def writes_answers(self):
        """Whether the user writes answers here: an answer is a bulletin of the handling
        unit, so only someone who adds content there does (a province's approver reviews
        the answers of its communes but does not write them)."""
        unit = find_unit(self.report.handler)
        return unit is not None and bool(
            api.user.has_permission("Add portal content", obj=unit)
        )

    @property
    def can_answer(self):
        return (
            self.report.is_open and not self.report.answer_draft and self.writes_answers
        )

    # -- the steps -------------------------------------------------------------------------

    def act(self):
        CheckAuthenticator(self.request)
        action = self.request.form.get("action")
        step = getattr(self, f"do_{action}", None) if action else None
        if step is None:
            raise BadRequest("action")
        actor = api.user.get_current().getId()
        try:
            target = step(actor, self.request.form)
        except UserError as error:
            api.portal.show_message(
                error.translated(self.request), self.request, type="error"
            )
            target = self.url(self.report.id)
        else:
            if action in DONE_MESSAGES:
                api.portal.show_message(
                    self.translate(DONE_MESSAGES[action]), self.request
                )
        return self.request.response.redirect(target)

    def _here(self):
        """The report's page after a step, or the desk when it left the user's reach."""
        if access.can_handle(self.report):
            return self.url(self.report.id)
        return self.url()

    def do_note(self, actor, form):
        internal = form.get("visibility") != "public"
        lifecycle.add_note(self.report, actor, form.get("note"), internal=internal)
        return self._here()

    def do_assign(self, actor, form):
        lifecycle.assign(self.report, actor, form.get("assignee"))
        return self._here()

    def do_forward(self, actor, form):
        lifecycle.forward(self.report, actor, form.get("unit"), form.get("note"))
        return self._here()

    def do_merge(self, actor, form):
        number = (form.get("into") or "").strip()
        into = self.store.get(number) if number else None
        if into is None or not access.can_handle(into):
            raise UserError(
                _(
                    "feedback_desk_error_merge_number",
                    default="Không có phản ánh số «${number}» tại đơn vị này.",
                    mapping={"number": number},
                )
            )
        lifecycle.merge(self.report, into, actor)
        return self.url(into.id)

    def do_hide(self, actor, form):
        lifecycle.hide(self.report, actor, form.get("reason"))
        return self._here()

    def do_answer(self, actor, form):
        if not self.writes_answers:
            raise UserError(
                _(
                    "feedback_desk_error_answer_unit",
                    default="Câu trả lời do cán bộ của đơn vị xử lý soạn.",
                )
            )
        answer = lifecycle.start_answer(self.report, actor, form.get("text") or "")
        return f"{answer.absolute_url()}/edit"
