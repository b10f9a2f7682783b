"""The public electronic board (bảng tin điện tử): an LED or LCD board in a public place, its
resolution and opening hours. Its credential (one per board, rotatable) lives beside it
(``nguon.devices``)."""

from nguon import _
from nguon.content.slots import parse_time
from nguon.errors import UserError
from plone.dexterity.content import Item
from zope import schema
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface import invariant
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


SIZE_CLASSES = SimpleVocabulary(
    [
        SimpleTerm(
            "led", title=_("board_size_led", default="Bảng LED (nhỏ, chỉ nhận ảnh)")
        ),
        SimpleTerm(
            "lcd", title=_("board_size_lcd", default="Màn hình LCD (chạy trình duyệt)")
        ),
    ]
)


def _time(value):
    try:
        parse_time(value, None)
    except UserError as error:
        raise Invalid(error.message) from error
    return True


class IPublicBoard(Interface):
    location = schema.TextLine(
        title=_("label_board_location", default="Vị trí đặt bảng"), required=True
    )
    size_class = schema.Choice(
        title=_("label_board_size_class", default="Loại bảng"),
        vocabulary=SIZE_CLASSES,
        default="lcd",
        required=True,
    )
    width = schema.Int(
        title=_("label_board_width", default="Chiều ngang (điểm ảnh)"),
        min=32,
        max=7680,
        default=1920,
        required=True,
    )
    height = schema.Int(
        title=_("label_board_height", default="Chiều dọc (điểm ảnh)"),
        min=16,
        max=7680,
        default=1080,
        required=True,
    )
    opening_start = schema.TextLine(
        title=_("label_board_opening_start", default="Giờ bật bảng"),
        default="06:00",
        required=True,
        constraint=_time,
    )
    opening_end = schema.TextLine(
        title=_("label_board_opening_end", default="Giờ tắt bảng"),
        default="22:00",
        required=True,
        constraint=_time,
    )
    default_duration = schema.Int(
        title=_(
            "label_board_default_duration", default="Thời gian hiển thị mặc định (giây)"
        ),
        min=3,
        max=600,
        default=12,
        required=True,
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
    def led_is_small(data):
        if (
            data.size_class == "led"
            and (data.width or 0) * (data.height or 0) > 512 * 256
        ):
            raise Invalid(
                _(
                    "error_led_too_large",
                    default="Bảng LED có độ phân giải nhỏ (tối đa 512×256); chọn «Màn hình LCD» cho màn hình lớn.",
                )
            )


@implementer(IPublicBoard)
class PublicBoard(Item):
    """A public electronic board."""

    def is_open(self, moment):
        """True when ``moment`` (aware) is within the opening hours (emergencies show anyway)."""
        from nguon.content.slots import in_quiet_hours

        start, end = (
            parse_time(self.opening_start, None),
            parse_time(self.opening_end, None),
        )
        return not in_quiet_hours(moment, (end, start))
