"""The verbs of ``@subscriptions``.

- ``GET @subscriptions``: the unit's subscriptions; ``GET @subscriptions/<id>``: one, with
  its delivery log.
- ``POST @subscriptions`` with ``{"callback", "secret", "lease_seconds", "format",
  "channel", "category", "priority"}``: subscribe (intent verified, WebSub style) or renew;
  ``POST @subscriptions/<id>/resume``: deliver again to a dead-lettered subscription.
- ``DELETE @subscriptions/<id>``: unsubscribe.
"""
from nguon import _
from nguon.errors import UserError
from nguon.syndication import subscriptions
from nguon.syndication.query import FeedQuery
from nguon.syndication.store import storage
from nguon.units.tree import lineage
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from plone.restapi.services import Service
from zope.interface import alsoProvides
from zope.interface import implementer
from zope.publisher.interfaces import IPublishTraverse


@implementer(IPublishTraverse)
class _Base(Service):
    def __init__(self, context, request):
        super().__init__(context, request)
        self.params = []

    def publishTraverse(self, request, name):
        self.params.append(name)
        return self

    def error(self, status, message):
        self.request.response.setStatus(status)
        text = message.translated(self.request) if isinstance(message, UserError) else message
        return {"error": {"type": "BadRequest" if status == 400 else "NotFound", "message": text}}

    def found(self):
        """``(subscription, delivery)`` named by the path, of this unit; or None."""
        if not self.params:
            return None
        store = storage(api.portal.get())
        subscription = store.subscriptions.get(self.params[0]) if store is not None else None
        if subscription is None or subscription.unit_code != self.context.code:
            return None
        return subscription, store.deliveries[subscription.id]

    def not_found(self):
        return self.error(404, UserError(_("subscription_error_not_found",
                                             default="Không có đăng ký này ở đơn vị này.")))

    def listing(self):
        store = storage(api.portal.get())
        return {
            "@id": f"{self.context.absolute_url()}/@subscriptions",
            "unit": {"code": self.context.code, "title": self.context.Title()},
            "items": [subscriptions.describe(s, store.deliveries[s.id])
                      for s in subscriptions.of_unit(self.context.code)],
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
            query = FeedQuery.from_form({name: body.get(name) or "" for name in
                                         ("channel", "category", "priority")})
            feed = body.get("format") or "json"
            if feed not in ("json", "atom", "rss"):
                raise UserError(_("subscription_error_format",
                                  default="«format» phải là json, atom hoặc rss."))
            topic = f"{self.context.absolute_url()}/feed.{feed}"
            params = query.params()
            if params:
                from urllib.parse import urlencode

                topic = f"{topic}?{urlencode(params)}"
            subscription = subscriptions.subscribe(
                self.context, [code for code, _level in lineage(self.context)],
                callback=str(body.get("callback") or ""), secret=str(body.get("secret") or ""),
                filters=query.filters, lease_seconds=body.get("lease_seconds"),
                topic=topic, site_url=api.portal.get().absolute_url())
        except UserError as error:
            return self.error(400, error)
        except (TypeError, ValueError):
            return self.error(400, UserError(_("subscription_error_lease",
                                                 default="Thời hạn đăng ký phải từ ${low} đến ${high} giây.",
                                                 mapping={"low": subscriptions.MIN_LEASE,
                                                          "high": subscriptions.MAX_LEASE})))
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
