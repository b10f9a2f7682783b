"""``@federation-links`` on the site root, for site administrators (docs/federation.md).

- ``GET @federation-links``: the links (never their secrets); ``GET @federation-links/<id>``:
  one, with its log.
- ``POST @federation-links`` with ``{"id", "topic", "secret", "unit", "local_unit"}``:
  create or change a link; the answer names the ``callback`` to subscribe at central with.
- ``POST @federation-links/<id>/catch-up``: read what central's feed holds after the cursor,
  now (``nguon.federation.catchup``).
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.federation import apply as applying
from nguon.federation import catchup
from nguon.federation import links
from nguon.restapi.traversing import PathService
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.interface import alsoProvides


def _text(value):
    return value.strip() if isinstance(value, str) else ""


class _Base(PathService):
    def link(self):
        link = links.get(api.portal.get(), self.params[0]) if self.params else None
        if link is None:
            raise client_error(
                NotFound,
                _(
                    "federation_error_unknown_link",
                    default="Không có liên kết liên thông này.",
                ),
                self.request,
            )
        return link


class LinksGet(_Base):
    def reply(self):
        if self.params:
            return links.describe(self.link())
        federation = links.state(api.portal.get())
        found = federation.links.values() if federation is not None else ()
        return {
            "@id": f"{api.portal.get().absolute_url()}/@federation-links",
            "items": [
                {k: v for k, v in links.describe(link).items() if k != "log"}
                for link in found
            ],
        }


class LinksPost(_Base):
    def reply(self):
        alsoProvides(self.request, IDisableCSRFProtection)
        if len(self.params) == 2 and self.params[1] == "catch-up":
            link = self.link()
            try:
                counts = catchup.pull(api.portal.get(), link.id)
                counts["files"] = applying.fetch_files(api.portal.get(), link)
                return counts
            except UserError as error:
                raise client_error(BadRequest, error, self.request) from None
        if self.params:
            raise client_error(
                NotFound,
                _(
                    "federation_error_unknown_link",
                    default="Không có liên kết liên thông này.",
                ),
                self.request,
            )
        body = json_body(self.request)
        body = body if isinstance(body, dict) else {}
        try:
            link = links.add(
                api.portal.get(),
                _text(body.get("id")),
                _text(body.get("topic")),
                _text(body.get("secret")),
                unit_code=_text(body.get("unit")),
                local_unit=_text(body.get("local_unit")) or None,
            )
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from None
        self.request.response.setStatus(201)
        return {k: v for k, v in links.describe(link).items() if k != "log"}
