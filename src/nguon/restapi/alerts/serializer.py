"""An alert's publication dates in plone.restapi's answers.

plone.restapi gives the Dublin Core dates of the Publication behaviour by calling the content's
method of the same name (``context.expires()``) to keep their time zone. On an alert the CAP
field ``expires`` (an attribute) hides that method, so serialising any alert whose expiration
date is set failed ("'datetime.datetime' object is not callable"): creating an alert over
HTTP answered 500. Here the method is called from the class instead.
"""

from nguon.content.alert import IAlert
from plone.app.dexterity.behaviors.metadata import IPublication
from plone.dexterity.content import DexterityContent
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.serializer.dxfields import DateTimeFieldSerializer
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
from zope.schema.interfaces import IDatetime


@adapter(IDatetime, IAlert, Interface)
@implementer(IFieldSerializer)
class AlertDateTimeFieldSerializer(DateTimeFieldSerializer):
    def __call__(self):
        if self.field.interface == IPublication and self.field.__name__ == "expires":
            if DefaultFieldSerializer.get_value(self):
                return json_compatible(DexterityContent.expires(self.context))
            return None
        return super().__call__()
