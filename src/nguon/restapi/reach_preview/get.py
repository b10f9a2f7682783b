"""Who will receive an item as it stands (units, channels) and the chain of units that must
approve it, or why its targets cannot be approved: what the item's page shows its staff
before they submit it (``nguon.workflow.reachable.reach_preview``)."""

from nguon import _
from nguon.errors import client_error
from nguon.workflow.reachable import reach_preview
from nguon.workflow.summary import may_see_approval
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from zExceptions import Unauthorized


class ReachPreviewGet(Service):
    def reply(self):
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
            "@id": f"{self.context.absolute_url()}/@reach-preview",
            **json_compatible(reach_preview(self.context)),
        }
