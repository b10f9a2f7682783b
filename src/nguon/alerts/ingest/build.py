"""A received CAP message as the fields of an ``Alert`` and its ``AlertInfo`` children.

The Vietnamese ``<info>`` (language ``vi`` or ``vi-VN``) fills the alert's own fields; a
message without one fills them from its first ``<info>``, and the unit's approvers read
(and may translate) it before approving. Every other ``<info>`` in a language the site
offers (``content.alert.LANGUAGES``, matched by tag or by primary language: ``en`` is
``en-US``) and that a speech engine reads becomes an ``AlertInfo``; one in any other
language, or in a language that needs a recorded voice (resources are not fetched), stays
only in the original message, which the alert keeps (``source_xml``), and is noted. The first polygon and
circle of the areas are kept (an alert draws one of each); resources are not fetched.
"""

from nguon import _
from nguon.content import alert as alerts
from nguon.content.timezone import LOCAL_ZONE


# What a CAP category means among the site's fields (lĩnh vực) of information.
CATEGORY_FIELDS = {
    "Health": "health",
    "Security": "security",
    "Env": "environment",
}
DEFAULT_FIELD = "disaster"
OFFERED = {tag.lower(): tag for tag, _title, _spoken in alerts.LANGUAGES}


def is_vietnamese(info):
    return info.language.lower().split("-")[0] == "vi"


def offered_language(tag):
    """The site's tag for a CAP language tag, or None when the site offers none like it."""
    tag = tag.lower()
    if tag in OFFERED:
        return OFFERED[tag]
    primary = tag.split("-")[0]
    return next(
        (ours for key, ours in OFFERED.items() if key.split("-")[0] == primary), None
    )


def main_info(message):
    """The ``<info>`` that fills the alert's own fields: the Vietnamese one, else the first."""
    return next((i for i in message.infos if is_vietnamese(i)), message.infos[0])


def local(moment):
    """A CAP time as the forms keep it on an alert: naive, in the site's zone."""
    if moment is None:
        return None
    return moment.astimezone(LOCAL_ZONE).replace(tzinfo=None)


def _clip(text, limit):
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def onset_passed(message, now):
    """Whether the event began before ``now``: the alert's message, sent when it is
    approved, could not say so (``onset`` is never before ``sent``), so it is left out."""
    onset = main_info(message).onset
    return onset is not None and onset <= now


def alert_fields(message, source_name, source_xml, now):
    """The fields of the ``Alert`` made from ``message`` (a ``cap.model.Alert``)."""
    info = main_info(message)
    areas = [area for area in info.areas]
    polygons = [p for area in areas for p in area.polygons]
    circles = [c for area in areas for c in area.circles]
    return {
        "title": _clip(info.headline or info.event, 160),
        "category": next(
            (CATEGORY_FIELDS[c] for c in info.categories if c in CATEGORY_FIELDS),
            DEFAULT_FIELD,
        ),
        "target_scope": "subtree",
        "cap_status": message.status,
        "identifier": alerts.new_identifier(),
        "event": _clip(info.event, 120),
        "cap_categories": set(info.categories),
        "urgency": info.urgency,
        "severity": info.severity,
        "certainty": info.certainty,
        "response_types": set(info.response_types),
        "alert_description": info.description or "",
        "instruction": info.instruction or "",
        "onset": None if onset_passed(message, now) else local(info.onset),
        "expires": local(info.expires),
        "area_description": _clip("; ".join(area.description for area in areas), 500),
        "polygon": polygons[0] if polygons else None,
        "circle": circles[0] if circles else None,
        "web": info.web or None,
        "contact": _clip(info.contact, 200) or None,
        "source_xml": source_xml,
        "source_name": source_name,
    }


def info_fields(message):
    """([fields of each ``AlertInfo``], [notes]) for the other languages of ``message``."""
    main = main_info(message)
    found, notes = [], []
    for info in message.infos:
        if info is main or (is_vietnamese(info) and is_vietnamese(main)):
            continue
        language = offered_language(info.language)
        if language not in alerts.SPOKEN or any(
            f["language"] == language for f in found
        ):
            notes.append(
                _(
                    "cap_ingest_language_kept",
                    default="Phần thông tin ngôn ngữ ${language} chỉ được giữ trong bản "
                    "tin gốc (trang không có ngôn ngữ này, hoặc ngôn ngữ cần bản ghi âm "
                    "giọng đọc).",
                    mapping={"language": info.language},
                )
            )
            continue
        found.append(
            {
                "language": language,
                "title": _clip(info.headline or info.event, 160),
                "event": _clip(info.event, 120),
                "alert_description": info.description or "",
                "instruction": info.instruction or "",
            }
        )
    if not is_vietnamese(main):
        notes.append(
            _(
                "cap_ingest_no_vietnamese",
                default="Bản tin không có phần tiếng Việt: nội dung chính lấy từ phần "
                "tiếng ${language}, cần dịch trước khi duyệt.",
                mapping={"language": main.language},
            )
        )
    return found, notes
