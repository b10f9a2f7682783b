"""Validation before approval, in Vietnamese: the CAP rules (``nguon.cap.rules``) on the
message an alert would send, and the alerts' own rule that a language no speech engine reads
has a recorded voice.

Two places ask: the workflow, before an alert is submitted, approved, published or published
in an emergency (``refuse_invalid``: the transition is refused with the list of problems, as
``nguon.workflow.events`` refuses the reach rule), and the add and edit forms and
plone.restapi, through z3c.form's ``IManagerValidator`` (``AlertValidator``, which keeps the
reach rule of ``nguon.workflow.validation``): time order, the drawn shapes and sizes are shown
at once under the form, before anyone submits.
"""

from datetime import datetime
from nguon import _
from nguon.alerts.message import local
from nguon.alerts.message import message
from nguon.alerts.message import sent_of
from nguon.alerts.message import shape
from nguon.cap import model
from nguon.cap import rules
from nguon.content import alert as alerts
from nguon.content.alert import IAlert
from nguon.content.timezone import LOCAL_ZONE
from nguon.workflow.validation import ReachValidator
from Products.CMFCore.WorkflowCore import WorkflowException
from z3c.form.validator import NoInputData
from zope.i18n import translate
from zope.interface import Invalid


WORKFLOW_ID = "nguon_approval_workflow"
CHECKED = ("submit", "approve", "publish", "emergency_publish")
LANGUAGE_TITLES = {tag: title for tag, title, _spoken in alerts.LANGUAGES}
# What a form says already: its required fields, and the schema's own invariant.
SAID_BY_THE_FORM = frozenset(
    {"missing-expires", "missing-description", "missing-area", "expires-before-onset"}
)


def voice_problems(alert):
    """A problem per language that no speech engine reads and has no recorded voice."""
    return [
        rules.Problem(
            f"info[{index}].resource",
            "voice-missing",
            _(
                "alert_problem_voice_missing",
                default="Phần ${language} cần bản ghi âm giọng đọc: chưa có giọng đọc "
                "tổng hợp cho ngôn ngữ này.",
                mapping={"language": LANGUAGE_TITLES.get(info.language, info.language)},
            ),
        )
        for index, info in enumerate(alerts.infos(alert))
        if not info.spoken and info.voice is None
    ]


def problems(alert, now=None):
    """Everything that keeps ``alert`` from going out, in document order."""
    return rules.check(message(alert, now), now) + voice_problems(alert)


def as_text(found, request):
    """The problems as one translated sentence list."""
    return " ".join(
        f"{number}) {translate(problem.message, context=request)}"
        for number, problem in enumerate(found, 1)
    )


def refuse_invalid(alert, event):
    """Before a transition that sends an alert on: refuse it while the message has problems."""
    if (
        event.workflow is None
        or event.workflow.getId() != WORKFLOW_ID
        or event.transition is None
        or event.transition.id not in CHECKED
    ):
        return
    found = problems(alert)
    if not found:
        return
    request = getattr(alert, "REQUEST", None)
    refusal = _(
        "alert_refused_problems",
        default="Cảnh báo chưa thể gửi đi, cần sửa: ${problems}",
        mapping={"problems": as_text(found, request)},
    )
    raise WorkflowException(translate(refusal, context=request))


def _value(data, name):
    try:
        return getattr(data, name, None)
    except NoInputData:
        return None


def _expires(data, context):
    """The expiry the form sets (Plone's publication dates, when they are in this form), or
    the one the alert has."""
    found = _value(data, "expires")
    if found is None and IAlert.providedBy(context):
        return alerts.expires_at(context)
    return found


def form_problems(data, context, now=None):
    """The problems a form's ``data`` (the alert's own fields) shows on its own: the order of
    its times, the polygon and circle, the sizes of its texts."""
    now = now or datetime.now(LOCAL_ZONE)
    sent = sent_of(context, now) if IAlert.providedBy(context) else local(now)
    info = model.Info(
        language=alerts.VIETNAMESE,
        categories=("Other",),
        event="-",
        urgency="Unknown",
        severity="Unknown",
        certainty="Unknown",
        onset=local(_value(data, "onset")),
        expires=local(_expires(data, context)),
        description=_value(data, "alert_description") or "-",
        instruction=_value(data, "instruction"),
        areas=(
            model.Area(
                description="-",
                polygons=shape(_value(data, "polygon")),
                circles=shape(_value(data, "circle")),
            ),
        ),
    )
    checked = model.Alert(identifier="form", sender="form", sent=sent, infos=(info,))
    return [
        problem
        for problem in rules.check(checked, now)
        if problem.code not in SAID_BY_THE_FORM
    ]


class AlertValidator(ReachValidator):
    """The reach rule for every distributed type, and an alert's CAP problems for alerts."""

    def validateObject(self, data):
        errors = super().validateObject(data)
        if not self.schema.isOrExtends(IAlert):
            return errors
        context = self.context if self.context is not None else self.view.context
        return errors + tuple(
            Invalid(translate(problem.message, context=self.request))
            for problem in form_problems(data, context)
        )
