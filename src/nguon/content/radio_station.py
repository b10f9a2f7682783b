"""The radio station (đài truyền thanh) of a commune: its loudspeaker clusters and its weekly
broadcast schedule. Its credentials (one per station, rotatable) live beside it
(``nguon.devices.credentials``), never in its fields."""

from nguon import _
from nguon.content import slots as slot_rules
from nguon.content.timezone import TIMEZONE
from nguon.errors import UserError
from plone.dexterity.content import Item
from zope import schema
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant


CLUSTER_STATES = ("hoạt động", "hỏng", "bảo trì")
DEFAULT_SLOTS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA;BYHOUR=6,17;BYMINUTE=0 | 15"


def parse_clusters(text):
    """``[{"name", "village", "device_id", "status"}]`` from one cluster per line
    ``tên | thôn | mã thiết bị | trạng thái``."""
    clusters, seen = [], set()
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4 or not all(parts[:3]):
            raise UserError(
                _(
                    "cluster_error_line",
                    default="Dòng ${line}: cần «tên cụm | thôn | mã thiết bị | trạng thái».",
                    mapping={"line": number},
                )
            )
        name, village, device_id, status = parts
        if status not in CLUSTER_STATES:
            raise UserError(
                _(
                    "cluster_error_status",
                    default="Dòng ${line}: trạng thái phải là một trong: ${states}.",
                    mapping={"line": number, "states": ", ".join(CLUSTER_STATES)},
                )
            )
        if device_id in seen:
            raise UserError(
                _(
                    "cluster_error_duplicate",
                    default="Dòng ${line}: mã thiết bị «${id}» bị trùng.",
                    mapping={"line": number, "id": device_id},
                )
            )
        seen.add(device_id)
        clusters.append(
            {"name": name, "village": village, "device_id": device_id, "status": status}
        )
    return clusters


def _valid(parse):
    def constraint(value):
        try:
            parse(value)
        except UserError as error:
            raise Invalid(error.message) from error
        return True

    return constraint


class IRadioStation(Interface):
    clusters = schema.Text(
        title=_("label_clusters", default="Cụm loa"),
        description=_(
            "help_clusters",
            default="Mỗi dòng một cụm loa: tên cụm | thôn | mã thiết bị | trạng thái (hoạt động, hỏng, bảo trì).",
        ),
        required=False,
        constraint=_valid(parse_clusters),
    )

    slots = schema.Text(
        title=_("label_slots", default="Khung giờ phát"),
        description=_(
            "help_slots",
            default="Mỗi dòng một quy tắc lặp RFC 5545 và độ dài (phút), ví dụ: FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA;BYHOUR=6,17;BYMINUTE=0 | 15",
        ),
        default=DEFAULT_SLOTS,
        required=True,
        constraint=_valid(slot_rules.parse_rules),
    )

    quiet_start = schema.TextLine(
        title=_("label_quiet_start", default="Giờ yên tĩnh bắt đầu"),
        default="21:00",
        required=True,
        constraint=_valid(lambda value: slot_rules.parse_time(value, None)),
    )

    quiet_end = schema.TextLine(
        title=_("label_quiet_end", default="Giờ yên tĩnh kết thúc"),
        default="06:00",
        required=True,
        constraint=_valid(lambda value: slot_rules.parse_time(value, None)),
    )

    holidays = schema.Text(
        title=_("label_holidays", default="Ngày nghỉ phát"),
        description=_(
            "help_holidays",
            default="Mỗi dòng một ngày YYYY-MM-DD không phát theo lịch (tin khẩn cấp vẫn phát).",
        ),
        required=False,
        constraint=_valid(slot_rules.parse_holidays),
    )

    receives_tests = schema.Bool(
        title=_(
            "label_receives_tests", default="Nhận tin cảnh báo thử nghiệm, diễn tập"
        ),
        description=_(
            "help_receives_tests",
            default="Chỉ chọn cho thiết bị dùng để thử: tin thử nghiệm và diễn tập chỉ đến "
            "các thiết bị này.",
        ),
        default=False,
        required=False,
    )

    @invariant
    def quiet_hours_differ(data):
        if (data.quiet_start or "").strip() == (
            data.quiet_end or ""
        ).strip() and data.quiet_start:
            raise Invalid(
                _(
                    "error_quiet_hours_equal",
                    default="Giờ yên tĩnh bắt đầu và kết thúc phải khác nhau.",
                )
            )


@implementer(IRadioStation)
class RadioStation(Item):
    """A commune radio station."""

    timezone = TIMEZONE

    def plan(self):
        return slot_rules.Plan(
            rules=slot_rules.parse_rules(self.slots or DEFAULT_SLOTS),
            quiet=(
                slot_rules.parse_time(self.quiet_start, slot_rules.DEFAULT_QUIET[0]),
                slot_rules.parse_time(self.quiet_end, slot_rules.DEFAULT_QUIET[1]),
            ),
            holidays=slot_rules.parse_holidays(self.holidays),
        )

    def cluster_list(self):
        return parse_clusters(self.clusters)
