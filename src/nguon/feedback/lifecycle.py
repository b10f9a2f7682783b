"""Every step of a report's life, in one place: filing, routing, handling, answering,
escalating, and what the citizen does with their own report.

Each function changes one report, re-indexes it in the store, appends a step to its history
and fires :class:`nguon.feedback.events.ReportChanged` (the mails follow from that). They
take the acting user id (``actor``; ``None`` for the citizen, ``"system"`` for the clock)
and trust the caller to have checked that the actor may act: the faces check
:func:`nguon.feedback.access.can_handle` for officials and the secret code for citizens.
A step that cannot be done raises :class:`nguon.errors.UserError` saying why, and changes
nothing.
"""

from html import escape
from nguon import _
from nguon.errors import UserError
from nguon.feedback import privacy
from nguon.feedback import workdays
from nguon.feedback.duplicates import fingerprint
from nguon.feedback.events import ReportChanged
from nguon.feedback.policy import load_policy
from nguon.feedback.store import ANSWERING
from nguon.feedback.store import CLOSED
from nguon.feedback.store import feedback_store
from nguon.feedback.store import IN_PROGRESS
from nguon.feedback.store import MERGED
from nguon.feedback.store import RECEIVED
from nguon.feedback.store import Report
from nguon.feedback.store import utc
from nguon.feedback.store import WITHDRAWN
from nguon.units.tree import ancestor_units
from nguon.units.tree import find_unit
from nguon.units.tree import group_id
from nguon.units.tree import GROUP_KINDS
from nguon.units.tree import lineage
from persistent.mapping import PersistentMapping
from plone import api
from plone.app.textfield.value import RichTextValue
from plone.namedfile.file import NamedBlobImage
from zope.annotation.interfaces import IAnnotations
from zope.event import notify

import hashlib
import hmac
import secrets


CITIZEN = None
SYSTEM = "system"
TEXT_MAX_CHARACTERS = 5000
RATINGS = range(1, 6)
REOPEN_LIMIT = 1
SATISFIED = 4  # stars from which a rating counts as satisfied (Huế-S: «hài lòng»)


def store():
    found = feedback_store(api.portal.get())
    if found is None:
        raise UserError(
            _("error_feedback_not_installed", default="Trang này chưa nhận phản ánh.")
        )
    return found


def _step(report, action, actor, now, note="", internal=False, secrets=None, **extra):
    """Append a step to the report's history and tell the subscribers. ``secrets`` (the
    citizen's code, a verification code) go to the subscribers (the mail to the citizen)
    and are never kept."""
    step = PersistentMapping(
        at=now,
        actor=actor,
        action=action,
        unit=report.handler,
        note=note or "",
        internal=internal,
        **extra,
    )
    report.history.append(step)
    notify(ReportChanged(report, action, step, secrets or {}))
    return step


def _change(report, change):
    """Apply ``change(report)`` with the report out of the indexes, then index it again."""
    found = store()
    found.unindex(report)
    change(report)
    found.index(report)
    found.publish(report)


def _require(condition, message):
    if not condition:
        raise UserError(message)


def _category(code):
    category = load_policy().category(code)
    _require(
        category is not None,
        _("error_feedback_category", default="Lĩnh vực phản ánh không hợp lệ."),
    )
    return category


def _clean_text(text):
    text = (text or "").strip()
    _require(
        len(text) >= 10,
        _(
            "error_feedback_text_short",
            default="Hãy mô tả sự việc (ít nhất 10 ký tự).",
        ),
    )
    _require(
        len(text) <= TEXT_MAX_CHARACTERS,
        _(
            "error_feedback_text_long",
            default="Nội dung dài quá ${limit} ký tự.",
            mapping={"limit": TEXT_MAX_CHARACTERS},
        ),
    )
    return text


# -- the citizen files --------------------------------------------------------------------


def file_report(
    category,
    place,
    text,
    address="",
    point=None,
    photos=(),
    contact=None,
    now=None,
):
    """File a report: ``place`` is the code of the unit where it happens (a commune),
    ``point`` ``(lat, lon)`` or None, ``photos`` cleaned photos (``privacy.clean_photo``),
    ``contact`` ``{"kind": "email"|"phone", "value"}`` or None. Returns ``(report, code)``:
    ``code`` is the citizen's secret to follow, withdraw, reopen and rate the report (only
    its hash is kept)."""
    now = utc(now)
    found = store()
    chosen = _category(category)
    unit = find_unit(place) if place else None
    _require(
        unit is not None,
        _("error_feedback_place", default="Hãy chọn xã, phường nơi xảy ra sự việc."),
    )
    areas = lineage(unit)
    _require(
        chosen in load_policy().offered([code for code, _level in areas]),
        _(
            "error_feedback_category_place",
            default="Lĩnh vực này không nhận phản ánh ở địa bàn đã chọn.",
        ),
    )
    privacy.check_photo_count(len(photos))
    text = _clean_text(text)
    handler = load_policy().handler(chosen.code, areas)
    report = Report(
        found.new_id(),
        now,
        chosen.code,
        unit.code,
        handler,
        text,
        privacy.scrub_text(text),
    )
    report.areas = tuple(code for code, _level in areas)
    report.address = (address or "").strip()[:300]
    report.public_address = privacy.scrub_text(report.address)
    report.point = _point(point)
    report.public = chosen.public
    report.contact = _contact(contact)
    report.due = utc(workdays.due_at(now, chosen.due_days))
    if chosen.warn_days:
        report.warn_at = utc(workdays.warn_at(report.due, chosen.warn_days))
    for number, photo in enumerate(photos, start=1):
        report.photos.append(
            NamedBlobImage(
                data=photo.data,
                contentType=photo.content_type,
                filename=f"anh-{number}.{photo.content_type.rsplit('/', 1)[-1]}",
            )
        )
    same_text = (handler, fingerprint(text))
    first = found.get(found.fingerprints.get(same_text))
    if first is not None and first.is_open:
        report.duplicate_of = first.id
    else:
        found.fingerprints[same_text] = report.id
    code = secrets.token_urlsafe(16)
    found.add(report, code)
    found.count(handler, "received", report.category, now)
    secrets_ = {"code": code}
    if report.contact is not None and report.contact["kind"] == "email":
        secrets_["verification"] = _new_verification(report, now)
    _step(report, "received", CITIZEN, now, secrets=secrets_)
    return report, code


def _point(point):
    if not point:
        return None
    try:
        lat, lon = (float(value) for value in point)
    except (TypeError, ValueError):
        lat = lon = None
    _require(
        lat is not None and -90 <= lat <= 90 and -180 <= lon <= 180,
        _("error_feedback_point", default="Tọa độ vị trí không hợp lệ."),
    )
    return (round(lat, 6), round(lon, 6))


def _contact(contact):
    if not contact or not (contact.get("value") or "").strip():
        return None
    kind = contact.get("kind")
    value = contact["value"].strip()
    if kind == "email":
        ok = "@" in value and "." in value.rsplit("@", 1)[-1] and " " not in value
        value = value.lower()
    elif kind == "phone":
        digits = "".join(ch for ch in value if ch.isdigit())
        if digits.startswith("84"):
            digits = "0" + digits[2:]
        ok = len(digits) == 10 and digits.startswith("0")
        value = digits
    else:
        ok = False
    _require(
        ok,
        _(
            "error_feedback_contact",
            default="Số điện thoại hoặc thư điện tử không hợp lệ.",
        ),
    )
    return PersistentMapping(kind=kind, value=value, verified=False)


# -- the contact -----------------------------------------------------------------------------

VERIFICATION_HOURS = 48


def _digest(code):
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _new_verification(report, now):
    """A six-digit code for the contact (only its hash and expiry are kept)."""
    code = f"{secrets.randbelow(10**6):06d}"
    report.contact["code"] = _digest(code)
    report.contact["code_expires"] = now.timestamp() + VERIFICATION_HOURS * 3600
    return code


def verify_contact(report, code, now=None):
    """The citizen proves the contact is theirs with the code mailed to it. Until then no
    other mail goes to it (a report must not make the site mail a stranger)."""
    contact = report.contact
    now = utc(now)
    ok = (
        contact is not None
        and contact.get("code")
        and now.timestamp() <= contact.get("code_expires", 0)
        and hmac.compare_digest(contact["code"], _digest((code or "").strip()))
    )
    _require(
        ok,
        _(
            "error_feedback_verification",
            default="Mã xác minh không đúng hoặc đã hết hạn.",
        ),
    )
    contact["verified"] = True
    contact.pop("code", None)
    return _step(report, "contact_verified", CITIZEN, now, internal=True)


# -- officials handle ---------------------------------------------------------------------


def _open(report):
    _require(
        report.is_open,
        _("error_feedback_not_open", default="Phản ánh này đã kết thúc xử lý."),
    )


def add_note(report, actor, note, internal=True, now=None):
    """A note on the report: internal (only the units that handle it read it) or not."""
    note = (note or "").strip()
    _require(note, _("error_feedback_note_empty", default="Hãy nhập nội dung ghi chú."))
    return _step(report, "note", actor, utc(now), note, internal=internal)


def _unit_members(unit_code):
    return {
        user.getId()
        for kind in GROUP_KINDS
        for user in api.user.get_users(groupname=group_id(unit_code, kind))
    }


def assign(report, actor, userid, now=None):
    """Give the report to one person of the handling unit (``userid``)."""
    _open(report)
    _require(
        userid in _unit_members(report.handler),
        _(
            "error_feedback_assignee",
            default="Người được giao phải là cán bộ của đơn vị xử lý.",
        ),
    )

    def change(report):
        report.assignee = userid
        if report.state == RECEIVED:
            report.state = IN_PROGRESS

    _change(report, change)
    return _step(report, "assigned", actor, utc(now), assignee=userid)


def forward(report, actor, unit_code, note, now=None):
    """Hand the report to another unit, above or below the one handling it, with a note.
    The due date stays: the citizen's wait does not start again."""
    _open(report)
    note = (note or "").strip()
    _require(
        note,
        _("error_feedback_forward_note", default="Hãy ghi lý do chuyển phản ánh."),
    )
    current = find_unit(report.handler)
    target = find_unit(unit_code)
    related = target is not None and current is not None and target is not current
    related = related and (
        current in ancestor_units(target) or target in ancestor_units(current)
    )
    _require(
        related,
        _(
            "error_feedback_forward_unit",
            default="Chỉ chuyển được phản ánh lên đơn vị cấp trên hoặc xuống đơn vị "
            "trực thuộc.",
        ),
    )
    source = report.handler

    def change(report):
        report.handler = target.code
        report.assignee = None
        report.state = RECEIVED if report.state == IN_PROGRESS else report.state
        if report.escalated_to == target.code:
            report.escalated_to = None

    _change(report, change)
    return _step(report, "forwarded", actor, utc(now), note, source=source)


def merge(report, into, actor, now=None):
    """Close ``report`` as a duplicate of ``into`` (both open, at the same unit): its
    author follows ``into`` from now on (told of every step)."""
    _open(report)
    _open(into)
    _require(
        report is not into and report.handler == into.handler,
        _(
            "error_feedback_merge",
            default="Chỉ gộp được hai phản ánh đang xử lý tại cùng một đơn vị.",
        ),
    )
    now = utc(now)

    def close(report):
        report.state = MERGED
        report.merged_into = into.id
        report.closed_at = now

    _change(report, close)
    into.followers.append(report.id)
    for follower in report.followers:
        into.followers.append(follower)
    _step(into, "merged_in", actor, now, source=report.id)
    return _step(report, "merged", actor, now, target=into.id)


def hide(report, actor, reason, now=None):
    """Take the report off the public pages (abuse, or personal data the scrubbing
    missed); the reason stays in the history for the units that handle it."""
    reason = (reason or "").strip()
    _require(reason, _("error_feedback_hide_reason", default="Hãy ghi lý do ẩn."))

    def change(report):
        report.public = False
        report.hidden_reason = reason

    _change(report, change)
    return _step(report, "hidden", actor, utc(now), reason, internal=True)


# -- the answer -----------------------------------------------------------------------------

ANSWERS_KEY = "nguon.feedback.answers"


def start_answer(report, actor, text="", now=None):
    """Write the answer: a bulletin in the handling unit, for the place of the report,
    that passes the approval workflow like any item; its publication closes the report
    (``answer_published``). Returns the bulletin (a draft of ``actor``)."""
    _open(report)
    _require(
        report.state != ANSWERING or not report.answer_draft,
        _(
            "error_feedback_answering",
            default="Phản ánh này đã có bản trả lời đang chờ duyệt.",
        ),
    )
    unit = find_unit(report.handler)
    chosen = load_policy().category(report.category)
    targets = (
        {"target_scope": "unit"}
        if report.place == report.handler
        else {"target_scope": "chosen", "target_units": [report.place]}
    )
    with api.env.adopt_user(username=actor):
        answer = api.content.create(
            container=unit,
            type="Bulletin",
            id=_answer_id(unit, report),
            title=api.portal.translate(
                _(
                    "feedback_answer_title",
                    default="Trả lời phản ánh số ${id}: ${category}",
                    mapping={"id": report.id, "category": chosen.title},
                ),
                lang="vi",
            ),
            description=report.public_text[:300],
            category=chosen.item_category,
            channels={"web"},
            **targets,
        )
        if text:
            answer.text = _rich(text)
    IAnnotations(answer)[ANSWERS_KEY] = report.id

    def change(report):
        report.state = ANSWERING
        report.answer_draft = answer.UID()

    _change(report, change)
    _step(report, "answer_started", actor, utc(now), answer=answer.UID())
    return answer


def _answer_id(unit, report):
    """The answer's id, fixed from the start (a title-made id would be a rename, which
    leaves an alias behind): ``tra-loi-phan-anh-<id>``, numbered after a reopening."""
    base = f"tra-loi-phan-anh-{report.id}"
    candidate, number = base, 1
    while candidate in unit:
        number += 1
        candidate = f"{base}-{number}"
    return candidate


def _rich(text):
    paragraphs = "".join(
        f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip()
    )
    return RichTextValue(paragraphs, "text/html", "text/x-html-safe")


def answered_report(item):
    """The report an item answers, or None."""
    report_id = IAnnotations(item).get(ANSWERS_KEY)
    found = feedback_store(api.portal.get())
    return found.get(report_id) if (report_id and found is not None) else None


def answer_published(item, now=None):
    """The answer ``item`` was published: the report is closed (counted on time when it
    was published on or before the due date)."""
    report = answered_report(item)
    if report is None or not report.is_open:
        return None
    now = utc(now)
    found = store()

    def close(report):
        report.state = CLOSED
        report.answer = item.UID()
        report.answer_draft = None
        report.closed_at = now

    _change(report, close)
    found.count(report.handler, "closed", report.category, now)
    if now <= report.due:
        found.count(report.handler, "closed_on_time", report.category, now)
    return _step(report, "answered", SYSTEM, now, answer=item.UID())


def answer_withdrawn(item, now=None):
    """The draft answer was deleted: the report waits for another answer."""
    report = answered_report(item)
    if report is None or report.state != ANSWERING:
        return None

    def change(report):
        report.state = IN_PROGRESS
        report.answer_draft = None

    _change(report, change)
    return _step(report, "answer_withdrawn", SYSTEM, utc(now), internal=True)


# -- the clock --------------------------------------------------------------------------------


def warn(report, now=None):
    """The due date is near: the handling unit is told (once)."""
    if not report.is_open or report.warned:
        return None
    _change(report, lambda report: setattr(report, "warned", True))
    return _step(report, "warned", SYSTEM, utc(now), internal=True)


def escalate(report, now=None):
    """The due date passed with the report open: the unit above the handling unit sees
    it on its desk too (the report stays with its handler, who must still answer; the
    unit above may take it over by forwarding it to itself)."""
    if not report.is_open or report.escalated_to:
        return None
    unit = find_unit(report.handler)
    above = ancestor_units(unit) if unit is not None else []
    if not above:
        return None
    now = utc(now)

    def change(report):
        report.escalated_to = above[0].code
        report.escalated_at = now

    _change(report, change)
    store().count(report.handler, "escalated", report.category, now)
    return _step(report, "escalated", SYSTEM, now, target=above[0].code)


def tick(now=None):
    """Run the clock: every warning and escalation due at ``now``. Returns how many steps
    it took."""
    now = utc(now)
    steps = 0
    for kind, report, _when in list(store().due_timers(now)):
        done = warn(report, now) if kind == "warn" else escalate(report, now)
        steps += done is not None
    return steps


# -- the citizen follows -----------------------------------------------------------------------


def withdraw(report, now=None):
    """The author withdraws the report: it leaves the public pages and the desk."""
    _open(report)
    now = utc(now)

    def change(report):
        report.state = WITHDRAWN
        report.closed_at = now

    _change(report, change)
    store().count(report.handler, "withdrawn", report.category, now)
    return _step(report, "withdrawn", CITIZEN, now)


def reopen(report, reason, now=None):
    """The author is not satisfied with the answer: the report is open again (once), with
    a new due date."""
    _require(
        report.state == CLOSED and report.answer and report.reopened < REOPEN_LIMIT,
        _(
            "error_feedback_reopen",
            default="Chỉ mở lại được một lần một phản ánh đã được trả lời.",
        ),
    )
    reason = (reason or "").strip()
    _require(
        reason,
        _("error_feedback_reopen_reason", default="Hãy cho biết vì sao chưa hài lòng."),
    )
    now = utc(now)
    chosen = load_policy().category(report.category)

    def change(report):
        report.state = RECEIVED
        report.reopened += 1
        report.closed_at = None
        report.warned = False
        report.escalated_to = None
        report.due = utc(workdays.due_at(now, chosen.due_days if chosen else 10))
        report.warn_at = (
            utc(workdays.warn_at(report.due, chosen.warn_days))
            if chosen and chosen.warn_days
            else None
        )

    _change(report, change)
    store().count(report.handler, "reopened", report.category, now)
    return _step(report, "reopened", CITIZEN, now, privacy.scrub_text(reason))


def rate(report, stars, comment="", now=None):
    """The author rates the answer, 1 to 5 stars, once."""
    _require(
        report.state == CLOSED and report.answer and report.rating is None,
        _(
            "error_feedback_rate",
            default="Chỉ đánh giá được một lần, sau khi phản ánh đã được trả lời.",
        ),
    )
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    _require(
        stars in RATINGS,
        _("error_feedback_rating", default="Hãy chọn từ 1 đến 5 sao."),
    )
    now = utc(now)
    report.rating = stars
    report.rating_comment = privacy.scrub_text((comment or "").strip()[:1000])
    found = store()
    found.count(report.handler, "rated", report.category, now)
    found.count(report.handler, "rating_sum", report.category, now, step=stars)
    if stars >= SATISFIED:
        found.count(report.handler, "satisfied", report.category, now)
    return _step(report, "rated", CITIZEN, now, rating=stars)
