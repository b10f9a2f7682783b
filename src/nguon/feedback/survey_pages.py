"""The survey's pages: its own page (``view``: the questions as a form), its results
(``ket-qua``) and the approver's «Công bố kết quả» (``cong-bo-ket-qua``).

- ``view``: the questions as an accessible form (fieldsets and legends, labels on every
  choice, the required ones marked and announced), with the ALTCHA widget (``challenge``
  mode) or the e-mail code (``contact`` mode: a first small form mails the code, the answer
  carries it). A POST from another site is refused (``public.same_origin``); a refusal
  answers 400 with the form again, what was chosen kept, the message on top. An answer
  in the ``challenge`` mode leaves a cookie, so the same browser is told it answered.
- ``ket-qua``: live for the officials of the survey's unit, for the public once the
  unit published the results (else Unauthorized: the login form for the anonymous).
- ``cong-bo-ket-qua``: a POST with Plone's CSRF token, for who may review the survey.
"""

from nguon import _
from nguon.content.survey import CONTACT
from nguon.content.survey import MULTIPLE
from nguon.content.survey import questions
from nguon.content.survey import TEXT_MAX_CHARACTERS
from nguon.errors import UserError
from nguon.feedback import surveys
from nguon.feedback.public import local_time
from nguon.feedback.public import same_origin
from plone import api
from plone.protect import CheckAuthenticator
from plone.protect import PostOnly
from Products.Five import BrowserView
from Products.statusmessages.interfaces import IStatusMessage
from urllib.parse import urlsplit
from zExceptions import Unauthorized
from zope.i18n import translate


COOKIE_PREFIX = "nguon-khao-sat-"
COOKIE_SECONDS = 366 * 24 * 3600
RESULTS = "ket-qua"


def cookie_name(survey):
    return f"{COOKIE_PREFIX}{survey.UID()}"


def window_text(survey):
    """When the survey opens and closes, in Vietnam's time (empty when not set)."""
    opens, closes = surveys.window(survey)
    return {"opens": local_time(opens), "closes": local_time(closes)}


class SurveyPage(BrowserView):
    """The survey's page, its form and what follows an answer."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.portal_url = api.portal.get().absolute_url()
        self.error = None
        self.notice = None
        self.done = False

    def __call__(self):
        if self.request.method == "POST":
            self.post()
        return self.index()

    def tr(self, message):
        return translate(message, context=self.request)

    # -- what the page shows ------------------------------------------------------------

    def questions(self):
        return questions(self.context)

    def is_open(self):
        return surveys.is_open(self.context)

    def window(self):
        return window_text(self.context)

    def by_contact(self):
        return self.context.answer_mode == CONTACT

    def answered_here(self):
        return bool(self.request.cookies.get(cookie_name(self.context)))

    def results_url(self):
        if surveys.may_see_results(self.context):
            return f"{self.context.absolute_url()}/{RESULTS}"
        return None

    def challenge_url(self):
        return f"{self.portal_url}/@feedback-challenge"

    def resource(self, name):
        return f"{self.portal_url}/++resource++nguon-feedback/{name}"

    def text_limit(self):
        return TEXT_MAX_CHARACTERS

    def value(self, name):
        return self.request.form.get(name, "")

    def chosen(self, question, option_id):
        """Whether ``option_id`` was chosen in the form sent (kept after a refusal)."""
        sent = self.request.form.get(question.id)
        if question.kind == MULTIPLE:
            sent = sent if isinstance(sent, list) else [sent]
            return option_id in sent
        return sent == option_id

    # -- what a POST does --------------------------------------------------------------

    def post(self):
        if not same_origin(self.request):
            self.refuse(
                _(
                    "feedback_cross_site",
                    default="Biểu mẫu này chỉ nhận dữ liệu gửi từ chính trang này.",
                ),
                status=403,
            )
            return
        try:
            if "form.code" in self.request.form:
                surveys.request_code(
                    self.context, self.value("email"), self.value("altcha")
                )
                self.notice = self.tr(
                    _(
                        "survey_code_sent",
                        default="Đã gửi mã xác minh tới địa chỉ thư điện tử của ông/bà. "
                        "Nhập mã vào ô bên dưới rồi gửi câu trả lời.",
                    )
                )
            elif "form.answer" in self.request.form:
                self.answer()
        except UserError as error:
            self.refuse(error.message)

    def answer(self):
        values = {
            question.id: self.request.form.get(question.id)
            for question in self.questions()
        }
        proof = surveys.Proof(
            challenge=self.value("altcha"),
            answered_cookie=self.answered_here(),
            email=self.value("email"),
            code=self.value("code"),
        )
        surveys.answer(self.context, values, proof)
        if not self.by_contact():
            self.request.response.setCookie(
                cookie_name(self.context),
                "1",
                # The address's path, as the browser sees it behind a virtual host.
                path=urlsplit(self.context.absolute_url()).path or "/",
                max_age=COOKIE_SECONDS,
                http_only=True,
                same_site="Lax",
            )
        self.done = True

    def refuse(self, message, status=400):
        self.error = self.tr(message)
        self.request.response.setStatus(status)


class SurveyResults(BrowserView):
    """The results: live for the unit's officials, public once published."""

    def __call__(self):
        if not surveys.may_see_results(self.context):
            raise Unauthorized(RESULTS)
        self.results = surveys.results(self.context)
        return self.index()

    def window(self):
        return window_text(self.context)

    def may_publish(self):
        return (
            not self.context.results_public
            and surveys.may_publish_results(self.context)
            and api.content.get_state(self.context) == "published"
        )

    def bar(self, percent):
        return f"width: {percent}%"

    def number(self, value):
        """A decimal as Vietnamese writes it (a comma before the decimals)."""
        return f"{value:.1f}".replace(".", ",")


class PublishResults(BrowserView):
    """«Công bố kết quả»: the approver makes the results public (POST with the token)."""

    def __call__(self):
        PostOnly(self.request)
        CheckAuthenticator(self.request)
        messages = IStatusMessage(self.request)
        try:
            surveys.publish_results(self.context)
        except UserError as error:
            messages.add(error.translated(self.request), type="error")
        else:
            messages.add(
                translate(
                    _(
                        "survey_results_published",
                        default="Đã công bố kết quả khảo sát.",
                    ),
                    context=self.request,
                ),
                type="info",
            )
        self.request.response.redirect(f"{self.context.absolute_url()}/{RESULTS}")
        return ""
