"""The fields the approval policy reads on every information item: its field (lĩnh vực), its
broadcast priority, and the area it targets (``nguon.workflow.approval`` reads them)."""

from nguon import _
from plone.supermodel import model
from zope import schema


class IDistributed(model.Schema):
    """Field, priority and target area of an item."""

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

    target_scope = schema.Choice(
        title=_("label_target_scope", default="Phạm vi"),
        vocabulary="nguon.vocabularies.target_scopes",
        default="unit",
        required=True,
    )

    target_units = schema.List(
        title=_("label_target_units", default="Đơn vị nhận"),
        description=_(
            "help_target_units",
            default="Mã các đơn vị trực thuộc nhận tin khi phạm vi là «các đơn vị được chọn».",
        ),
        value_type=schema.ASCIILine(),
        required=False,
        default=[],
    )
