"""A survey's services, for the citizen app (issue 20) and any other client.

- ``GET <survey>/@survey-answer`` (anyone who may view the survey): what to ask: the
  questions (``{"id", "kind", "text", "options": [{"id", "title"}], "low", "high",
  "required"}``), whether it takes answers now (``open``, ``opens``, ``closes``) and how an
  answer is proven (``answer_mode``: ``challenge`` or ``contact``).
- ``POST <survey>/@survey-answer`` ``{"answers": {"q1": "2", "q2": ["1", "3"], "q3": 4,
  "q4": "…"}, "altcha": "<payload>"}`` (``challenge`` mode; the challenge from
  ``@feedback-challenge``) or ``{"answers": …, "email": "…", "code": "123456"}``
  (``contact`` mode): 201 ``{"answered": true}``; 400 with the reason otherwise (closed, not
  published, a required question left blank, an option not offered, already answered, a
  proof that does not hold; 429 when the e-mail address asked too often).
- ``POST <survey>/@survey-code`` ``{"email": "…", "altcha": "<payload>"}`` (``contact``
  mode): mails the six-digit code; 202 ``{"sent": true}``.
- ``GET <survey>/@survey-results``: the live results (``nguon.feedback.surveys.results``)
  for the unit's officials, for everyone once published; 401 before.
"""

from nguon import _
from nguon.content.survey import questions
from nguon.errors import client_error
from nguon.errors import error_body
from nguon.errors import UserError
from nguon.feedback import surveys
from nguon.feedback.store import iso
from nguon.feedback.throttle import Throttled
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zExceptions import BadRequest
from zExceptions import Unauthorized
from zope.interface import alsoProvides


class SurveyForm(Service):
    def reply(self):
        survey = self.context
        opens, closes = surveys.window(survey)
        return {
            "@id": f"{survey.absolute_url()}/@survey-answer",
            "title": survey.Title(),
            "description": survey.Description(),
            "answer_mode": survey.answer_mode,
            "open": surveys.is_open(survey),
            "opens": iso(opens) if opens else None,
            "closes": iso(closes) if closes else None,
            "questions": [question.as_dict() for question in questions(survey)],
        }


class SurveyPost(Service):
    """What the writing services share: the JSON body and the refusals' shape."""

    status = 200

    def reply(self):
        # Citizens post without an account (plone.protect checks logged-in users only);
        # each answer costs a fresh proof of work or a mailed code.
        alsoProvides(self.request, IDisableCSRFProtection)
        body = json_body(self.request)
        if not isinstance(body, dict):
            body = {}
        try:
            shape = self.act(body)
        except Throttled as error:
            self.request.response.setHeader("Retry-After", str(error.retry_after))
            self.request.response.setStatus(429)
            return error_body(
                "TooManyRequests",
                error.translated(self.request),
                retry_after=error.retry_after,
            )
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from None
        self.request.response.setStatus(self.status)
        return shape

    def text(self, body, name):
        value = body.get(name)
        return value if isinstance(value, str) else ""


class SurveyAnswer(SurveyPost):
    status = 201

    def act(self, body):
        proof = surveys.Proof(
            challenge=self.text(body, "altcha"),
            email=self.text(body, "email"),
            code=self.text(body, "code"),
        )
        surveys.answer(self.context, body.get("answers"), proof)
        return {"answered": True}


class SurveyCode(SurveyPost):
    status = 202

    def act(self, body):
        surveys.request_code(
            self.context, self.text(body, "email"), self.text(body, "altcha")
        )
        return {"sent": True}


class SurveyResults(Service):
    def reply(self):
        if not surveys.may_see_results(self.context):
            raise client_error(
                Unauthorized,
                _(
                    "error_survey_results_hidden",
                    default="Kết quả khảo sát này chưa được công bố.",
                ),
                self.request,
            )
        return {
            "@id": f"{self.context.absolute_url()}/@survey-results",
            "title": self.context.Title(),
            **surveys.results(self.context),
        }
