"""``GET /@openapi`` (anyone): the site's OpenAPI 3.1 document, its server the site's own
address (``document.build``). It describes endpoints, never data, so it is public."""

from nguon.restapi.openapi.document import build
from plone import api
from plone.restapi.services import Service


class OpenApiGet(Service):
    def reply(self):
        self.request.response.setHeader("Cache-Control", "public, max-age=300")
        return build(api.portal.get().absolute_url())
