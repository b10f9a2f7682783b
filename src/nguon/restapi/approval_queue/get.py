"""Serialize the approval queue: items oldest first, with the unit each waits at, and the
number of waiting items per unit. Items come in plone.restapi batches (``b_size`` up to
``bounded.MAX_SIZE``, ``b_start``, ``batching`` links); the counts cover the whole queue."""

from nguon import _
from nguon.errors import client_error
from nguon.restapi import bounded
from nguon.workflow.queue import approval_queue
from plone import api
from plone.restapi.services import Service
from zExceptions import Unauthorized


class ApprovalQueueGet(Service):
    def reply(self):
        if api.user.is_anonymous():
            raise client_error(
                Unauthorized,
                _(
                    "approval_queue_error_anonymous",
                    default="Cần đăng nhập để xem danh sách chờ duyệt.",
                ),
                self.request,
            )
        queue = approval_queue()
        found = bounded.batch(self.request, queue.brains)
        titles = queue.unit_titles()
        answer = bounded.page(
            found,
            [
                {
                    "@id": brain.getURL(),
                    "@type": brain.portal_type,
                    "title": brain.Title,
                    "description": brain.Description,
                    "review_state": brain.review_state,
                    "awaiting_unit": brain.awaiting_unit,
                    "awaiting_unit_title": titles.get(
                        brain.awaiting_unit, brain.awaiting_unit
                    ),
                    "owning_unit": brain.owning_unit,
                    "waiting_since": brain.waiting_since.ISO8601()
                    if brain.waiting_since
                    else None,
                    "creator": brain.Creator,
                }
                for brain in found
            ],
        )
        answer["counts"] = [
            {"unit": code, "title": titles[code], "count": count}
            for code, count in sorted(queue.counts.items(), key=lambda pair: -pair[1])
        ]
        return answer
