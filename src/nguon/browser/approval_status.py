"""A viewlet under an item's title: where it waits, who approved it, why it was sent back,
and whether it was published under the emergency procedure; before it is submitted, who will
receive it (units, channels) and which units must approve it (``reach_preview``); and why it
is essential information, when it is (``nguon.publication.essential.why_essential``)."""

from nguon.publication.essential import why_essential
from nguon.workflow.reachable import reach_preview
from nguon.workflow.state import review_state
from nguon.workflow.summary import approval_summary
from nguon.workflow.summary import in_approval_workflow
from nguon.workflow.summary import may_see_approval
from plone.app.layout.viewlets.common import ViewletBase


# States from which the item is submitted: the summary of what submitting will do is shown.
BEFORE_SUBMISSION = ("draft", "rejected")


class ApprovalStatusViewlet(ViewletBase):
    def update(self):
        super().update()
        self.summary = self.preview = self.essential = None
        if in_approval_workflow(self.context) and may_see_approval(self.context):
            self.summary = approval_summary(self.context)
            self.essential = why_essential(self.context)
            if review_state(self.context) in BEFORE_SUBMISSION:
                self.preview = reach_preview(self.context)

    def available(self):
        return self.summary is not None
