"""The board notice (nội dung bảng tin): a short text and/or an image for public boards."""

from nguon import _
from nguon.content.distribution import IDistributed
from nguon.content.validation import BOARD_TEXT_MAX_CHARACTERS
from nguon.content.validation import check_any
from nguon.content.validation import check_board_text
from nguon.content.validation import check_dayparts
from nguon.content.validation import check_image
from nguon.content.validation import file_constraint
from nguon.content.validation import IMAGE_MAX_MB
from nguon.content.validation import value_constraint
from plone.dexterity.content import Item
from plone.namedfile.field import NamedBlobImage
from zope import schema
from zope.interface import implementer
from zope.interface import invariant


class IBoardNotice(IDistributed):
    """Title and effective dates come from behaviors."""

    text = schema.Text(
        title=_("label_board_text", default="Nội dung ngắn"),
        description=_(
            "help_board_text",
            default="Tối đa ${limit} ký tự.",
            mapping={"limit": BOARD_TEXT_MAX_CHARACTERS},
        ),
        required=False,
        constraint=value_constraint(check_board_text),
    )

    image = NamedBlobImage(
        title=_("label_board_image", default="Hình ảnh"),
        description=_(
            "help_board_image",
            default="JPEG, PNG, WEBP hoặc GIF, tối đa ${limit} MB.",
            mapping={"limit": IMAGE_MAX_MB},
        ),
        required=False,
        constraint=file_constraint(check_image),
    )

    dayparts = schema.Text(
        title=_("label_dayparts", default="Khung giờ hiển thị"),
        description=_(
            "help_dayparts",
            default="Để trống: cả ngày (trong giờ bật bảng). Mỗi dòng một khung giờ HH:MM-HH:MM, ví dụ 06:00-09:00. Tin khẩn cấp luôn hiển thị.",
        ),
        required=False,
        constraint=value_constraint(check_dayparts),
    )

    display_duration = schema.Int(
        title=_("label_display_duration", default="Thời gian hiển thị (giây)"),
        required=True,
        default=10,
        min=1,
    )

    @invariant
    def text_or_image(data):
        check_any(
            (data.text, data.image),
            _(
                "error_board_needs_text_or_image",
                default="Cần nhập nội dung ngắn hoặc tải lên hình ảnh.",
            ),
        )


@implementer(IBoardNotice)
class BoardNotice(Item):
    """An item for the public electronic boards."""
