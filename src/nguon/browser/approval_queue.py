"""``@@approval-queue``: the approver's to-do list, oldest first, with counts per unit."""

from nguon.workflow.queue import approval_queue
from plone import api
from Products.Five.browser import BrowserView
from zExceptions import Unauthorized


class ApprovalQueueView(BrowserView):
    def __call__(self):
        if api.user.is_anonymous():
            raise Unauthorized("approval-queue")
        self.queue = approval_queue()
        self.titles = self.queue.unit_titles()
        return self.index()

    def counts(self):
        return sorted(
            (
                {"code": code, "title": self.titles[code], "count": count}
                for code, count in self.queue.counts.items()
            ),
            key=lambda entry: -entry["count"],
        )

    def items(self):
        for brain in self.queue.brains:
            yield {
                "url": brain.getURL(),
                "title": brain.Title,
                "unit": self.titles.get(brain.awaiting_unit, brain.awaiting_unit),
                "state": brain.review_state,
                "since": api.portal.get_localized_time(
                    brain.waiting_since, long_format=True
                )
                if brain.waiting_since
                else "",
                "creator": brain.Creator,
            }
