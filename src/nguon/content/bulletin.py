"""The bulletin (tin, thông báo): the everyday item a unit writes for its people."""

from nguon import _
from nguon.content.distribution import IDistributed
from plone.dexterity.content import Item
from zope import schema
from zope.interface import implementer


class IBulletin(IDistributed):
    """Title, summary, text, effective dates and lead image come from behaviors; field,
    priority and target area from IDistributed."""

    channels = schema.Set(
        title=_("label_channels", default="Kênh phát hành"),
        value_type=schema.Choice(vocabulary="nguon.vocabularies.channels"),
        default={"web"},
        required=True,
    )


@implementer(IBulletin)
class Bulletin(Item):
    """A bulletin published by an administrative unit."""
