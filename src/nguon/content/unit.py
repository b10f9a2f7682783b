"""The administrative unit: a folder for everything one level of government publishes."""

from nguon import _
from plone.dexterity.content import Container
from plone.supermodel import model
from zope import schema
from zope.interface import implementer


class IAdministrativeUnit(model.Schema):
    """A unit of the administrative tree: central, province, (district), commune."""

    code = schema.ASCIILine(
        title=_("label_unit_code", default="Mã đơn vị hành chính"),
        description=_(
            "help_unit_code",
            default="Mã chính thức theo danh mục đơn vị hành chính Việt Nam (ví dụ 46, 19753).",
        ),
        required=True,
    )

    level = schema.Choice(
        title=_("label_unit_level", default="Cấp"),
        vocabulary="nguon.vocabularies.levels",
        required=True,
    )

    division_type = schema.TextLine(
        title=_("label_division_type", default="Loại đơn vị"),
        description=_(
            "help_division_type",
            default="Ví dụ: tỉnh, thành phố trung ương, xã, phường, đặc khu.",
        ),
        required=False,
    )


@implementer(IAdministrativeUnit)
class AdministrativeUnit(Container):
    """An administrative unit, holding its sub-units and its own items."""
