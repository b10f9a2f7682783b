"""``GET @feedback-challenge``: a fresh proof-of-work challenge for ``POST @feedback``
(``nguon.feedback.challenge``; the ALTCHA widget and the citizen app solve it and send the
payload as ``altcha``). Never cached: each one may be used once."""

from nguon.feedback import challenge
from plone import api
from plone.restapi.services import Service


class ChallengeGet(Service):
    def reply(self):
        self.request.response.setHeader("Cache-Control", "no-store")
        return challenge.challenge(api.portal.get(), self.request)
