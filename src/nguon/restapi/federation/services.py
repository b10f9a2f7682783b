"""``@federation-inbox/<link>`` on the site root: where central pushes (docs/federation.md).

- ``GET`` with ``hub.mode``, ``hub.topic``, ``hub.challenge``: the challenge echoed as text for
  the link's own topic (WebSub's verification of intent), 404 otherwise.
- ``POST``: a signed change document (``nguon.federation.inbox``); 200 with the counts as
  JSON, or the refusal's status and Vietnamese message (``{"type", "message"}``), nothing
  stored.

A pusher need not send ``Accept: application/json`` (central's does not, nor may another
vendor's): the same handler is a plone.restapi service for clients that ask for JSON and a
plain view of the same name for those that do not.
"""

from nguon.errors import error_body
from nguon.federation import acks
from nguon.federation import figures
from nguon.federation import inbox
from nguon.federation import rollup
from nguon.restapi.traversing import PathService
from nguon.restapi.traversing import PathView
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from Products.Five import BrowserView
from zope.i18n import translate
from zope.interface import alsoProvides

import json
import transaction


MAX_BODY = 20 * 1024 * 1024
KINDS = {400: "BadRequest", 403: "Forbidden", 404: "NotFound", 409: "Conflict"}


def answer(request, params):
    """Handle one request to the inbox; returns the body (text) and sets the status."""
    response = request.response
    response.setHeader("Cache-Control", "no-store")
    link_id = params[0] if len(params) == 1 else None
    if request.get("REQUEST_METHOD", "GET") == "GET":
        form = request.form
        challenge = inbox.intent(
            api.portal.get(),
            link_id,
            form.get("hub.mode"),
            form.get("hub.topic"),
            form.get("hub.challenge"),
        )
        response.setHeader("Content-Type", "text/plain; charset=utf-8")
        if challenge is None:
            response.setStatus(404)
            return "không theo dõi chủ đề này"
        return challenge
    alsoProvides(request, IDisableCSRFProtection)  # signed by the link's secret
    response.setHeader("Content-Type", "application/json; charset=utf-8")
    body = request.get("BODY") or b""
    try:
        if len(body) > MAX_BODY:
            raise inbox.Refused(400, inbox.MALFORMED)
        counts = inbox.receive(
            api.portal.get(), link_id, body, request.getHeader("X-Hub-Signature")
        )
    except inbox.Refused as refused:
        transaction.doom()  # nothing of a refused delivery is stored
        response.setStatus(refused.status)
        message = translate(refused.message, context=request)
        data = error_body(KINDS.get(refused.status, "BadRequest"), message)
        return json.dumps(data, ensure_ascii=False)
    return json.dumps(counts)


def acknowledged(request, take=None):
    """Handle a province's signed POST: acknowledgements (``nguon.federation.acks.take``)
    or, with ``take``, another kind (``rollup.take``: a report; ``figures.take``: ledger
    figures)."""
    take = take or acks.take
    response = request.response
    response.setHeader("Cache-Control", "no-store")
    response.setHeader("Content-Type", "application/json; charset=utf-8")
    alsoProvides(request, IDisableCSRFProtection)  # signed by the subscription's secret
    body = request.get("BODY") or b""
    try:
        if request.get("REQUEST_METHOD") != "POST" or len(body) > MAX_BODY:
            raise inbox.Refused(400, inbox.MALFORMED)
        counts = take(api.portal.get(), body, request.getHeader("X-Hub-Signature"))
    except inbox.Refused as refused:
        transaction.doom()
        response.setStatus(refused.status)
        message = translate(refused.message, context=request)
        data = error_body(KINDS.get(refused.status, "BadRequest"), message)
        return json.dumps(data, ensure_ascii=False)
    return json.dumps(counts)


class AcksView(BrowserView):
    def __call__(self):
        return acknowledged(self.request)


class AcksService(Service):
    def render(self):
        return acknowledged(self.request)


class ReportsView(BrowserView):
    def __call__(self):
        return acknowledged(self.request, rollup.take)


class ReportsService(Service):
    def render(self):
        return acknowledged(self.request, rollup.take)


class FiguresView(BrowserView):
    def __call__(self):
        return acknowledged(self.request, figures.take)


class FiguresService(Service):
    def render(self):
        return acknowledged(self.request, figures.take)


class InboxView(PathView):
    """For pushers that send no ``Accept: application/json``."""

    def __call__(self):
        return answer(self.request, self.params)


class InboxService(PathService):
    def render(self):
        return answer(self.request, self.params)
