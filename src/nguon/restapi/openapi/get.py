"""``GET /@openapi`` (anyone, plone.restapi: ``Accept: application/json``) and
``GET /@@openapi.json`` (the same document for tools that send no ``Accept``): the site's
OpenAPI 3.1 document, its server the site's own address (``document.build``). It describes
endpoints, never data, so it is public."""

from nguon.restapi.openapi.document import build
from plone import api
from plone.restapi.services import Service
from Products.Five import BrowserView

import json


CACHE = "public, max-age=300"


class OpenApiGet(Service):
    def reply(self):
        self.request.response.setHeader("Cache-Control", CACHE)
        return build(api.portal.get().absolute_url())


class OpenApiJson(BrowserView):
    def __call__(self):
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Cache-Control", CACHE)
        document = build(api.portal.get().absolute_url())
        return json.dumps(document, ensure_ascii=False, indent=1)
