"""The effective and expiry dates of the plone.publication behaviour, checked with our rule.

Those fields live in the behaviour's schema, so an invariant on a type's own schema never
sees them. Add and edit forms (z3c.form) and plone.restapi's deserializer both check each
schema's invariants through the ``IManagerValidator`` adapter looked up for (context,
request, form, schema, widgets); this one is registered for the IPublication schema on the
Nguồn browser layer. It keeps any other invariant of the schema and replaces
plone.publication's own date check (English message, equal dates allowed) by
``check_dates_in_order``.
"""

from nguon.content.validation import check_dates_in_order
from nguon.interfaces import INguonLayer
from plone.app.dexterity.behaviors.metadata import EffectiveAfterExpires
from plone.app.dexterity.behaviors.metadata import IPublication
from z3c.form.interfaces import IManagerValidator
from z3c.form.util import getSpecification
from z3c.form.validator import InvariantsValidator
from z3c.form.validator import NoInputData
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid


@implementer(IManagerValidator)
@adapter(
    Interface,
    INguonLayer,
    Interface,
    getSpecification(IPublication, force=True),
    Interface,
)
class PublicationDatesValidator(InvariantsValidator):
    def validateObject(self, data):
        errors = [
            error
            for error in super().validateObject(data)
            if not isinstance(error, EffectiveAfterExpires)
        ]
        try:
            check_dates_in_order(data.effective, data.expires)
        except NoInputData:
            pass
        except Invalid as error:
            errors.append(error)
        return tuple(errors)
