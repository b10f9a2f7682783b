"""Targets are checked when an item is saved, in the add and edit forms and in
plone.restapi alike: both check each schema's invariants through the ``IManagerValidator``
adapter, and this one adds the reach rule (``nguon.workflow.reach.check_proposal``) for the
schemas of distributed items, so an editor learns at once which units they cannot reach."""

from Acquisition import aq_chain
from Acquisition import aq_inner
from nguon.content.distribution import IDistributed
from nguon.content.unit import IAdministrativeUnit
from nguon.interfaces import INguonLayer
from nguon.workflow.reach import check_proposal
from nguon.workflow.reach import ReachError
from z3c.form.interfaces import IManagerValidator
from z3c.form.validator import InvariantsValidator
from z3c.form.validator import NoInputData
from zope.component import adapter
from zope.i18n import translate
from zope.interface import implementer
from zope.interface import Interface
from zope.interface import Invalid
from zope.interface.interfaces import IInterface


FACTS = ("priority", "category", "target_scope", "target_units")


def nearest_unit(context):
    """The unit ``context`` is (an add form's container) or is in."""
    return next(
        (
            obj
            for obj in aq_chain(aq_inner(context))
            if IAdministrativeUnit.providedBy(obj)
        ),
        None,
    )


@implementer(IManagerValidator)
@adapter(Interface, INguonLayer, Interface, IInterface, Interface)
class ReachValidator(InvariantsValidator):
    def validateObject(self, data):
        errors = super().validateObject(data)
        if not self.schema.isOrExtends(IDistributed):
            return errors
        # Add forms validate without a content object: the form's context is the container.
        context = (
            self.context
            if self.context is not None
            else getattr(self.view, "context", None)
        )
        unit = nearest_unit(context) if context is not None else None
        try:
            facts = {name: getattr(data, name) for name in FACTS}
        except (NoInputData, AttributeError):
            return errors
        if unit is None:
            return errors
        portal_type = getattr(self.view, "portal_type", None) or context.portal_type
        try:
            check_proposal(portal_type, facts, unit)
        except ReachError as error:
            errors += (Invalid(translate(error.message, context=self.request)),)
        return errors
