"""The verbs of ``@subscriptions``.

- ``GET @subscriptions``: the unit's subscriptions; ``GET @subscriptions/<id>``: one, with
  its delivery log.
- ``POST @subscriptions`` with ``{"callback", "secret", "lease_seconds", "format",
  "channel", "category", "priority"}``: subscribe (intent verified, WebSub style) or renew;
  ``POST @subscriptions/<id>/resume``: deliver again to a dead-lettered subscription.
- ``DELETE @subscriptions/<id>``: unsubscribe.
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.publication.store import storage
from nguon.restapi.traversing import PathService
from nguon.syndication import subscriptions
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.interface import alsoProvides


class _Base(PathService):
    def error(self, kind, message):
        raise client_error(kind, message, self.request)

    def found(self):
        """``(subscription, delivery)`` named by the path, of this unit; or None."""
        if not self.params:
            return None
        store = storage(api.portal.get())
        subscription = (
            store.subscriptions.get(self.params[0]) if store is not None else None
        )
        if subscription is None or subscription.unit_code != self.context.code:
            return None
        return subscription, store.deliveries[subscription.id]

    def not_found(self):
        return self.error(
            NotFound,
            UserError(
                _(
                    "subscription_error_not_found",
                    default="Không có đăng ký này ở đơn vị này.",
                )
            ),
        )

    def listing(self):
        store = storage(api.portal.get())
        return {
            "@id": f"{self.context.absolute_url()}/@subscriptions",
            "unit": {"code": self.context.code, "title": self.context.Title()},
            "items": [
                subscriptions.describe(s, store.deliveries[s.id])
                for s in subscriptions.of_unit(self.context.code)
            ],
        }


class SubscriptionsGet(_Base):
    def reply(self):
        if not self.params:
            return self.listing()
        found = self.found()
        if found is None:
            return self.not_found()
        return subscriptions.describe(*found, log=True)


class SubscriptionsPost(_Base):
    def reply(self):
        # Token-less API calls authenticate every request; CSRF tokens are for the web forms.
        alsoProvides(self.request, IDisableCSRFProtection)
        if self.params:
            return self.resume()
        body = json_body(self.request)
        try:
            subscription = subscriptions.subscribe_unit(
                self.context, body if isinstance(body, dict) else {}
            )
        except UserError as error:
            return self.error(BadRequest, error)
        store = storage(api.portal.get())
        self.request.response.setStatus(201)
        return subscriptions.describe(subscription, store.deliveries[subscription.id])

    def resume(self):
        found = self.found()
        if found is None or self.params[1:] != ["resume"]:
            return self.not_found()
        found[1].resume()
        return subscriptions.describe(*found, log=True)


class SubscriptionsDelete(_Base):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        found = self.found()
        if found is None:
            return self.not_found()
        subscriptions.unsubscribe(found[0].id)
        return self.reply_no_content()
