"""The alerts' services.

- ``GET /@cap-keys`` (anyone): the certificates that sign the site's CAP messages, current
  first, then those being retired (``retiring_at``), each with its PEM text, SHA-256
  fingerprint and validity (``nguon.alerts.keys``).
- ``POST <alert>/@alert-update``, ``POST <alert>/@alert-cancel`` (who may add content in the
  alert's unit, on a published alert): the new draft Update or Cancel with every field and
  language copied and the chain in ``references`` (``nguon.alerts.chain``); answers 201 with
  its address (also in ``Location``), state and the CAP facts the forms do not show
  (``msg_type``, ``identifier``, ``references``). Edit it then with ``PATCH``.
"""

from nguon import _
from nguon.alerts import chain
from nguon.alerts import keys
from nguon.errors import client_error
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.services import Service
from zExceptions import Forbidden
from zope.interface import alsoProvides


class CapKeysGet(Service):
    def reply(self):
        return {
            "algorithm": "RSA-SHA256",
            "keys": keys.published(api.portal.get()),
        }


class FollowUpPost(Service):
    msg_type = None

    def reply(self):
        # Token-less API calls authenticate every request, as plone.restapi's own writing
        # services do; the CSRF token is for the buttons of the alert's page.
        alsoProvides(self.request, IDisableCSRFProtection)
        if not chain.may_follow_up(self.context):
            raise client_error(
                Forbidden,
                _(
                    "alert_follow_up_refused",
                    default="Chỉ cập nhật hoặc hủy được cảnh báo đã phát hành, "
                    "và chỉ người được soạn tin tại đơn vị của nó.",
                ),
                self.request,
            )
        new = chain.follow_up(self.context, self.msg_type)
        self.request.response.setStatus(201)
        self.request.response.setHeader("Location", new.absolute_url())
        return {
            "@id": new.absolute_url(),
            "@type": new.portal_type,
            "title": new.Title(),
            "review_state": api.content.get_state(new),
            "msg_type": new.msg_type,
            "identifier": new.identifier,
            "references": list(new.references),
        }


class UpdatePost(FollowUpPost):
    msg_type = "Update"


class CancelPost(FollowUpPost):
    msg_type = "Cancel"
