"""The event every step of a report fires: mails (``nguon.feedback.notify``) and anything
else that follows a report subscribe to it rather than being called by the lifecycle."""

from zope.interface import Attribute
from zope.interface import implementer
from zope.interface import Interface


class IReportChanged(Interface):
    report = Attribute("The report (nguon.feedback.store.Report)")
    action = Attribute("What happened: the ``action`` of the step added to its history")
    step = Attribute("That step: a dict with at, actor, action, unit, note, internal")
    secrets = Attribute(
        "What only the citizen's mail may carry and the history never keeps: ``code`` "
        "(the citizen's secret code, on filing) and ``verification`` (the contact's code)"
    )


@implementer(IReportChanged)
class ReportChanged:
    def __init__(self, report, action, step, secrets):
        self.report = report
        self.action = action
        self.step = step
        self.secrets = secrets
