"""``POST @feedback-mine`` ``{"code", "action", …}``: the citizen's own report through the
secret code given when it was filed (the citizen app of issue 20 and any client).

Actions: ``view``; ``verify`` (``verification``: the code mailed to the contact);
``withdraw``; ``reopen`` (``reason``; once, after the answer); ``rate`` (``stars`` 1-5,
``comment``). Each answers the report as its author reads it: the public shape (scrubbed:
a code may be shared by mistake), its public steps, the contact's kind and whether it is
verified (never its value), and what the author may still do. A wrong code and an unknown
one read the same: 404. The code travels in the body, never in a URL (logs, referrers).
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.feedback import lifecycle
from nguon.feedback.shapes import public_view
from nguon.feedback.store import CLOSED
from nguon.restapi.feedback.common import refused
from nguon.restapi.feedback.common import store
from nguon.restapi.feedback.common import unknown_action
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import NotFound
from zope.interface import alsoProvides


ACTIONS = ("view", "verify", "withdraw", "reopen", "rate")


def own_view(report, base):
    """The report as its author reads it."""
    shape = public_view(report, base)
    contact = report.contact
    answered = report.state == CLOSED and bool(report.answer)
    shape.update(
        history=[
            {
                "at": step["at"].isoformat(),
                "action": step["action"],
                "note": step["note"],
            }
            for step in report.history
            if not step.get("internal")
        ],
        listed=report.listed,
        contact=(
            {"kind": contact["kind"], "verified": bool(contact.get("verified"))}
            if contact
            else None
        ),
        can_verify=bool(
            contact and not contact.get("verified") and contact.get("code")
        ),
        can_withdraw=report.is_open,
        can_reopen=answered and report.reopened < lifecycle.REOPEN_LIMIT,
        can_rate=answered and report.rating is None,
        merged_into=report.merged_into,
    )
    return shape


class MinePost(Service):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        self.request.response.setHeader("Cache-Control", "private, no-store")
        body = json_body(self.request)
        body = body if isinstance(body, dict) else {}
        code = str(body.get("code") or "").strip()[:100]
        report = store(self.request).by_token(code) if code else None
        if report is None:
            raise client_error(
                NotFound,
                _(
                    "feedback_follow_unknown",
                    default="Không tìm thấy phản ánh với mã này. Hãy kiểm tra lại đường "
                    "dẫn hoặc mã theo dõi đã nhận khi gửi phản ánh.",
                ),
                self.request,
            )
        action = body.get("action") or "view"
        if action not in ACTIONS:
            raise unknown_action(ACTIONS, self.request)
        try:
            if action == "verify":
                lifecycle.verify_contact(report, str(body.get("verification") or ""))
            elif action == "withdraw":
                lifecycle.withdraw(report)
            elif action == "reopen":
                lifecycle.reopen(report, str(body.get("reason") or ""))
            elif action == "rate":
                lifecycle.rate(
                    report, body.get("stars"), str(body.get("comment") or "")
                )
        except UserError as error:
            raise refused(error, self.request) from None
        return own_view(report, api.portal.get().absolute_url())
