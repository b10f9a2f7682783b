"""``GET @feedback-categories`` on the site root (every category) and on a unit (those
offered there, ``FeedbackPolicy.offered``): what a citizen may report about, in the order of
``policies/feedback.yaml``, with the working days to answer and whether reports are
published."""

from nguon.content.unit import IAdministrativeUnit
from nguon.feedback.policy import load_policy
from nguon.units.tree import lineage
from plone.restapi.services import Service


class CategoriesGet(Service):
    def reply(self):
        policy = load_policy()
        place = None
        categories = policy.categories
        if IAdministrativeUnit.providedBy(self.context):
            place = self.context.code
            categories = policy.offered([code for code, _lvl in lineage(self.context)])
        return {
            "@id": f"{self.context.absolute_url()}/@feedback-categories",
            "place": place,
            "items": [
                {
                    "code": category.code,
                    "title": category.title,
                    "level": category.level,
                    "due_days": category.due_days,
                    "public": category.public,
                }
                for category in categories
            ],
        }
