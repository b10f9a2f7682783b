"""``GET <unit>/@surveys``: the surveys the people of a unit may answer now, for the citizen
app (issue 20) and any client: every published survey in its answering window whose reach
includes the unit (its own, and those from a unit above that reach the units below it,
``publication.targeting.reaches``), the newest first. The unit's JSON feed lists surveys too,
among every other item and 30 to 200 at a time: this answer holds only them.

Each: ``{"@id", "UID", "title", "description", "unit": {"code", "title"}, "opens",
"closes", "answer_mode"}``; what a survey asks is at ``<@id>/@survey-answer``.
"""

from nguon.feedback import surveys
from nguon.feedback.store import iso
from nguon.feedback.store import utcnow
from nguon.publication.targeting import reach
from nguon.publication.targeting import reaches
from nguon.units.tree import item_unit
from nguon.units.tree import lineage
from plone import api
from plone.restapi.services import Service


SCANNED = 500  # the newest published surveys looked at (a site holds a few dozen)


class SurveysGet(Service):
    def reply(self):
        codes = [code for code, _level in lineage(self.context)]
        now = utcnow()
        brains = api.content.find(
            portal_type="Survey",
            review_state="published",
            sort_on="effective",
            sort_order="descending",
            sort_limit=SCANNED,
        )[:SCANNED]
        items = []
        for brain in brains:
            survey = brain.getObject()
            if not surveys.is_open(survey, now) or not reaches(reach(survey), codes):
                continue
            opens, closes = surveys.window(survey)
            unit = item_unit(survey)
            items.append(
                {
                    "@id": survey.absolute_url(),
                    "UID": survey.UID(),
                    "title": survey.Title(),
                    "description": survey.Description(),
                    "unit": (
                        {"code": unit.code, "title": unit.Title()} if unit else None
                    ),
                    "opens": iso(opens) if opens else None,
                    "closes": iso(closes) if closes else None,
                    "answer_mode": survey.answer_mode,
                }
            )
        return {
            "@id": f"{self.context.absolute_url()}/@surveys",
            "unit": self.context.code,
            "items_total": len(items),
            "items": items,
        }
