"""``POST @workflow/<transition>`` as plone.restapi answers it, except that a transition the
reach rule refuses says why (``nguon.workflow.refusals``) in plone.restapi's error shape."""
from nguon.workflow.refusals import refusal
from plone.restapi.services.workflow.transition import WorkflowTransition
from zope.i18n import translate


class ReachAwareTransition(WorkflowTransition):
    def reply(self):
        offered = {t["id"] for t in self.wftool.getTransitionsFor(self.context)}
        reason = refusal(self.context, self.transition) if self.transition not in offered else None
        if reason is not None:
            self.request.response.setStatus(400)
            return {"error": {"type": "WorkflowException",
                              "message": translate(reason, context=self.request)}}
        return super().reply()
