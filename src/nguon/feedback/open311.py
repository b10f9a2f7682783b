"""Open311 GeoReport v2 at ``<site>/open311/v2/``: every call of the specification, in XML and
JSON (the suffix chooses: ``services.xml``, ``services.json``), so that existing Open311
clients and city apps read and file citizens' reports.

- ``discovery.{fmt}``: the endpoint, its formats and how to get a key.
- ``services.{fmt}``: the categories of ``policies/feedback.yaml`` (``service_code`` is the
  category's code); ``?address_id=<unit code>`` (an extension) keeps those offered there.
- ``services/<service_code>.{fmt}``: the service definition (no attributes: ``metadata``
  is false for every service; the place is the standard ``address_id``).
- ``GET requests.{fmt}``: public reports only (``report.listed``), the newest first:
  ``service_request_id`` (a comma list; overrides the rest), ``service_code`` and ``status``
  (comma lists), ``start_date``/``end_date`` (W3C datetimes; the last 90 days by default, at
  most 90 days), the ``page``/``page_size`` extension (1000 at most, the default) and the
  ``address_id`` extension (the reports made in that unit's area).
- ``GET requests/<id>.{fmt}``: one public report.
- ``POST requests.{fmt}`` (form-encoded or multipart): ``api_key`` (``nguon.feedback.apikeys``),
  ``service_code``, ``address_id`` = the code of the commune (or ward) where it happens,
  ``lat``/``long`` and ``address_string`` kept as the point and the address, ``email`` or
  ``phone`` as the contact (never published nor returned; ``first_name``/``last_name`` are not
  kept), ``description``, photos as multipart ``media`` files (FixMyStreet's extension;
  ``media_url`` is ignored: the site never fetches a URL a client names). Answers 201.
- ``tokens/<token>.{fmt}``: every service is ``realtime``, so no token is ever issued: 404.

Errors are the spec's: HTTP 400, 403 (``api_key``), 404 or 429 (a key or contact over its
limit, with ``Retry-After``), the body a list of ``{"code", "description"}`` (XML
``<errors><error>``), the description in the site's language.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from heapq import merge
from itertools import islice
from nguon import _
from nguon.content.validation import IMAGE_MAX_MB
from nguon.content.validation import MB
from nguon.content.validation import Refused
from nguon.content.vocabularies import LEVELS
from nguon.errors import UserError
from nguon.feedback import apikeys
from nguon.feedback import georeport
from nguon.feedback.intake import file_checked
from nguon.feedback.policy import load_policy
from nguon.feedback.policy import POLICY_FILE
from nguon.feedback.shapes import public_view
from nguon.feedback.shapes import unit_title
from nguon.feedback.store import feedback_store
from nguon.feedback.store import newest_first
from nguon.feedback.store import utcnow
from nguon.feedback.throttle import Throttled
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from nguon.units.tree import UNIT_TYPE
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from Products.Five.browser import BrowserView
from urllib.parse import urlsplit
from zope.i18n import translate
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse

import re


VERSION = "v2"
MAX_SPAN = timedelta(days=90)
MAX_PAGE_SIZE = 1000
MAX_IDS = 1000
_NAME = re.compile(r"(?P<name>[^/]+)\.(?P<fmt>json|xml)")


class Open311Error(Exception):
    """An answer of the spec's error shape: HTTP ``status``, ``message`` (i18n)."""

    def __init__(self, status, message, retry_after=None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry_after = retry_after


def _not_found(message):
    return Open311Error(404, message)


def _bad(message):
    return Open311Error(400, message)


def _split(value):
    return [part.strip() for part in (value or "").split(",") if part.strip()]


@implementer(IPublishTraverse)
class Open311View(BrowserView):
    """``<site>/open311/v2/<call>.<fmt>``: collects the path, then answers the call."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.path = []
        self.status = 200

    def publishTraverse(self, request, name):
        self.path.append(name)
        return self

    # -- dispatch ------------------------------------------------------------------------------

    def __call__(self):
        self.fmt = georeport.JSON
        method = self.request.get("REQUEST_METHOD", "GET").upper()
        try:
            root, value = self.answer(method)
        except Open311Error as error:
            return self.error(error)
        return self.respond(root, value, self.status)

    def answer(self, method):
        if not self.path or self.path[0] != VERSION:
            raise _not_found(
                _(
                    "open311_version",
                    default="Chỉ có Open311 GeoReport v2 tại /open311/v2/.",
                )
            )
        *folders, last = self.path[1:] or ["?"]
        matched = _NAME.fullmatch(last)
        if matched is None:
            raise _not_found(
                _(
                    "open311_resource",
                    default="Không có tài nguyên này; thêm đuôi .json hoặc .xml "
                    "(ví dụ services.json).",
                )
            )
        self.fmt, name = matched["fmt"], matched["name"]
        self.check_jurisdiction()
        call = (tuple(folders), name if not folders else "*", method)
        handlers = {
            ((), "discovery", "GET"): self.discovery,
            ((), "services", "GET"): self.services,
            (("services",), "*", "GET"): self.service_definition,
            ((), "requests", "GET"): self.requests,
            ((), "requests", "POST"): self.create,
            (("requests",), "*", "GET"): self.one_request,
            (("tokens",), "*", "GET"): self.token,
        }
        handler = handlers.get(call)
        if handler is None:
            raise _not_found(
                _(
                    "open311_resource",
                    default="Không có tài nguyên này; thêm đuôi .json hoặc .xml "
                    "(ví dụ services.json).",
                )
            )
        return handler(name)

    def respond(self, root, value, status=200):
        response = self.request.response
        response.setStatus(status)
        response.setHeader("Content-Type", georeport.CONTENT_TYPES[self.fmt])
        response.setHeader("Access-Control-Allow-Origin", "*")
        return georeport.render(root, value, self.fmt)

    def error(self, error):
        if error.retry_after:
            self.request.response.setHeader("Retry-After", str(error.retry_after))
        body = georeport.errors(error.status, self.translate(error.message))
        return self.respond("errors", body, error.status)

    def translate(self, message):
        return translate(message, context=self.request)

    # -- the site ------------------------------------------------------------------------------

    @property
    def portal(self):
        return api.portal.get()

    @property
    def base(self):
        return f"{self.portal.absolute_url()}/open311/{VERSION}"

    def jurisdiction_id(self):
        """The site's host name without ``www.``, as the spec suggests."""
        host = urlsplit(self.portal.absolute_url()).hostname or ""
        return host.removeprefix("www.")

    def check_jurisdiction(self):
        """One jurisdiction is served: ``jurisdiction_id`` may be left out; another is
        not found."""
        given = (self.request.form.get("jurisdiction_id") or "").strip()
        if given and given != self.jurisdiction_id():
            raise _not_found(
                _(
                    "open311_jurisdiction",
                    default="Không tìm thấy jurisdiction_id «${given}»; trang này là «${site}».",
                    mapping={"given": given, "site": self.jurisdiction_id()},
                )
            )

    def store(self):
        found = feedback_store(self.portal)
        if found is None:
            raise _bad(
                _(
                    "error_feedback_not_installed",
                    default="Trang này chưa nhận phản ánh.",
                )
            )
        return found

    # -- discovery and services ----------------------------------------------------------------

    def changeset(self):
        """When the services last changed: the policy file's modification time."""
        return georeport.w3(datetime.fromtimestamp(POLICY_FILE.stat().st_mtime, UTC))

    def discovery(self, name):
        contact = api.portal.get_registry_record("plone.email_from_address", default="")
        return "discovery", {
            "changeset": self.changeset(),
            "contact": f"{self.portal.Title()}: {contact or '-'}",
            "key_service": self.translate(
                _(
                    "open311_key_service",
                    default="Đọc không cần khóa. Ứng dụng gửi phản ánh cần khóa API "
                    "(api_key) do quản trị viên của trang cấp; hãy liên hệ địa chỉ trên.",
                )
            ),
            "endpoints": [
                {
                    "specification": georeport.SPECIFICATION,
                    "url": self.base,
                    "changeset": self.changeset(),
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }

    def service(self, category):
        levels = dict(LEVELS)
        return {
            "service_code": category.code,
            "service_name": category.title,
            "description": self.service_notice(category),
            "metadata": False,
            "type": "realtime",
            "keywords": ", ".join(_split(re.sub(r"[()]", ",", category.title))),
            "group": self.translate(levels.get(category.level, category.level)),
        }

    def service_notice(self, category):
        if category.public:
            message = _(
                "open311_notice_public",
                default="Giải quyết trong ${days} ngày làm việc; nội dung (đã che thông "
                "tin cá nhân) và câu trả lời được công khai.",
                mapping={"days": category.due_days},
            )
        else:
            message = _(
                "open311_notice_private",
                default="Giải quyết trong ${days} ngày làm việc; phản ánh thuộc lĩnh vực "
                "này không được công khai.",
                mapping={"days": category.due_days},
            )
        return self.translate(message)

    def services(self, name):
        policy = load_policy()
        categories = policy.categories
        place = (self.request.form.get("address_id") or "").strip()
        if place:
            categories = policy.offered([code for code, _level in self.place(place)])
        return "services", [self.service(category) for category in categories]

    def place(self, code):
        """The lineage of the unit ``code`` (``address_id``), or a 400 saying what it is."""
        unit = find_unit(code)
        if unit is None:
            raise _bad(
                _(
                    "open311_address_id",
                    default="address_id «${code}» không phải mã xã, phường (mã đơn vị "
                    "hành chính) của trang này.",
                    mapping={"code": code},
                )
            )
        return lineage(unit)

    def category(self, code):
        category = load_policy().category(code)
        if category is None:
            raise _not_found(
                _(
                    "open311_service_code",
                    default="Không có service_code «${code}»; xem services.json.",
                    mapping={"code": code},
                )
            )
        return category

    def service_definition(self, code):
        self.category(code)
        return "service_definition", {"service_code": code, "attributes": []}

    def token(self, name):
        raise _not_found(
            _(
                "open311_token",
                default="Không có token «${token}»: trang này trả service_request_id ngay "
                "khi nhận (mọi dịch vụ đều là realtime).",
                mapping={"token": name},
            )
        )

    # -- reading requests ----------------------------------------------------------------------

    def status_notes(self, report, public):
        if public["answer"]:
            return public["answer"]["title"]
        if report.escalated_to:
            return self.translate(
                _(
                    "open311_status_escalated",
                    default="Quá hạn, đã báo lên ${unit}.",
                    mapping={"unit": unit_title(report.escalated_to)},
                )
            )
        return None

    def as_request(self, report):
        public = public_view(report, self.portal.absolute_url())
        category = load_policy().category(report.category)
        notice = self.service_notice(category) if category else None
        return georeport.service_request(
            report, public, self.status_notes(report, public), notice
        )

    def one_request(self, report_id):
        report = self.store().get(report_id)
        if report is None or not report.listed:
            raise _not_found(
                _(
                    "open311_request_not_found",
                    default="Không có phản ánh công khai số «${id}».",
                    mapping={"id": report_id},
                )
            )
        return "service_requests", [self.as_request(report)]

    def integer(self, name, default, most):
        raw = (self.request.form.get(name) or "").strip()
        if not raw:
            return default
        if not raw.isdigit() or not 1 <= int(raw) <= most:
            raise _bad(
                _(
                    "open311_integer",
                    default="«${name}» phải là số nguyên từ 1 đến ${most}.",
                    mapping={"name": name, "most": most},
                )
            )
        return int(raw)

    def moment(self, name):
        raw = self.request.form.get(name)
        if not raw:
            return None
        try:
            return georeport.parse_w3(raw)
        except ValueError:
            raise _bad(
                _(
                    "open311_date",
                    default="«${name}» phải là ngày giờ W3C có múi giờ, ví dụ "
                    "2026-11-30T00:00:00+07:00 hoặc 2026-11-30T00:00:00Z.",
                    mapping={"name": name},
                )
            ) from None

    def period(self):
        """``(since, until)``: the last 90 days unless asked, never more than 90 days."""
        since, until = self.moment("start_date"), self.moment("end_date")
        if until is None:
            until = since + MAX_SPAN if since else utcnow()
        if since is None:
            since = until - MAX_SPAN
        if since > until or until - since > MAX_SPAN:
            raise _bad(
                _(
                    "open311_period",
                    default="start_date phải trước end_date, cách nhau không quá 90 ngày.",
                )
            )
        return since, until

    def filters(self):
        codes = set(_split(self.request.form.get("service_code")))
        unknown = sorted(code for code in codes if not load_policy().category(code))
        if unknown:
            raise _bad(
                _(
                    "open311_service_code",
                    default="Không có service_code «${code}»; xem services.json.",
                    mapping={"code": ", ".join(unknown)},
                )
            )
        statuses = set(_split(self.request.form.get("status")))
        if statuses - {"open", "closed"}:
            raise _bad(
                _("open311_status", default="«status» chỉ nhận open hoặc closed.")
            )
        return codes, statuses

    def top_areas(self):
        """The codes of the units at the top of the site's tree (every public report is
        indexed under its lineage's top)."""
        path = "/".join(self.portal.getPhysicalPath())
        brains = api.content.find(
            portal_type=UNIT_TYPE, path={"query": path, "depth": 1}, unrestricted=True
        )
        return sorted(brain.unit_code for brain in brains if brain.unit_code)

    def areas(self):
        """The areas read: the unit ``address_id`` names (an extension: the reports made
        in a commune, a province), else the whole site."""
        code = (self.request.form.get("address_id") or "").strip()
        if code:
            self.place(code)
            return [code]
        return self.top_areas()

    def in_period(self, found, since, until):
        """The public reports received between ``since`` and ``until``, the newest first:
        one range of the store's public index per area, read forwards."""
        ranges = [
            found.public.keys(
                (area, newest_first(until)), (area, newest_first(since), "\uffff")
            )
            for area in self.areas()
        ]
        for key in merge(*ranges, key=lambda key: key[1:]):
            report = found.reports.get(key[-1])
            if report is not None and report.listed:
                yield report

    def requests(self, name):
        found = self.store()
        ids = _split(self.request.form.get("service_request_id"))
        if ids:
            reports = (found.get(report_id) for report_id in ids[:MAX_IDS])
            chosen = [report for report in reports if report and report.listed]
            return "service_requests", [self.as_request(r) for r in chosen]
        codes, statuses = self.filters()
        since, until = self.period()
        page = self.integer("page", 1, 10**6)
        size = self.integer("page_size", MAX_PAGE_SIZE, MAX_PAGE_SIZE)
        matching = (
            report
            for report in self.in_period(found, since, until)
            if (not codes or report.category in codes)
            and (not statuses or georeport.status(report) in statuses)
        )
        start = (page - 1) * size
        chosen = list(islice(matching, start, start + size))
        return "service_requests", [self.as_request(report) for report in chosen]

    # -- filing --------------------------------------------------------------------------------

    def client(self):
        client = apikeys.check(self.portal, self.request.form.get("api_key"))
        if client is None:
            raise Open311Error(
                403,
                _(
                    "open311_api_key",
                    default="Thiếu hoặc sai api_key; ứng dụng gửi phản ánh cần khóa do "
                    "quản trị viên của trang cấp.",
                ),
            )
        return client

    def point(self):
        lat, lon = (self.request.form.get(name) for name in ("lat", "long"))
        if not lat and not lon:
            return None
        if not lat or not lon:
            raise _bad(_("open311_lat_long", default="Cần gửi cả lat và long (WGS84)."))
        return (lat, lon)

    def contact(self):
        for kind, name in (("email", "email"), ("phone", "phone")):
            value = (self.request.form.get(name) or "").strip()
            if value:
                return {"kind": kind, "value": value}
        return None

    def media(self):
        """The uploaded ``media`` files as ``(data, filename)`` pairs."""
        uploads = self.request.form.get("media") or []
        if not isinstance(uploads, list):
            uploads = [uploads]
        return [
            # More than the limit is refused as too large: never read a whole flood.
            (upload.read(IMAGE_MAX_MB * MB + 1), getattr(upload, "filename", None))
            for upload in uploads
            if hasattr(upload, "read")
        ]

    def create(self, name):
        alsoProvides(self.request, IDisableCSRFProtection)
        client = self.client()
        form = self.request.form
        code = (form.get("service_code") or "").strip()
        if not code:
            raise _bad(_("open311_service_code_missing", default="Thiếu service_code."))
        category = self.category(code)
        place = (form.get("address_id") or "").strip()
        if not place:
            raise _bad(
                _(
                    "open311_place_missing",
                    default="Cần address_id: mã xã, phường (mã đơn vị hành chính) nơi "
                    "xảy ra sự việc; lat/long và address_string được lưu kèm nhưng "
                    "không đủ để xác định đơn vị xử lý.",
                )
            )
        self.place(place)
        point = self.point()
        try:
            apikeys.LIMITS.admit(client.key_id)
            report, _code = file_checked(
                category.code,
                place,
                form.get("description"),
                address=form.get("address_string") or "",
                point=point,
                photos=self.media(),
                contact=self.contact(),
            )
        except (Throttled, apikeys.KeyThrottled) as error:
            raise Open311Error(429, error.message, error.retry_after) from None
        except Refused as error:
            raise _bad(error.args[0]) from None
        except UserError as error:
            raise _bad(error.message) from None
        self.request.response.setHeader(
            "Location", f"{self.base}/requests/{report.id}.{self.fmt}"
        )
        created = {
            "service_request_id": report.id,
            "service_notice": self.translate(
                _(
                    "open311_created",
                    default="Đã chuyển tới ${unit}; hạn giải quyết ${due}.",
                    mapping={
                        "unit": unit_title(report.handler),
                        "due": georeport.w3(report.due),
                    },
                )
            ),
            "account_id": None,
        }
        self.status = 201
        return "service_requests", [created]
