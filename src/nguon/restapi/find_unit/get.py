"""``GET /@find-unit?q=thuan hoa``: the units whose name holds the words typed, without
diacritics (``nguon.units.finder``), best first. Units are public landmarks, so anyone may
ask. ``limit`` (1–50, 20 by default) bounds the answer; ``items_total`` says how many match.

Answer: ``{"@id", "q", "items_total", "items": [{"@id", "code", "title", "level",
"level_title", "parent_title"}]}``.
"""

from nguon import _
from nguon.content.vocabularies import LEVELS
from nguon.errors import client_error
from nguon.units import finder
from plone import api
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.i18n import translate


MAX_LIMIT = 50


class FindUnitGet(Service):
    def reply(self):
        query = str(self.request.form.get("q", ""))
        if len(query) > finder.MAX_QUERY:
            raise client_error(
                BadRequest,
                _(
                    "find_unit_error_long",
                    default="Từ khóa tìm đơn vị dài quá ${max} ký tự.",
                    mapping={"max": finder.MAX_QUERY},
                ),
                self.request,
            )
        raw = self.request.form.get("limit", "20")
        if not str(raw).isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            raise client_error(
                BadRequest,
                _(
                    "find_unit_error_limit",
                    default="Số đơn vị trả về (limit) phải là số từ 1 đến ${max}.",
                    mapping={"max": MAX_LIMIT},
                ),
                self.request,
            )
        portal = api.portal.get()
        units, total = finder.find(query, limit=int(raw), portal=portal)
        levels = dict(LEVELS)
        base = portal.absolute_url()
        return {
            "@id": f"{base}/@find-unit",
            "q": query,
            "items_total": total,
            "items": [
                {
                    "@id": f"{base}/{unit.path}",
                    "code": unit.code,
                    "title": unit.title,
                    "level": unit.level,
                    "level_title": translate(
                        levels.get(unit.level, unit.level), context=self.request
                    ),
                    "parent_title": unit.parent_title,
                }
                for unit in units
            ],
        }
