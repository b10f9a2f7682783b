"""The bulletin (tin, thông báo): the everyday item a unit writes for its people."""
from nguon import _
from plone.dexterity.content import Item
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IBulletin(model.Schema):
    """Title, summary, text, effective dates and lead image come from behaviors."""

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

    channels = schema.Set(
        title=_("label_channels", default="Kênh phát hành"),
        value_type=schema.Choice(vocabulary="nguon.vocabularies.channels"),
        default={"web"},
        required=True,
    )


@implementer(IBulletin)
class Bulletin(Item):
    """A bulletin published by an administrative unit."""
