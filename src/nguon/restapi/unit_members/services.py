"""The three verbs of ``@unit-members``. Bodies: ``{"kind": "approvers", "user": "x"}``."""

from nguon.errors import client_error
from nguon.units import membership
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.interface import alsoProvides


def listing(unit):
    return {
        "@id": f"{unit.absolute_url()}/@unit-members",
        "unit": {"code": unit.code, "title": unit.Title()},
        "groups": membership.members(unit),
    }


class UnitMembersGet(Service):
    def reply(self):
        return listing(self.context)


class _Change(Service):
    change = None

    def reply(self):
        # Token-less API calls authenticate every request; CSRF tokens are for the web forms.
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_body(self.request)
        try:
            type(self).change(self.context, body.get("kind"), body.get("user"))
        except membership.MembershipError as error:
            raise client_error(BadRequest, error, self.request) from None
        return listing(self.context)


class UnitMembersAdd(_Change):
    change = membership.add_member


class UnitMembersRemove(_Change):
    change = membership.remove_member
