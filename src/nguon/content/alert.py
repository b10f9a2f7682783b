"""The warning (cảnh báo): an information item authored as an OASIS CAP 1.2 message.

An alert is an emergency item like any other (approval by level, reach, the emergency
procedure, the change log, every channel of its area) whose fields are those of a CAP
``<alert>`` with its Vietnamese ``<info>``; each further language is a child ``AlertInfo``
(a translation, or a recorded voice in a language no speech engine reads, such as Jrai,
Bahnar or H'Mông). Update and Cancel are new alerts whose ``references`` name the chain
(``nguon.alerts``); ``Test`` and ``Exercise`` alerts go only to devices marked for tests.

The facts here are the ones every channel reads (``infos``, ``is_public``, ``in_force``), so
radio and boards ask this module, never the alerts capability.
"""

from Acquisition import aq_base
from Acquisition import aq_inner
from Acquisition import aq_parent
from datetime import datetime
from datetime import UTC
from nguon import _
from nguon.content.distribution import IDistributed
from nguon.content.timezone import LOCAL_ZONE
from plone import api
from plone.app.dexterity.behaviors.metadata import IPublication
from plone.autoform import directives
from plone.dexterity.content import Container
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobFile
from plone.namedfile.field import NamedBlobImage
from plone.supermodel import model
from typing import NamedTuple
from zope import schema
from zope.event import notify
from zope.interface import implementer
from zope.lifecycleevent import ObjectModifiedEvent
from zope.lifecycleevent.interfaces import IObjectMovedEvent

import uuid


STATUSES = (
    ("Actual", _("cap_status_actual", default="Thật")),
    ("Exercise", _("cap_status_exercise", default="Diễn tập")),
    ("Test", _("cap_status_test", default="Thử nghiệm kỹ thuật")),
)
MSG_TYPES = (
    ("Alert", _("cap_msg_alert", default="Cảnh báo")),
    ("Update", _("cap_msg_update", default="Cập nhật")),
    ("Cancel", _("cap_msg_cancel", default="Hủy bỏ")),
)
CAP_CATEGORIES = (
    ("Geo", _("cap_category_geo", default="Địa chất (động đất, sạt lở)")),
    ("Met", _("cap_category_met", default="Khí tượng, thủy văn (bão, lũ, mưa lớn)")),
    ("Safety", _("cap_category_safety", default="An toàn chung")),
    ("Security", _("cap_category_security", default="An ninh, quốc phòng")),
    ("Rescue", _("cap_category_rescue", default="Cứu hộ, cứu nạn")),
    ("Fire", _("cap_category_fire", default="Cháy, nổ, cháy rừng")),
    ("Health", _("cap_category_health", default="Y tế, dịch bệnh")),
    ("Env", _("cap_category_env", default="Môi trường, ô nhiễm")),
    ("Transport", _("cap_category_transport", default="Giao thông")),
    ("Infra", _("cap_category_infra", default="Hạ tầng (điện, nước, viễn thông)")),
    ("CBRNE", _("cap_category_cbrne", default="Hóa chất, sinh học, phóng xạ, chất nổ")),
    ("Other", _("cap_category_other", default="Khác")),
)
RESPONSE_TYPES = (
    ("Shelter", _("cap_response_shelter", default="Trú ẩn tại chỗ")),
    ("Evacuate", _("cap_response_evacuate", default="Sơ tán")),
    ("Prepare", _("cap_response_prepare", default="Chuẩn bị ứng phó")),
    ("Execute", _("cap_response_execute", default="Thực hiện theo hướng dẫn")),
    ("Avoid", _("cap_response_avoid", default="Tránh xa khu vực")),
    ("Monitor", _("cap_response_monitor", default="Theo dõi thông tin")),
    ("Assess", _("cap_response_assess", default="Đánh giá tình hình")),
    ("AllClear", _("cap_response_allclear", default="Đã an toàn")),
    ("None", _("cap_response_none", default="Không cần hành động")),
)
URGENCIES = (
    ("Immediate", _("cap_urgency_immediate", default="Ngay lập tức")),
    ("Expected", _("cap_urgency_expected", default="Trong vòng một giờ tới")),
    ("Future", _("cap_urgency_future", default="Trong thời gian tới")),
    ("Past", _("cap_urgency_past", default="Đã qua")),
    ("Unknown", _("cap_urgency_unknown", default="Chưa rõ")),
)
SEVERITIES = (
    ("Extreme", _("cap_severity_extreme", default="Đặc biệt nguy hiểm")),
    ("Severe", _("cap_severity_severe", default="Nguy hiểm")),
    ("Moderate", _("cap_severity_moderate", default="Có thể gây hại")),
    ("Minor", _("cap_severity_minor", default="Ít nguy hiểm")),
    ("Unknown", _("cap_severity_unknown", default="Chưa rõ")),
)
CERTAINTIES = (
    ("Observed", _("cap_certainty_observed", default="Đã xảy ra")),
    ("Likely", _("cap_certainty_likely", default="Nhiều khả năng (trên 50%)")),
    ("Possible", _("cap_certainty_possible", default="Có thể (dưới 50%)")),
    ("Unlikely", _("cap_certainty_unlikely", default="Ít khả năng")),
    ("Unknown", _("cap_certainty_unknown", default="Chưa rõ")),
)
# RFC 5646 tags of the languages an alert may add beside Vietnamese. Minority languages
# without a speech engine (``spoken`` False) need a recorded voice to go on air.
LANGUAGES = (
    ("en-US", _("language_en", default="Tiếng Anh"), True),
    ("fr-FR", _("language_fr", default="Tiếng Pháp"), True),
    ("zh-CN", _("language_zh", default="Tiếng Trung"), True),
    ("km-KH", _("language_km", default="Tiếng Khmer"), False),
    ("lo-LA", _("language_lo", default="Tiếng Lào"), False),
    ("jra", _("language_jra", default="Tiếng Jrai"), False),
    ("bdq", _("language_bdq", default="Tiếng Ba Na"), False),
    ("hnj", _("language_hnj", default="Tiếng H'Mông"), False),
    ("tyz", _("language_tyz", default="Tiếng Tày"), False),
    ("ede", _("language_ede", default="Tiếng Ê Đê"), False),
)
VIETNAMESE = "vi-VN"
SPOKEN = {VIETNAMESE} | {tag for tag, _title, spoken in LANGUAGES if spoken}


class IAlert(IDistributed):
    """A CAP message with its Vietnamese ``<info>``; title (plone.basic) is the headline."""

    cap_status = schema.Choice(
        title=_("label_cap_status", default="Loại tin"),
        description=_(
            "help_cap_status",
            default="Tin thử nghiệm và diễn tập chỉ đến các thiết bị được đánh dấu nhận "
            "tin thử, không bao giờ đến người dân.",
        ),
        vocabulary="nguon.vocabularies.cap_statuses",
        default="Actual",
        required=True,
    )
    event = schema.TextLine(
        title=_("label_cap_event", default="Sự kiện"),
        description=_(
            "help_cap_event",
            default="Tên ngắn của hiện tượng, ví dụ: Lũ quét, Bão số 3.",
        ),
        max_length=120,
        required=True,
    )
    cap_categories = schema.Set(
        title=_("label_cap_categories", default="Nhóm cảnh báo"),
        value_type=schema.Choice(vocabulary="nguon.vocabularies.cap_categories"),
        required=True,
    )
    urgency = schema.Choice(
        title=_("label_cap_urgency", default="Mức khẩn trương"),
        vocabulary="nguon.vocabularies.cap_urgencies",
        required=True,
    )
    severity = schema.Choice(
        title=_("label_cap_severity", default="Mức nguy hiểm"),
        vocabulary="nguon.vocabularies.cap_severities",
        required=True,
    )
    certainty = schema.Choice(
        title=_("label_cap_certainty", default="Mức chắc chắn"),
        vocabulary="nguon.vocabularies.cap_certainties",
        required=True,
    )
    response_types = schema.Set(
        title=_("label_cap_response_types", default="Người dân cần làm gì"),
        value_type=schema.Choice(vocabulary="nguon.vocabularies.cap_response_types"),
        required=False,
        default=set(),
    )
    alert_description = schema.Text(
        title=_("label_cap_description", default="Mô tả"),
        description=_(
            "help_cap_description",
            default="Điều gì đang xảy ra hoặc sắp xảy ra, ở đâu, mức độ thế nào.",
        ),
        required=True,
    )
    instruction = schema.Text(
        title=_("label_cap_instruction", default="Hướng dẫn người dân"),
        required=False,
    )
    onset = schema.Datetime(
        title=_("label_cap_onset", default="Thời điểm bắt đầu ảnh hưởng"),
        required=False,
    )
    area_description = schema.TextLine(
        title=_("label_cap_area", default="Mô tả vùng ảnh hưởng"),
        description=_(
            "help_cap_area",
            default="Để trống thì dùng tên các đơn vị nhận.",
        ),
        max_length=500,
        required=False,
    )
    polygon = schema.Text(
        title=_("label_cap_polygon", default="Vùng vẽ (đa giác)"),
        description=_(
            "help_cap_polygon",
            default="Các điểm «vĩ độ,kinh độ» cách nhau bằng dấu cách, điểm cuối trùng "
            "điểm đầu (theo CAP 1.2).",
        ),
        required=False,
    )
    circle = schema.TextLine(
        title=_("label_cap_circle", default="Vùng tròn"),
        description=_(
            "help_cap_circle",
            default="«vĩ độ,kinh độ bán kính_km», ví dụ 16.46,107.59 5",
        ),
        required=False,
    )
    web = schema.URI(
        title=_("label_cap_web", default="Trang thông tin thêm"), required=False
    )
    contact = schema.TextLine(
        title=_("label_cap_contact", default="Liên hệ"), max_length=200, required=False
    )
    sender = schema.TextLine(
        title=_("label_cap_sender", default="Mã nơi gửi (sender)"),
        description=_(
            "help_cap_sender",
            default="Để trống thì dùng mã của trang (cấu hình nguon.alerts.sender).",
        ),
        required=False,
    )
    voice = NamedBlobFile(
        title=_("label_cap_voice", default="Giọng đọc ghi âm (tiếng Việt)"),
        description=_(
            "help_cap_voice",
            default="Nếu có, đài phát bản ghi âm này thay cho giọng đọc tổng hợp.",
        ),
        required=False,
    )
    image = NamedBlobImage(
        title=_("label_cap_image", default="Hình ảnh kèm theo"), required=False
    )
    repeat_times = schema.Int(
        title=_("label_cap_repeat_times", default="Số lần phát trên loa"),
        default=3,
        min=1,
        max=20,
        required=True,
    )
    repeat_minutes = schema.Int(
        title=_("label_cap_repeat_minutes", default="Cách nhau (phút)"),
        default=10,
        min=1,
        max=240,
        required=True,
    )

    # Kept by the capability, never typed by the author; priority is always "emergency".
    directives.omitted(
        "priority",
        "msg_type",
        "identifier",
        "sent",
        "references",
        "source_xml",
        "source_name",
    )
    msg_type = schema.Choice(
        title=_("label_cap_msg_type", default="Loại thông điệp"),
        vocabulary="nguon.vocabularies.cap_msg_types",
        default="Alert",
        required=True,
    )
    # Set when the alert is created (``nguon.alerts.events``), never typed: not required of
    # whoever creates one (plone.restapi refused alerts without it).
    identifier = schema.ASCIILine(
        title=_("label_cap_identifier", default="Mã"), required=False
    )
    sent = schema.Datetime(title=_("label_cap_sent", default="Gửi lúc"), required=False)
    references = schema.List(
        title=_("label_cap_references", default="Tham chiếu"),
        value_type=schema.TextLine(),
        default=[],
        required=False,
    )
    source_xml = schema.Bytes(title="source", required=False)
    source_name = schema.TextLine(title="source name", required=False)


class IAlertInfo(model.Schema):
    """The alert in one more language; title (plone.basic) is the headline."""

    language = schema.Choice(
        title=_("label_cap_language", default="Ngôn ngữ"),
        vocabulary="nguon.vocabularies.alert_languages",
        required=True,
    )
    event = schema.TextLine(
        title=_("label_cap_event", default="Sự kiện"), max_length=120, required=True
    )
    alert_description = schema.Text(
        title=_("label_cap_description", default="Mô tả"), required=True
    )
    instruction = schema.Text(
        title=_("label_cap_instruction", default="Hướng dẫn người dân"),
        required=False,
    )
    voice = NamedBlobFile(
        title=_("label_cap_info_voice", default="Giọng đọc ghi âm"),
        description=_(
            "help_cap_info_voice",
            default="Bắt buộc với ngôn ngữ chưa có giọng đọc tổng hợp (các tiếng dân tộc).",
        ),
        required=False,
    )


@implementer(IAlert)
class Alert(Container):
    """A warning; its other languages are ``AlertInfo`` children."""

    # Every alert is an emergency item: the approval chain, the emergency procedure and every
    # channel read ``priority``; no form, import or API call can make a warning wait in line.
    @property
    def priority(self):
        return "emergency"

    @priority.setter
    def priority(self, value):
        pass


@implementer(IAlertInfo)
class AlertInfo(Item):
    """One more language of the alert that holds it."""


class Info(NamedTuple):
    """One ``<info>``: what every channel reads of an alert, per language."""

    language: str
    event: str
    headline: str
    description: str
    instruction: str
    voice: object  # a NamedBlobFile with a recorded voice, or None

    @property
    def spoken(self):
        """Whether a speech engine can read it when there is no recorded voice."""
        return self.language in SPOKEN


def as_aware(moment):
    """Dexterity keeps naive datetimes from the forms: read them in the site's zone."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=LOCAL_ZONE)


def new_identifier():
    return f"nguon-{uuid.uuid4().hex}"


def is_alert(obj):
    return IAlert.providedBy(obj)


def _voice(obj):
    voice = getattr(aq_base(obj), "voice", None)
    return voice if voice is not None and getattr(voice, "size", 0) else None


def infos(alert):
    """The alert's ``Info`` per language, Vietnamese first, then its children in order."""
    found = [
        Info(
            VIETNAMESE,
            alert.event or "",
            alert.Title(),
            alert.alert_description or "",
            alert.instruction or "",
            _voice(alert),
        )
    ]
    for child in alert.objectValues():
        if IAlertInfo.providedBy(child):
            found.append(
                Info(
                    child.language,
                    child.event or "",
                    child.Title(),
                    child.alert_description or "",
                    child.instruction or "",
                    _voice(child),
                )
            )
    return found


def is_public(alert):
    """Only ``Actual`` alerts reach people; ``Test`` and ``Exercise`` go to test devices."""
    return getattr(alert, "cap_status", "Actual") == "Actual"


def expires_at(alert):
    """The aware time the alert stops being in force: Plone's expiration date (the
    ``plone.publication`` behaviour's "expires", which every channel already honours), the
    one home of CAP's ``expires``."""
    expiration = getattr(aq_base(alert), "expiration_date", None)
    return expiration.asdatetime() if expiration is not None else None


def set_expires(alert, moment):
    """Set when the alert stops being in force (an aware datetime, or a naive one in the
    site's zone), as the forms and plone.restapi set it: Plone keeps expiration dates in the
    process's own zone (``plone.app.dexterity``), so the moment is handed over in it."""
    IPublication(alert).expires = (
        as_aware(moment).astimezone().replace(tzinfo=None) if moment else None
    )


def in_force(alert, now=None):
    expires = expires_at(alert)
    return expires is None or (now or datetime.now(UTC)) < expires


def sender_of(alert):
    """The CAP sender: the alert's own, or the site's (registry ``nguon.alerts.sender``)."""
    if getattr(alert, "sender", None):
        return alert.sender
    return (
        api.portal.get_registry_record("nguon.alerts.sender", default=None)
        or "nguon@localhost"
    )


def language_changed(info, event):
    """A language added, changed or removed changes its alert: every channel (the index,
    the change log, the radio's audio) sees an edit of the alert itself. Removals that only
    come from removing the alert are the alert's own business."""
    if IObjectMovedEvent.providedBy(event) and event.object is not info:
        return
    alert = aq_parent(aq_inner(info))
    if IAlert.providedBy(alert):
        notify(ObjectModifiedEvent(alert))


def channels_of(alert):
    """A Cancel only tells the web it is over; every other message goes on every channel."""
    if getattr(alert, "msg_type", "Alert") == "Cancel":
        return ("web",)
    return ("board", "radio", "web")
