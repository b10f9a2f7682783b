"""A viewlet under an item's title: where it waits, who approved it, why it was sent back,
and whether it was published under the emergency procedure."""

from nguon.workflow.summary import approval_summary
from nguon.workflow.summary import in_approval_workflow
from nguon.workflow.summary import may_see_approval
from plone.app.layout.viewlets.common import ViewletBase


class ApprovalStatusViewlet(ViewletBase):
    def update(self):
        super().update()
        self.summary = None
        if in_approval_workflow(self.context) and may_see_approval(self.context):
            self.summary = approval_summary(self.context)

    def available(self):
        return self.summary is not None
