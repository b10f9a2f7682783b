"""``@federation-links`` on the site root, for site administrators (docs/federation.md).

- ``GET @federation-links``: the links (never their secrets); ``GET @federation-links/<id>``:
  one, with its log.
- ``POST @federation-links`` with ``{"id", "topic", "secret", "unit", "local_unit",
  "central"}``: create or change a link (``central``: the central site's root, where
  acknowledgements and reports go; guessed from the topic when not given); the answer
  names the ``callback`` to subscribe at central with.
- ``POST @federation-links/<id>/catch-up``: one round of the catch-up thread, now: read what
  central's feed holds after the cursor (``nguon.federation.catchup``), fetch the files
  copies wait for, and send central the acknowledgements, signed reports and ledger figures
  it has not taken (``acks``, ``rollup``, ``figures``; the answer counts them, ``up_failed``
  says why they could not be sent, to be tried again next round).
"""

from nguon import _
from nguon.errors import client_error
from nguon.errors import UserError
from nguon.federation import apply as applying
from nguon.federation import catchup
from nguon.federation import links
from nguon.federation.lifecycle import send_up
from nguon.restapi.traversing import PathService
from nguon.syndication import outbound
from plone import api
from plone.protect.interfaces import IDisableCSRFProtection
from plone.restapi.deserializer import json_body
from zExceptions import BadRequest
from zExceptions import NotFound
from zope.i18n import translate
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
            except UserError as error:
                raise client_error(BadRequest, error, self.request) from None
            try:
                counts.update(send_up(api.portal.get(), link))
            except (UserError, outbound.CallFailed) as error:
                message = (
                    translate(error.message, context=self.request)
                    if isinstance(error, UserError)
                    else str(error)
                )
                link.note(status="failed", message=message)
                counts["up_failed"] = message
            return counts
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
                central=_text(body.get("central")) or None,
            )
        except UserError as error:
            raise client_error(BadRequest, error, self.request) from None
        self.request.response.setStatus(201)
        return {k: v for k, v in links.describe(link).items() if k != "log"}
