"""``POST @workflow/<transition>`` as plone.restapi answers it, except for refusals: a
transition the reach rule refuses says why (``nguon.workflow.refusals``), and one the workflow
refuses (a guard, a missing reason) is raised rather than answered as plone.restapi's own
``{"error": …}`` body, so that both come in the one error shape (``nguon.errors``) and nothing
the refused transition began to write is committed."""

from nguon.errors import client_error
from nguon.workflow.refusals import refusal
from plone.restapi.services.workflow.transition import WorkflowTransition
from zExceptions import BadRequest


class ReachAwareTransition(WorkflowTransition):
    def reply(self):
        offered = {t["id"] for t in self.wftool.getTransitionsFor(self.context)}
        reason = (
            refusal(self.context, self.transition)
            if self.transition not in offered
            else None
        )
        if reason is not None:
            raise client_error(BadRequest, reason, self.request)
        answer = super().reply()
        if (
            self.request.response.getStatus() == 400
            and isinstance(answer, dict)
            and "error" in answer
        ):
            raise BadRequest(answer["error"]["message"])  # plone.restapi translated it
        return answer
