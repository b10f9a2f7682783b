"""``@feedback``: citizens file reports, officials handle them (docs/feedback.md).

- ``POST @feedback`` (the site root or a unit; anyone): file a report. JSON ``{"category",
  "place" (a unit code; a unit's own code by default), "text", "address", "point": [lat,
  lon], "contact": {"kind": "email"|"phone", "value"}, "photos": [{"data": base64,
  "filename"}], "altcha": the solved ``@feedback-challenge``}``. Answers 201 with the report's
  ``id``, the citizen's secret ``code`` and ``follow_url`` (shown once; ``@feedback-mine``
  takes the code), and its public ``url`` when the public may read it; 429 with
  ``Retry-After`` when the contact sent too many.
- ``GET <unit>/@feedback?bucket=open|escalated|done&b_start&b_size``: the unit's desk (who
  handles reports there, ``access.can_handle_unit``): a page of the bucket, the counts of
  every bucket and how many open reports are overdue.
- ``GET @feedback/<id>``: the desk's shape for the officials who handle the report, the
  public shape for everyone when it is public, else 404.
- ``POST @feedback/<id>`` ``{"action": …}`` (officials who handle it): ``note`` (``note``,
  ``internal``: true by default), ``assign`` (``userid``), ``forward`` (``unit``, ``note``),
  ``merge`` (``into``: the report that stays), ``hide`` (``reason``), ``answer`` (``text``, or
  ``template``: the index or title of one of the category's templates): answers the report's
  desk shape, with the answer's draft under ``answer`` after ``answer``.

Every refusal is the one error shape; the lifecycle's checks say why (``nguon.errors``).
"""

from nguon import _
from nguon.content.unit import IAdministrativeUnit
from nguon.content.validation import Refused
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.feedback import challenge
from nguon.feedback import lifecycle
from nguon.feedback.access import can_handle
from nguon.feedback.access import can_handle_unit
from nguon.feedback.intake import file_checked
from nguon.feedback.policy import load_policy
from nguon.feedback.public import follow_url
from nguon.feedback.shapes import answer_text
from nguon.feedback.shapes import desk_view
from nguon.feedback.shapes import public_view
from nguon.feedback.shapes import unit_title
from nguon.feedback.store import BUCKETS
from nguon.feedback.store import OPEN
from nguon.feedback.throttle import Throttled
from nguon.restapi import bounded
from nguon.restapi.feedback.common import not_found
from nguon.restapi.feedback.common import refused
from nguon.restapi.feedback.common import store
from nguon.restapi.feedback.common import too_many
from nguon.restapi.feedback.common import unknown_action
from nguon.restapi.traversing import PathService
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from zExceptions import BadRequest
from zExceptions import Forbidden
from zExceptions import Unauthorized
from zope.interface import alsoProvides

import base64
import binascii


ACTIONS = ("note", "assign", "forward", "merge", "hide", "answer")


class Queue:
    """A unit's desk bucket as a sequence for plone.restapi's batching: its length from the
    store's tallies, its items read a page at a time (``FeedbackStore.listing``)."""

    PAGE = bounded.MAX_SIZE

    def __init__(self, found, unit_code, bucket):
        self.found, self.unit_code, self.bucket = found, unit_code, bucket
        self.length = found.tally(unit_code, bucket)
        self.start, self.page = 0, []

    def __len__(self):
        return self.length

    def __getitem__(self, index):
        if not 0 <= index < self.length:
            raise IndexError(index)
        if not self.start <= index < self.start + len(self.page):
            self.start = index
            _total, self.page = self.found.listing(
                self.unit_code, self.bucket, index, self.PAGE
            )
        if index - self.start >= len(self.page):
            raise IndexError(index)
        return self.page[index - self.start]


class FeedbackService(PathService):
    @property
    def portal_url(self):
        return api.portal.get().absolute_url()

    def item_url(self, report):
        return f"{self.portal_url}/@feedback/{report.id}"

    def require(self, allowed):
        """Officials only: 401 for anonymous, 403 for a user who does not handle it."""
        if allowed:
            return
        if api.user.is_anonymous():
            raise client_error(
                Unauthorized,
                _(
                    "feedback_rest_login",
                    default="Cần đăng nhập bằng tài khoản cán bộ của đơn vị xử lý.",
                ),
                self.request,
            )
        raise client_error(
            Forbidden,
            _(
                "feedback_rest_forbidden",
                default="Bạn không xử lý phản ánh của đơn vị này.",
            ),
            self.request,
        )

    def report(self):
        report = store(self.request).get(self.params[0])
        if report is None:
            raise not_found(self.request)
        return report

    def desk_item(self, report):
        shape = desk_view(report, self.portal_url)
        shape["@id"] = self.item_url(report)
        shape["overdue"] = report.overdue()
        return shape


class FeedbackGet(FeedbackService):
    def reply(self):
        if len(self.params) == 1:
            return self.one()
        if self.params or not IAdministrativeUnit.providedBy(self.context):
            raise not_found(self.request)
        return self.desk()

    def one(self):
        report = self.report()
        if can_handle(report):
            return self.desk_item(report)
        if report.listed:
            shape = public_view(report, self.portal_url)
            shape["@id"] = self.item_url(report)
            return shape
        raise not_found(self.request)

    def desk(self):
        unit = self.context
        self.require(can_handle_unit(unit))
        bucket = self.request.form.get("bucket") or OPEN
        if bucket not in BUCKETS:
            raise client_error(
                BadRequest,
                _(
                    "feedback_rest_bucket",
                    default="«bucket» chỉ nhận open, escalated hoặc done.",
                ),
                self.request,
            )
        found = store(self.request)
        batch = bounded.batch(self.request, Queue(found, unit.code, bucket))
        items = []
        for report in batch:
            item = self.desk_item(report)
            del item["history"]
            items.append(item)
        answer = bounded.page(batch, items)
        answer.update(
            unit=unit.code,
            bucket=bucket,
            counts={each: found.tally(unit.code, each) for each in BUCKETS},
            overdue=found.overdue(unit.code),
        )
        return answer


class FeedbackPost(FeedbackService):
    def reply(self):
        # Token-less API calls: anonymous citizens prove work, officials authenticate every
        # request, as plone.restapi's own writing services do.
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_body(self.request)
        if not isinstance(body, dict):
            body = {}
        if len(self.params) == 1:
            return self.act(self.report(), body)
        if self.params:
            raise not_found(self.request)
        return self.file(body)

    # -- a citizen files ---------------------------------------------------------------------

    def photos(self, body):
        """The ``photos`` list as ``(data, filename)`` pairs (base64, a data URL allowed)."""
        photos = body.get("photos") or []
        if not isinstance(photos, list):
            photos = [photos]
        decoded = []
        for photo in photos:
            photo = photo if isinstance(photo, dict) else {}
            data = str(photo.get("data") or "")
            data = data.split(",", 1)[1] if data.startswith("data:") else data
            name = photo.get("filename")
            try:
                decoded.append(
                    (base64.b64decode(data, validate=True), str(name) if name else None)
                )
            except (binascii.Error, ValueError):
                raise client_error(
                    BadRequest,
                    _(
                        "feedback_rest_photo_base64",
                        default="Ảnh phải gửi dạng base64 trong «data».",
                    ),
                    self.request,
                ) from None
        return decoded

    def file(self, body):
        portal = api.portal.get()
        try:
            challenge.verify(portal, body.get("altcha"))
        except UserError as error:
            raise refused(error, self.request) from None
        place = body.get("place")
        if not place and IAdministrativeUnit.providedBy(self.context):
            place = self.context.code
        contact = body.get("contact")
        if isinstance(contact, str):
            contact = {"kind": "email" if "@" in contact else "phone", "value": contact}
        try:
            report, code = file_checked(
                body.get("category"),
                str(place or ""),
                str(body.get("text") or ""),
                address=str(body.get("address") or ""),
                point=body.get("point"),
                photos=self.photos(body),
                contact=contact if isinstance(contact, dict) else None,
            )
        except Throttled as error:
            return too_many(error, self.request)
        except (UserError, Refused) as error:
            raise refused(error, self.request) from None
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", self.item_url(report))
        return {
            "@id": self.item_url(report),
            "id": report.id,
            "code": code,
            "follow_url": follow_url(self.portal_url, code),
            "url": f"{self.portal_url}/phan-anh/{report.id}" if report.listed else None,
            "listed": report.listed,
            "state": report.state,
            "handler": report.handler,
            "handler_title": unit_title(report.handler),
            "due": report.due.isoformat(),
        }

    # -- officials act -----------------------------------------------------------------------

    def act(self, report, body):
        self.require(can_handle(report))
        action = body.get("action")
        if action not in ACTIONS:
            raise unknown_action(ACTIONS, self.request)
        actor = api.user.get_current().getId()
        answer = None

        def text(name):
            value = body.get(name)
            return "" if value is None else str(value)

        try:
            if action == "note":
                internal = bool(body.get("internal", True))
                lifecycle.add_note(report, actor, text("note"), internal)
            elif action == "assign":
                lifecycle.assign(report, actor, text("userid"))
            elif action == "forward":
                lifecycle.forward(report, actor, text("unit"), text("note"))
            elif action == "merge":
                into = store(self.request).get(text("into"))
                if into is None or not can_handle(into):
                    raise not_found(self.request)
                lifecycle.merge(report, into, actor)
            elif action == "hide":
                lifecycle.hide(report, actor, text("reason"))
            else:
                answer = lifecycle.start_answer(
                    report, actor, self.answer_text(report, body)
                )
        except UserError as error:
            raise refused(error, self.request) from None
        shape = self.desk_item(report)
        if answer is not None:
            shape["answer_draft_url"] = answer.absolute_url()
        return shape

    def answer_text(self, report, body):
        """The ``text`` given, or the chosen template filled in for the report."""
        chosen = body.get("template")
        if chosen is None or chosen == "":
            return str(body.get("text") or "")
        category = load_policy().category(report.category)
        templates = category.templates if category else ()
        found = [
            template
            for number, template in enumerate(templates)
            if chosen in (number, str(number), template.title)
        ]
        if not found:
            raise client_error(
                BadRequest,
                _("feedback_rest_template", default="Không có mẫu trả lời này."),
                self.request,
            )
        return answer_text(report, found[0])
