"""The units matching ``q`` (name without diacritics, or code) that an item may target, with
their level and whether choosing one makes the approval chain climb (``chain``: the units that
would approve). On a unit (an add form's container) the type comes from ``portal_type``; on an
item, from the item. ``priority``, ``category`` and ``target_scope`` default to the item's (or
the policy's defaults) and may be given as the form stands."""

from nguon import _
from nguon.content.channels import DISTRIBUTED_TYPES
from nguon.content.vocabularies import CATEGORIES
from nguon.content.vocabularies import PRIORITIES
from nguon.content.vocabularies import TARGET_SCOPES
from nguon.errors import client_error
from nguon.units.tree import item_unit
from nguon.workflow.reachable import chain_for
from nguon.workflow.reachable import reachable_units
from nguon.workflow.reachable import unit_info
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zExceptions import BadRequest


MAX_QUERY = 100
ALLOWED = {
    "priority": {value for value, _title in PRIORITIES},
    "category": {value for value, _title in CATEGORIES},
    "target_scope": {value for value, _title in TARGET_SCOPES},
}


def _refuse(request, name):
    raise client_error(
        BadRequest,
        _(
            "reachable_units_error_parameter",
            default="Giá trị của tham số «${name}» không hợp lệ.",
            mapping={"name": name},
        ),
        request,
    )


class ReachableUnitsGet(Service):
    """Registered for units (Add portal content) and for distributed items (Modify portal
    content): only who may write there asks."""

    def _type_and_unit(self):
        if self.context.portal_type in DISTRIBUTED_TYPES:
            return self.context.portal_type, item_unit(self.context)
        portal_type = self.request.form.get("portal_type")
        if portal_type not in DISTRIBUTED_TYPES:
            _refuse(self.request, "portal_type")
        return portal_type, self.context

    def _facts(self):
        item = self.context.portal_type in DISTRIBUTED_TYPES
        facts = {}
        for name, allowed in ALLOWED.items():
            value = self.request.form.get(name) or (
                getattr(self.context, name, None) if item else None
            )
            if value is not None and value not in allowed:
                _refuse(self.request, name)
            facts[name] = value
        return facts

    def reply(self):
        query = self.request.form.get("q") or ""
        if not isinstance(query, str) or len(query) > MAX_QUERY:
            _refuse(self.request, "q")
        portal_type, unit = self._type_and_unit()
        facts = self._facts()
        own_chain = chain_for(portal_type, facts, unit, [unit.code])
        return json_compatible(
            {
                "@id": f"{self.context.absolute_url()}/@reachable-units",
                "unit": unit_info(unit),
                "own_chain": [unit_info(code) for code in own_chain],
                "items": reachable_units(portal_type, facts, unit, query),
            }
        )
