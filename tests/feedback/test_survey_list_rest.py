"""``GET <unit>/@surveys`` over HTTP on the small tree (Huế 46 > Thuận Hóa 19786, Vỹ Dạ
19777): a ward lists the surveys it may answer now, its own and the city's that reach the
wards, and never a draft, a closed one, one not yet open nor a sibling ward's."""

from DateTime import DateTime
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from tests.feedback.test_surveys import new_survey
from tests.feedback.test_surveys import QUESTIONS
from tests.rest import json_session

import transaction


def ward_survey(code, title):
    with api.env.adopt_user(username=tree_user(code, "editors")):
        survey = api.content.create(
            container=find_unit(code),
            type="Survey",
            title=title,
            questions=QUESTIONS,
            category="public-services",
            target_scope="subtree",
        )
        api.content.transition(obj=survey, transition="submit")
    with api.env.adopt_user(username=tree_user(code, "approvers")):
        api.content.transition(obj=survey, transition="publish")
    return survey


def named(survey, title):
    survey.title = title
    survey.reindexObject()
    return survey


def titles(url):
    answer = json_session().get(f"{url}/@surveys")
    assert answer.status_code == 200, answer.text
    return answer.json()


def test_a_ward_lists_the_surveys_it_may_answer_now(tree_functional):
    city = new_survey()
    named(new_survey(state="draft"), "Bản nháp")
    named(new_survey(expiration_date=DateTime() - 1), "Đã đóng")
    named(new_survey(effective_date=DateTime() + 1), "Chưa mở")
    own = ward_survey("19786", "Ý kiến về chợ Thuận Hóa")
    ward_survey("19777", "Ý kiến về bến đò Vỹ Dạ")
    transaction.commit()

    answer = titles(find_unit("19786").absolute_url())
    assert answer["unit"] == "19786"
    assert [s["title"] for s in answer["items"]] == [own.Title(), city.Title()]
    assert answer["items_total"] == 2
    first = answer["items"][1]
    assert first["@id"] == city.absolute_url() and first["UID"] == city.UID()
    assert first["unit"] == {"code": "46", "title": find_unit("46").Title()}
    assert first["answer_mode"] == "challenge" and first["closes"] is None
    # What a survey asks is at its own address.
    form = json_session().get(f"{first['@id']}/@survey-answer").json()
    assert form["open"] is True and len(form["questions"]) == 4

    sibling = titles(find_unit("19777").absolute_url())["items"]
    assert [s["title"] for s in sibling] == ["Ý kiến về bến đò Vỹ Dạ", city.Title()]
    assert [s["title"] for s in titles(find_unit("46").absolute_url())["items"]] == [
        city.Title()
    ]
