"""Serialize an item's approval summary (plone.restapi's converters: dates as ISO 8601)."""

from nguon import _
from nguon.errors import client_error
from nguon.workflow.summary import approval_summary
from nguon.workflow.summary import in_approval_workflow
from nguon.workflow.summary import may_see_approval
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zExceptions import NotFound
from zExceptions import Unauthorized


class ApprovalGet(Service):
    def reply(self):
        if not in_approval_workflow(self.context):
            raise NotFound("@approval")
        if not may_see_approval(self.context):
            raise client_error(
                Unauthorized,
                _(
                    "approval_error_not_staff",
                    default="Chỉ cán bộ của đơn vị xem được quá trình duyệt.",
                ),
                self.request,
            )
        return {
            "@id": f"{self.context.absolute_url()}/@approval",
            **json_compatible(approval_summary(self.context)),
        }
