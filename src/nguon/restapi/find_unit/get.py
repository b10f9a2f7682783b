"""``GET /@find-unit?q=thuan hoa``: the units whose name holds the words typed, without
diacritics (``nguon.units.finder``), best first. Units are public landmarks, so anyone may
ask. ``limit`` (1–50, 20 by default) bounds the answer; ``items_total`` says how many match;
``level`` (``central``, ``province``, ``district``, ``commune``) keeps the units of one level.

``GET /@find-unit?lat=16.46&lon=107.59``: the located units nearest to the point (WGS84
degrees), nearest first, each with ``distance_km`` (great-circle, rounded to 0.01 km);
communes, wards and special zones only unless ``level`` names another level. Units without a
point are left out. With ``q`` as well, only the units whose name matches, nearest first.
``lat`` and ``lon`` go together; a missing, non-numeric or out-of-range one is refused (400).

Answer: ``{"@id", "q", "items_total", "items": [{"@id", "code", "title", "level",
"level_title", "parent_title"}]}``, and with a point ``lat``, ``lon`` and each item's
``distance_km``.
"""

from nguon import _
from nguon.content.vocabularies import LEVELS
from nguon.errors import client_error
from nguon.units import finder
from nguon.units.geo import coordinate
from nguon.units.geo import LATITUDE
from nguon.units.geo import LONGITUDE
from plone import api
from plone.restapi.services import Service
from zExceptions import BadRequest
from zope.i18n import translate


MAX_LIMIT = 50
NEAR_LEVEL = "commune"  # what "near me" lists unless ``level`` says otherwise


class FindUnitGet(Service):
    def refuse(self, message):
        raise client_error(BadRequest, message, self.request)

    def point(self):
        """``(lat, lon)`` asked for, None when neither is; refuses a half or a wrong one."""
        form = self.request.form
        if "lat" not in form and "lon" not in form:
            return None
        lat = coordinate(form.get("lat", ""), LATITUDE)
        lon = coordinate(form.get("lon", ""), LONGITUDE)
        if lat is None or lon is None:
            self.refuse(
                _(
                    "find_unit_error_point",
                    default="Vị trí không hợp lệ: cần cả vĩ độ (lat, số từ -90 đến 90) và kinh độ (lon, số từ -180 đến 180), tính bằng độ.",
                )
            )
        return lat, lon

    def reply(self):
        query = str(self.request.form.get("q", ""))
        if len(query) > finder.MAX_QUERY:
            self.refuse(
                _(
                    "find_unit_error_long",
                    default="Từ khóa tìm đơn vị dài quá ${max} ký tự.",
                    mapping={"max": finder.MAX_QUERY},
                )
            )
        raw = self.request.form.get("limit", "20")
        if not str(raw).isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
            self.refuse(
                _(
                    "find_unit_error_limit",
                    default="Số đơn vị trả về (limit) phải là số từ 1 đến ${max}.",
                    mapping={"max": MAX_LIMIT},
                )
            )
        levels = dict(LEVELS)
        level = self.request.form.get("level") or None
        if level is not None and level not in levels:
            self.refuse(
                _(
                    "find_unit_error_level",
                    default="Cấp đơn vị (level) phải là một trong: ${levels}.",
                    mapping={"levels": ", ".join(levels)},
                )
            )
        point = self.point()
        portal = api.portal.get()
        base = portal.absolute_url()
        answer = {"@id": f"{base}/@find-unit", "q": query}
        if point is None:
            units, total = finder.find(
                query, limit=int(raw), portal=portal, level=level
            )
            pairs = [(unit, None) for unit in units]
        else:
            pairs, total = finder.nearest(
                *point,
                limit=int(raw),
                portal=portal,
                level=level or NEAR_LEVEL,
                query=query,
            )
            answer.update(lat=point[0], lon=point[1])

        def item(unit, distance):
            found = {
                "@id": f"{base}/{unit.path}",
                "code": unit.code,
                "title": unit.title,
                "level": unit.level,
                "level_title": translate(
                    levels.get(unit.level, unit.level), context=self.request
                ),
                "parent_title": unit.parent_title,
            }
            if distance is not None:
                found["distance_km"] = round(distance, 2)
            return found

        answer.update(
            items_total=total, items=[item(unit, distance) for unit, distance in pairs]
        )
        return answer
