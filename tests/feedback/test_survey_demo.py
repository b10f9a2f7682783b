"""The demo's survey: Huế asks its wards' people about the radio hours, published through the
city's approver, one question of each kind, open to answers and read by anonymous."""

from nguon.content.survey import questions
from nguon.demo.items import SURVEY
from nguon.feedback import surveys
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from plone import api
from plone.app.testing import logout

import pytest


@pytest.fixture
def survey(demo_integration):
    return find_unit("46")[SURVEY]


def test_the_demo_survey_of_hue_passed_the_citys_approval(survey):
    assert survey.Title() == (
        "Lấy ý kiến người dân về giờ phát thanh của đài truyền thanh phường"
    )
    assert api.content.get_state(survey) == "published"
    assert ApprovalState(survey).chain == ("46",)
    assert survey.listCreators() == ("hue.bientap",)
    assert [question.kind for question in questions(survey)] == [
        "single",
        "multiple",
        "scale",
        "text",
    ]
    assert surveys.is_open(survey)
    assert survey.results_public is False


def test_anonymous_finds_the_demo_survey_and_not_its_results(survey):
    logout()
    assert [b.getId for b in api.content.find(portal_type="Survey")] == [SURVEY]
    assert not surveys.may_see_results(survey)
