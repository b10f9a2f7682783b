"""``POST @workflow/<transition>`` as plone.restapi answers it, except that a transition the
reach rule refuses says why (``nguon.workflow.refusals``) in plone.restapi's error shape
(a ``BadRequest``, ``nguon.errors``)."""
from nguon.errors import client_error
from nguon.workflow.refusals import refusal
from plone.restapi.services.workflow.transition import WorkflowTransition
from zExceptions import BadRequest


class ReachAwareTransition(WorkflowTransition):
    def reply(self):
        offered = {t["id"] for t in self.wftool.getTransitionsFor(self.context)}
        reason = refusal(self.context, self.transition) if self.transition not in offered else None
        if reason is not None:
            raise client_error(BadRequest, reason, self.request)
        return super().reply()
