"""What a citizen sees of feedback, without an account, on a cheap phone.

- ``gui-phan-anh`` (the site root and every unit): the report form. On a commune the place
  is that commune; elsewhere the citizen picks one of the communes under the page, found by
  name without diacritics (``nguon.units.finder``). A POST is checked in the order that
  costs a flood the most and the site the least: same origin, the proof of work
  (``nguon.feedback.challenge``), then what every way in checks (``intake.file_checked``:
  the photos cleaned, the contact's limits, ``lifecycle.file_report``). A refusal
  answers 400 (429 with ``Retry-After`` when throttled, 403 cross-site) with the form again,
  everything typed kept and the message beside its field; success shows the report's number
  and the secret follow-up link once.
- ``phan-anh`` (the site root and every unit): the public reports of the area, newest first;
  ``phan-anh/<id>`` one report as ``shapes.public_view`` gives it (never the contact, the
  original text nor an internal note), its public history and its published answer;
  ``phan-anh/<id>/anh/<n>`` a cleaned photo. A report the public may not read is not found.
- ``theo-doi-phan-anh?ma=<code>``: the citizen's own report through its secret code; verify
  the contact, withdraw, reopen once, rate. A wrong code and an unknown one read the same.

plone.protect checks CSRF tokens for logged-in users only; these forms are for anonymous
citizens, so every POST is also refused when its ``Origin`` (or, without one, its
``Referer``) is another site. Filing costs a fresh proof of work each time; the follow-up
actions need the secret code, which a cross-site page cannot know.
"""

from nguon import _
from nguon.content.rich_text import plain_text
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.unit import IAdministrativeUnit
from nguon.content.validation import IMAGE_MAX_MB
from nguon.content.validation import MB
from nguon.content.validation import Refused
from nguon.errors import UserError
from nguon.feedback import challenge
from nguon.feedback import lifecycle
from nguon.feedback import privacy
from nguon.feedback.intake import file_checked
from nguon.feedback.policy import load_policy
from nguon.feedback.shapes import answer_of
from nguon.feedback.shapes import public_view
from nguon.feedback.shapes import unit_title
from nguon.feedback.store import ANSWERING
from nguon.feedback.store import CLOSED
from nguon.feedback.store import feedback_store
from nguon.feedback.store import IN_PROGRESS
from nguon.feedback.store import MERGED
from nguon.feedback.store import RECEIVED
from nguon.feedback.store import WITHDRAWN
from nguon.feedback.throttle import Throttled
from nguon.units import finder
from nguon.units.tree import lineage
from nguon.workflow.state import review_state
from plone import api
from plone.namedfile.utils import stream_data
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from Products.statusmessages.interfaces import IStatusMessage
from urllib.parse import urlencode
from urllib.parse import urlsplit
from zExceptions import NotFound
from zope.i18n import translate
from zope.i18nmessageid import Message
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import re


COMMUNE = "commune"
# Communes listed without a search; where there are more (the site root), one searches.
LISTED_PLACES = 200
FOUND_PLACES = 50
PAGE_SIZE = 20
MERGED_PAGES = 50  # pages listed on a site root with several top units
EXCERPT = 240
PHOTO_CACHE = "public, max-age=300"  # a report hidden or withdrawn leaves caches soon
PRIVATE = "private, no-store"
DEFAULT_PORTS = {"http": 80, "https": 443}
BLOCK_END = re.compile(r"</(?:p|li|h\d|div|blockquote)>|<br\s*/?>", re.IGNORECASE)

STATES = {
    RECEIVED: _("feedback_state_received", default="Đã tiếp nhận"),
    IN_PROGRESS: _("feedback_state_in_progress", default="Đang xử lý"),
    ANSWERING: _("feedback_state_answering", default="Đang hoàn thiện câu trả lời"),
    CLOSED: _("feedback_state_closed", default="Đã trả lời"),
    WITHDRAWN: _("feedback_state_withdrawn", default="Người gửi đã rút"),
    MERGED: _("feedback_state_merged", default="Đã gộp vào phản ánh khác"),
}

# The steps anyone may read, without who did them (the unit's title stands for its
# officials); ``note`` steps are shown only when not internal.
STEPS = {
    "received": _("feedback_step_received", default="Tiếp nhận, giao ${unit} xử lý"),
    "forwarded": _("feedback_step_forwarded", default="Chuyển đến ${unit} xử lý"),
    "escalated": _(
        "feedback_step_escalated", default="Quá hạn xử lý, báo cáo lên ${unit}"
    ),
    "answered": _("feedback_step_answered", default="${unit} đã trả lời"),
    "reopened": _(
        "feedback_step_reopened",
        default="Người gửi chưa hài lòng, phản ánh được mở lại",
    ),
    "withdrawn": _("feedback_step_withdrawn", default="Người gửi đã rút phản ánh"),
    "merged": _("feedback_step_merged", default="Gộp vào phản ánh số ${id}"),
    "note": _("feedback_step_note", default="Thông tin từ ${unit}"),
}

# Which field of the form a refusal belongs to, by its message id.
FIELDS = {
    "error_feedback_category": "category",
    "error_feedback_category_place": "category",
    "error_feedback_place": "place",
    "error_feedback_text_short": "text",
    "error_feedback_text_long": "text",
    "error_feedback_point": "point",
    "error_feedback_contact": "contact",
    "error_feedback_verification": "verification",
    "error_feedback_reopen_reason": "reason",
    "error_feedback_rating": "stars",
}


# Pages whose address carries the citizen's code never name it to another site; the site's
# own pages keep their origin, so the forms' POSTs carry an ``Origin`` that ``same_origin``
# can check (under ``no-referrer`` a browser sends ``Origin: null`` and the form is refused).
REFERRER_POLICY = "same-origin"


def local_time(moment):
    return moment.astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m/%Y") if moment else ""


def same_origin(request):
    """Whether a POST comes from a page of this site: its ``Origin``, else its
    ``Referer``, names the site's own scheme and host (a request with neither, from a
    program rather than a browser, cannot carry a visitor's cookies across sites)."""
    sent = request.getHeader("Origin") or request.getHeader("Referer")
    if not sent:
        return True
    return _origin(sent) == _origin(request["SERVER_URL"])


def _origin(url):
    """Scheme, host and port of ``url`` (the default port written out), or None."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    return (parts.scheme, (parts.hostname or "").lower(), port) if port else None


class FeedbackPage(BrowserView):
    """What the citizen's feedback pages share: the store, the public shape of a report,
    its public history and answer, local times."""

    shared = ViewPageTemplateFile("templates/feedback_macros.pt")

    def __init__(self, context, request):
        super().__init__(context, request)
        self.portal = api.portal.get()
        self.portal_url = self.portal.absolute_url()
        self.store = feedback_store(self.portal)
        self.errors = {}

    def tr(self, message):
        return translate(message, context=self.request)

    def resource(self, name):
        return f"{self.portal_url}/++resource++nguon-feedback/{name}"

    def photo_alt(self, number):
        return self.tr(
            _(
                "feedback_photo_alt",
                default="Ảnh ${number} kèm theo phản ánh",
                mapping={"number": number},
            )
        )

    def refuse(self, field, message, status=400):
        self.errors[field] = self.tr(message)
        self.request.response.setStatus(status)

    def refused_cross_site(self):
        if same_origin(self.request):
            return False
        self.refuse(
            "form",
            _(
                "feedback_cross_site",
                default="Biểu mẫu này chỉ nhận dữ liệu gửi từ chính trang này.",
            ),
            status=403,
        )
        return True

    def card(self, report):
        """The public shape of ``report`` with what the pages print."""
        shape = public_view(report, self.portal_url)
        text = shape["text"]
        shape.update(
            state_title=self.tr(STATES.get(report.state, report.state)),
            received_local=local_time(report.received),
            due_local=local_time(report.due),
            closed_local=local_time(report.closed_at),
            excerpt=text
            if len(text) <= EXCERPT
            else text[:EXCERPT].rsplit(" ", 1)[0] + "…",
            paragraphs=[line for line in text.splitlines() if line.strip()],
        )
        return shape

    def history(self, report):
        """The steps the public may read: when, what, which unit; never who, never an
        internal note."""
        found = []
        for step in report.history:
            message = STEPS.get(step["action"])
            if message is None or step.get("internal"):
                continue
            target = step.get("target") or step.get("unit")
            mapping = {"id": target}
            if step["action"] != "merged":
                mapping["unit"] = unit_title(target)
            note = step["note"] if step["action"] in ("note", "reopened") else ""
            found.append(
                {
                    "at": local_time(step["at"]),
                    "title": self.tr(Message(message, mapping=mapping)),
                    "note": privacy.scrub_text(note),
                }
            )
        return found

    def answer(self, report):
        """The published answer: its title, address and paragraphs, or None."""
        item = answer_of(report)
        if item is None or review_state(item) != "published":
            return None
        text = getattr(item, "text", None)
        raw = text.output if text is not None else ""
        return {
            "title": item.Title(),
            "url": item.absolute_url(),
            "paragraphs": [
                line for part in BLOCK_END.split(raw) if (line := plain_text(part))
            ],
            "date": local_time(
                item.effective().asdatetime() if item.effective() else None
            ),
        }


class ReportForm(FeedbackPage):
    """``gui-phan-anh``: the report form, and what filing answers."""

    filed = ViewPageTemplateFile("templates/report_filed.pt")

    def __call__(self):
        self.request.response.setHeader("Cache-Control", PRIVATE)
        if self.request.method == "POST":
            return self.submit()
        return self.index()

    # -- what the form offers --------------------------------------------------------------

    def value(self, name):
        found = self.request.form.get(name, "")
        return found if isinstance(found, str) else ""

    def unit(self):
        return self.context if IAdministrativeUnit.providedBy(self.context) else None

    def fixed_place(self):
        """The commune the form is on, or None where the citizen picks one."""
        unit = self.unit()
        return unit if unit is not None and unit.level == COMMUNE else None

    def _path(self):
        return "/".join(
            self.context.getPhysicalPath()[len(self.portal.getPhysicalPath()) :]
        )

    def _below(self):
        """The communes under the page (every commune on the site root)."""
        prefix = self._path() + "/" if self.unit() is not None else ""
        return [
            u
            for u in finder.index(self.portal)
            if u.level == COMMUNE and u.path.startswith(prefix)
        ]

    def query(self):
        return self.value("q")[: finder.MAX_QUERY]

    def places(self):
        """``(choices, more)``: the communes offered in the place list (those found by the
        search, or all of them when few enough) and whether a search is needed."""
        below = self._below()
        codes = {u.code for u in below}
        if self.query():
            found, _total = finder.find(self.query(), limit=10_000, portal=self.portal)
            choices = [u for u in found if u.code in codes][:FOUND_PLACES]
        elif len(below) <= LISTED_PLACES:
            choices = sorted(below, key=lambda u: (u.parent_path, u.key))
        else:
            choices = []
        chosen = self.value("place")
        if chosen and chosen not in {u.code for u in choices} and chosen in codes:
            choices.insert(0, next(u for u in below if u.code == chosen))
        return choices, len(below) > len(choices) and not self.query()

    def place_label(self, unit):
        here = self._path()
        if unit.parent_path == here or not unit.parent_title:
            return unit.title
        return f"{unit.title} — {unit.parent_title}"

    def categories(self):
        """The categories offered here: at a commune those of its lineage, elsewhere
        those offered anywhere in the area (the filing checks the chosen commune)."""
        place = self.fixed_place()
        unit = self.unit()
        codes = [code for code, _level in lineage(unit)] if unit is not None else []
        if place is None:
            codes += [u.code for u in self._below()]
        return load_policy().offered(codes) if unit is not None or codes else ()

    def challenge_url(self):
        return f"{self.portal_url}/@feedback-challenge"

    def limits(self):
        return {"photos": privacy.MAX_PHOTOS, "mb": IMAGE_MAX_MB}

    def photos_hint(self):
        return self.tr(
            _(
                "feedback_field_photos_hint",
                default="Tối đa ${photos} ảnh JPEG, PNG hoặc WEBP, mỗi ảnh đến ${mb} MB. "
                "Thông tin vị trí (GPS) và thiết bị chụp trong ảnh được xóa trước khi lưu.",
                mapping=self.limits(),
            )
        )

    def described(self, field, hint=False):
        """The ids that describe a field: its hint and, after a refusal, its error."""
        ids = [f"nguon-feedback-{field}-hint"] if hint else []
        if field in self.errors:
            ids.append(f"nguon-feedback-{field}-error")
        return " ".join(ids) or None

    # -- filing -------------------------------------------------------------------------------

    def place(self):
        """The commune chosen (only one under the page; none else, which filing refuses)."""
        fixed = self.fixed_place()
        if fixed is not None:
            return fixed.code
        chosen = self.value("place")
        return chosen if chosen in {u.code for u in self._below()} else ""

    def contact(self):
        value = self.value("contact").strip()
        if not value:
            return None
        return {"kind": "email" if "@" in value else "phone", "value": value}

    def point(self):
        lat, lon = self.value("lat").strip(), self.value("lon").strip()
        return (lat, lon) if lat or lon else None

    def photos(self):
        """The chosen photos as ``(data, filename)``; what a file holds beyond the size
        allowed is not read (the photo is refused as too large)."""
        found = self.request.form.get("photos", [])
        found = found if isinstance(found, list) else [found]
        uploads = [each for each in found if getattr(each, "filename", "")]
        for upload in uploads:
            upload.seek(0)
        return [
            (upload.read(IMAGE_MAX_MB * MB + 1), upload.filename) for upload in uploads
        ]

    def submit(self):
        if self.refused_cross_site():
            return self.index()
        contact = self.contact()
        try:
            challenge.verify(self.portal, self.value("altcha"))
            report, code = file_checked(
                category=self.value("category"),
                place=self.place(),
                text=self.value("text"),
                address=self.value("address"),
                point=self.point(),
                photos=self.photos(),
                contact=contact,
            )
        except challenge.ChallengeRefused as refusal:
            self.refuse("altcha", refusal.message)
        except Throttled as refusal:
            self.refuse("contact", refusal.message, status=429)
            self.request.response.setHeader("Retry-After", str(refusal.retry_after))
        except Refused as refusal:
            self.refuse("photos", refusal.args[0])
        except UserError as refusal:
            self.refuse(FIELDS.get(str(refusal.message), "form"), refusal.message)
        else:
            return self.success(report, code, contact)
        return self.index()

    def success(self, report, code, contact):
        self.request.response.setHeader("Referrer-Policy", REFERRER_POLICY)
        self.report = self.card(report)
        self.follow_url = follow_url(self.portal_url, code)
        self.mailed = bool(contact and contact["kind"] == "email")
        self.listed = report.listed
        return self.filed()


def follow_url(portal_url, code):
    return f"{portal_url}/theo-doi-phan-anh?{urlencode({'ma': code})}"


@implementer(IPublishTraverse)
class PublicReports(FeedbackPage):
    """``phan-anh``: the area's public reports; ``phan-anh/<id>`` one report;
    ``phan-anh/<id>/anh/<n>`` one of its cleaned photos."""

    one = ViewPageTemplateFile("templates/report.pt")

    def __init__(self, context, request):
        super().__init__(context, request)
        self.names = []

    def publishTraverse(self, request, name):
        if len(self.names) >= 3:
            raise NotFound(name)
        self.names.append(name)
        return self

    def __call__(self):
        if not self.names:
            return self.index()
        report = self.report(self.names[0])
        if len(self.names) == 1:
            self.shown = self.card(report)
            self.steps = self.history(report)
            self.answered = self.answer(report)
            return self.one()
        if len(self.names) == 3 and self.names[1] == "anh":
            return self.photo(report, self.names[2])
        raise NotFound(self.names[-1])

    def areas(self):
        """The codes whose public reports this page lists: the unit's, or on the site root
        those of the top units."""
        if IAdministrativeUnit.providedBy(self.context):
            return [self.context.code]
        return [u.code for u in finder.index(self.portal) if "/" not in u.path]

    def report(self, report_id):
        report = self.store.get(report_id) if self.store is not None else None
        here = (
            self.context.code if IAdministrativeUnit.providedBy(self.context) else None
        )
        if report is None or not report.listed or (here and here not in report.areas):
            raise NotFound(report_id)
        return report

    def start(self):
        try:
            return max(0, min(int(self.request.form.get("b_start", 0)), 10**6))
        except (TypeError, ValueError):
            return 0

    def listing(self):
        """``(cards, next start or None)``: one page of the area's reports, newest first."""
        if self.store is None:
            return [], None
        areas, start = self.areas(), self.start()
        if len(areas) == 1:
            page, more = self.store.in_area(areas[0], start, PAGE_SIZE)
        else:  # a site with several top units: merged, its first pages only
            start = min(start, MERGED_PAGES * PAGE_SIZE)
            found = sorted(
                (
                    report
                    for code in areas
                    for report in self.store.in_area(code, 0, start + PAGE_SIZE)[0]
                ),
                key=lambda report: report.received,
                reverse=True,
            )
            page, more = (
                found[start : start + PAGE_SIZE],
                len(found) > start + PAGE_SIZE,
            )
        return [self.card(report) for report in page], (
            start + PAGE_SIZE if more else None
        )

    def photo(self, report, number):
        index = int(number) - 1 if number.isdigit() else -1
        if not 0 <= index < len(report.photos):
            raise NotFound(number)
        blob = report.photos[index]
        response = self.request.response
        response.setHeader("Content-Type", blob.contentType)
        response.setHeader("Content-Length", str(blob.getSize()))
        response.setHeader("Content-Disposition", f"inline; filename=anh-{number}.jpg")
        response.setHeader("Cache-Control", PHOTO_CACHE)
        response.setHeader("X-Content-Type-Options", "nosniff")
        return stream_data(blob)


class FollowReport(FeedbackPage):
    """``theo-doi-phan-anh?ma=<code>``: the citizen's own report and what they may do
    with it; every action is a POST carrying the code."""

    ACTIONS = ("verify", "withdraw", "reopen", "rate")

    def __call__(self):
        response = self.request.response
        response.setHeader("Cache-Control", PRIVATE)
        response.setHeader("Referrer-Policy", REFERRER_POLICY)
        response.setHeader("X-Robots-Tag", "noindex")
        self.code = str(self.request.form.get("ma", "") or "").strip()[:100]
        self.found = (
            self.store.by_token(self.code) if self.code and self.store else None
        )
        if self.code and self.found is None:
            self.refuse(
                "ma",
                _(
                    "feedback_follow_unknown",
                    default="Không tìm thấy phản ánh với mã này. Hãy kiểm tra lại đường "
                    "dẫn hoặc mã theo dõi đã nhận khi gửi phản ánh.",
                ),
                status=404,
            )
        elif self.found is not None and self.request.method == "POST":
            if not self.refused_cross_site() and self.act():
                return self.request.response.redirect(
                    follow_url(self.portal_url, self.code), status=303
                )
        return self.index()

    def act(self):
        action = self.request.form.get("action")
        report = self.found
        form = self.request.form
        try:
            if action == "verify":
                lifecycle.verify_contact(report, form.get("verification", ""))
                done = _("feedback_verified", default="Đã xác minh thông tin liên hệ.")
            elif action == "withdraw":
                if not form.get("confirm"):
                    self.refuse(
                        "confirm",
                        _(
                            "feedback_withdraw_confirm",
                            default="Hãy đánh dấu ô xác nhận để rút phản ánh.",
                        ),
                    )
                    return False
                lifecycle.withdraw(report)
                done = _("feedback_withdrawn", default="Đã rút phản ánh.")
            elif action == "reopen":
                lifecycle.reopen(report, str(form.get("reason", "")))
                done = _("feedback_reopened", default="Đã mở lại phản ánh.")
            elif action == "rate":
                lifecycle.rate(report, form.get("stars"), str(form.get("comment", "")))
                done = _("feedback_rated", default="Cảm ơn bạn đã đánh giá.")
            else:
                return False
        except UserError as refusal:
            self.refuse(FIELDS.get(str(refusal.message), action), refusal.message)
            return False
        IStatusMessage(self.request).add(self.tr(done), type="info")
        return True

    def own(self):
        """The report as its author reads it: the public shape (scrubbed; the code may be
        shared by mistake), the contact's kind and whether it is verified, what they may do."""
        report = self.found
        shape = self.card(report)
        contact = report.contact
        into = self.store.get(report.merged_into) if report.merged_into else None
        shape.update(
            history=self.history(report),
            answer=self.answer(report),
            contact_kind=contact["kind"] if contact else None,
            contact_verified=bool(contact and contact.get("verified")),
            can_verify=bool(
                contact and not contact.get("verified") and contact.get("code")
            ),
            can_withdraw=report.is_open,
            can_reopen=report.state == CLOSED
            and bool(report.answer)
            and report.reopened < lifecycle.REOPEN_LIMIT,
            can_rate=report.state == CLOSED
            and bool(report.answer)
            and report.rating is None,
            rating_comment=report.rating_comment,
            merged_into=into.id if into is not None else None,
            merged_url=(
                f"{self.portal_url}/phan-anh/{into.id}"
                if into is not None and into.listed
                else None
            ),
            public=report.listed,
        )
        if not report.listed:
            shape["photos"] = []  # served only while the public may read the report
        return shape

    def stars(self):
        return list(lifecycle.RATINGS)
