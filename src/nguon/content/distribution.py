"""The fields the approval policy reads on every information item: its field (lĩnh vực), its
broadcast priority, and the area it targets (``nguon.workflow.approval`` reads them); and its
author's mark that it is essential information (``nguon.publication.essential`` reads it)."""

from nguon import _
from plone.autoform import directives
from plone.supermodel import model
from zope import schema


class IDistributed(model.Schema):
    """Field, priority, essential information and target area of an item."""

    category = schema.Choice(
        title=_("label_category", default="Lĩnh vực"),
        vocabulary="nguon.vocabularies.categories",
        required=True,
    )

    priority = schema.Choice(
        title=_("label_priority", default="Mức độ ưu tiên"),
        vocabulary="nguon.vocabularies.priorities",
        default="normal",
        required=True,
    )

    # Policy and emergencies make an item essential too: this is only the author's own say.
    essential = schema.Bool(
        title=_("label_essential", default="Thông tin thiết yếu"),
        description=_(
            "help_essential",
            default="Chọn khi tin phải đến được mọi đơn vị nhận, có bằng chứng trên sổ phát "
            "hành. Tin khẩn cấp và tin mà chính sách thông tin thiết yếu quy định luôn là "
            "thông tin thiết yếu, dù ô này không được chọn.",
        ),
        default=False,
        required=False,
    )

    target_scope = schema.Choice(
        title=_("label_target_scope", default="Phạm vi"),
        vocabulary="nguon.vocabularies.target_scopes",
        default="unit",
        required=True,
    )

    # Edited with the target picker (a search by name); the value stays the list of codes.
    directives.widget(target_units="nguon.browser.target_picker.TargetUnitsFieldWidget")
    target_units = schema.List(
        title=_("label_target_units", default="Đơn vị nhận"),
        description=_(
            "help_target_units",
            default="Các đơn vị nhận tin khi phạm vi là «các đơn vị trực thuộc được "
            "chọn» hoặc «toàn địa bàn»: tìm theo tên; chỉ những đơn vị tin này được "
            "phép gửi tới mới hiện ra.",
        ),
        value_type=schema.ASCIILine(),
        required=False,
        default=[],
    )
