"""What a CAP message must meet before it is approved or accepted, beyond the schema.

``check(alert, now=None)`` returns the problems, each with the field it is about (a path
such as ``info[1].area[0].polygon[0]``), a stable ASCII code that the user interfaces map
to their place, and a Vietnamese message. No problem means the message may go out.

The rules: the times of CAP 1.2 (``sent`` with an explicit offset; ``effective`` and
``onset`` not before ``sent``; ``expires`` after ``sent``, ``effective`` and ``onset``),
one ``<info>`` per language, what the Google Public Alerts CAP profile requires of every
``<info>`` of an Alert or Update (``expires``, ``description``, at least one ``<area>``),
references on an Update or Cancel (to earlier messages), the characters CAP forbids in
``identifier`` and ``sender``, sane geometry, and the sizes below. A message whose
``expires`` is past is "expired": too late to send, and to accept.

Sizes, and why: a headline is what a board shows in large type and what a phone's
notification shows; Google's profile asks it to be short, and 160 characters (one SMS) is
the limit here. A description is read aloud by the radio and scrolls on boards: 3,000
characters is over three minutes of speech. An instruction says what to do now: 1,000.
An area description names places: 1,000. An identifier or sender: 255.
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.cap.model import circle
from nguon.cap.model import points

import math


HEADLINE = 160
DESCRIPTION = 3000
INSTRUCTION = 1000
AREA_DESCRIPTION = 1000
NAME = 255
# CAP 1.2 3.2.1: identifier and sender "MUST NOT include spaces, commas or restricted
# characters (< and &)"; any whitespace is treated as a space.
FORBIDDEN = frozenset(",<&")


@dataclass(frozen=True)
class Problem:
    """One rule a message breaks: where, a stable code, and the Vietnamese message."""

    field: str
    code: str
    message: object


def check(alert, now=None):
    """The problems of ``alert`` (a ``model.Alert``), in document order; [] when none."""
    now = now or datetime.now(UTC)
    problems = []
    problems += _names(alert)
    problems += _sent(alert)
    problems += _references(alert)
    if alert.msg_type in ("Alert", "Update") and not alert.infos:
        problems.append(
            Problem(
                "info",
                "missing-info",
                _(
                    "cap_rule_missing_info",
                    default="Bản tin cần ít nhất một phần thông tin (info).",
                ),
            )
        )
    seen = {}
    for index, info in enumerate(alert.infos):
        where = f"info[{index}]"
        if info.language.lower() in seen:
            problems.append(
                Problem(
                    f"{where}.language",
                    "duplicate-language",
                    _(
                        "cap_rule_duplicate_language",
                        default="Ngôn ngữ ${language} đã có ở phần thông tin thứ ${first}; mỗi ngôn ngữ chỉ một phần.",
                        mapping={
                            "language": info.language,
                            "first": seen[info.language.lower()] + 1,
                        },
                    ),
                )
            )
        seen.setdefault(info.language.lower(), index)
        problems += _times(alert, info, where, now)
        if alert.msg_type in ("Alert", "Update"):
            problems += _profile(info, where)
        problems += _sizes(info, where)
        for number, area in enumerate(info.areas):
            problems += _area(area, f"{where}.area[{number}]")
    return problems


def _names(alert):
    problems = []
    for field, value in (("identifier", alert.identifier), ("sender", alert.sender)):
        if not value or any(c.isspace() or c in FORBIDDEN for c in value):
            problems.append(
                Problem(
                    field,
                    f"{field}-invalid",
                    _(
                        "cap_rule_name_invalid",
                        default="${field} không được rỗng và không được chứa dấu cách, dấu phẩy, < hoặc &.",
                        mapping={"field": field},
                    ),
                )
            )
        elif len(value) > NAME:
            problems.append(_too_long(field, len(value), NAME))
    return problems


def _sent(alert):
    if alert.sent.utcoffset() is None:
        return [
            Problem(
                "sent",
                "sent-offset",
                _(
                    "cap_rule_sent_offset",
                    default="Thời gian gửi (sent) phải có múi giờ rõ ràng, ví dụ +07:00.",
                ),
            )
        ]
    return []


def _references(alert):
    if alert.msg_type in ("Update", "Cancel") and not alert.references:
        return [
            Problem(
                "references",
                "missing-references",
                _(
                    "cap_rule_missing_references",
                    default="Bản tin ${msg_type} phải dẫn chiếu (references) bản tin trước đó.",
                    mapping={"msg_type": alert.msg_type},
                ),
            )
        ]
    problems = []
    for index, reference in enumerate(alert.references):
        if reference.key == alert.key or _after(reference.sent, alert.sent):
            problems.append(
                Problem(
                    f"references[{index}]",
                    "reference-not-earlier",
                    _(
                        "cap_rule_reference_not_earlier",
                        default="Bản tin dẫn chiếu (references) ${reference} không phải bản tin gửi"
                        " trước bản tin này.",
                        mapping={"reference": str(reference)},
                    ),
                )
            )
    return problems


def _after(one, other):
    """Whether ``one`` is after ``other``; False when either has no offset (said elsewhere)."""
    if one.utcoffset() is None or other.utcoffset() is None:
        return False
    return one > other


# (field, the field it follows, may they be equal, code): the order of CAP's times. A
# warning often takes effect, or its event begins, the moment it is sent; it never expires
# then.
ORDER = (
    ("effective", "sent", True, "effective-before-sent"),
    ("onset", "sent", True, "onset-before-sent"),
    ("expires", "sent", False, "expires-before-sent"),
    ("expires", "effective", False, "expires-before-effective"),
    ("expires", "onset", False, "expires-before-onset"),
)


def _times(alert, info, where, now):
    times = {
        "sent": alert.sent,
        "effective": info.effective,
        "onset": info.onset,
        "expires": info.expires,
    }
    problems = []
    for name in ("effective", "onset", "expires"):
        if times[name] is not None and times[name].utcoffset() is None:
            problems.append(
                Problem(
                    f"{where}.{name}",
                    f"{name}-offset",
                    _(
                        "cap_rule_time_offset",
                        default="Thời điểm ${field} phải có múi giờ rõ ràng, ví dụ +07:00.",
                        mapping={"field": name},
                    ),
                )
            )
            times[name] = None
    if times["sent"].utcoffset() is None:
        times["sent"] = None
    for name, before, equal, code in ORDER:
        if times[name] is None or times[before] is None:
            continue
        if times[name] < times[before] or (times[name] == times[before] and not equal):
            mapping = {"field": name, "before": before}
            if equal:
                message = _(
                    "cap_rule_time_not_before",
                    default="Thời điểm ${field} không được sớm hơn ${before}.",
                    mapping=mapping,
                )
            else:
                message = _(
                    "cap_rule_time_after",
                    default="Thời điểm ${field} phải sau thời điểm ${before}.",
                    mapping=mapping,
                )
            problems.append(Problem(f"{where}.{name}", code, message))
    if times["expires"] is not None and times["expires"] <= now:
        problems.append(
            Problem(
                f"{where}.expires",
                "expired",
                _("cap_rule_expired", default="Cảnh báo đã hết hạn (expires đã qua)."),
            )
        )
    return problems


def _profile(info, where):
    problems = []
    if info.expires is None:
        problems.append(
            Problem(
                f"{where}.expires",
                "missing-expires",
                _(
                    "cap_rule_missing_expires",
                    default="Cần thời gian hết hạn (expires).",
                ),
            )
        )
    if not (info.description or "").strip():
        problems.append(
            Problem(
                f"{where}.description",
                "missing-description",
                _(
                    "cap_rule_missing_description",
                    default="Cần phần mô tả (description).",
                ),
            )
        )
    if not info.areas:
        problems.append(
            Problem(
                f"{where}.area",
                "missing-area",
                _("cap_rule_missing_area", default="Cần ít nhất một khu vực (area)."),
            )
        )
    return problems


def _sizes(info, where):
    problems = []
    for name, limit in (
        ("headline", HEADLINE),
        ("description", DESCRIPTION),
        ("instruction", INSTRUCTION),
    ):
        value = getattr(info, name) or ""
        if len(value) > limit:
            problems.append(
                _too_long(f"{where}.{name}", len(value), limit, code=f"{name}-too-long")
            )
    return problems


def _too_long(field, size, limit, code=None):
    return Problem(
        field,
        code or f"{field}-too-long",
        _(
            "cap_rule_too_long",
            default="${field} dài ${size} ký tự, tối đa ${limit}.",
            mapping={"field": field, "size": size, "limit": limit},
        ),
    )


def _area(area, where):
    problems = []
    if len(area.description) > AREA_DESCRIPTION:
        problems.append(
            _too_long(
                f"{where}.areaDesc",
                len(area.description),
                AREA_DESCRIPTION,
                code="area-description-too-long",
            )
        )
    for number, polygon in enumerate(area.polygons):
        code = _polygon_problem(polygon)
        if code:
            problems.append(
                Problem(
                    f"{where}.polygon[{number}]",
                    code,
                    _(
                        "cap_rule_polygon",
                        default='Vùng đa giác không hợp lệ: cần ít nhất 4 cặp "vĩ độ,kinh độ", điểm cuối trùng'
                        " điểm đầu, vĩ độ trong -90..90, kinh độ trong -180..180.",
                    ),
                )
            )
    for number, text in enumerate(area.circles):
        code = _circle_problem(text)
        if code:
            problems.append(
                Problem(
                    f"{where}.circle[{number}]",
                    code,
                    _(
                        "cap_rule_circle",
                        default='Vùng tròn không hợp lệ: cần "vĩ độ,kinh độ bán_kính_km", bán kính lớn hơn 0.',
                    ),
                )
            )
    return problems


def _polygon_problem(polygon):
    """The code of what is wrong with a polygon, or None."""
    try:
        pairs = points(polygon)
    except ValueError:
        return "polygon-malformed"
    if len(pairs) < 4:
        return "polygon-too-few-points"
    if not all(_on_earth(lat, lon) for lat, lon in pairs):
        return "polygon-out-of-range"
    if pairs[0] != pairs[-1]:
        return "polygon-not-closed"
    return None


def _circle_problem(text):
    try:
        lat, lon, radius = circle(text)
    except ValueError:
        return "circle-malformed"
    if not _on_earth(lat, lon):
        return "circle-out-of-range"
    if not (math.isfinite(radius) and radius > 0):
        return "circle-radius"
    return None


def _on_earth(lat, lon):
    return -90 <= lat <= 90 and -180 <= lon <= 180
