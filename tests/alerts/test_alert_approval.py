"""An alert passes the approval workflow with the project's reach rules: an approver warns only
inside their own area, author and approver are two people, and the emergency procedure
records what it skipped. Over plone.restapi on the small tree (Huế 46, Thuận Hóa 19786)."""

from datetime import datetime
from datetime import timedelta
from nguon.content.timezone import LOCAL_ZONE
from nguon.testing import tree_user
from nguon.units.tree import group_id
from plone import api
from tests.rest import json_session

import pytest
import transaction


@pytest.fixture
def site(tree_functional):
    return tree_functional["portal"].absolute_url()


def _transition(userid, url, transition, **body):
    return json_session(userid).post(f"{url}/@workflow/{transition}", json=body)


def _ward_alert(site, author):
    """A ward's warning for the whole city, written by ``author``."""
    created = json_session(author).post(
        f"{site}/vn/46/19786",
        json={
            "@type": "Alert",
            "title": "Nước sông Hương lên nhanh",
            "category": "disaster",
            "event": "Lũ",
            "cap_categories": ["Met"],
            "urgency": "Immediate",
            "severity": "Severe",
            "certainty": "Observed",
            "alert_description": "Nước sông Hương lên nhanh qua cầu Trường Tiền.",
            "instruction": "Di chuyển lên chỗ cao.",
            "expires": (datetime.now(LOCAL_ZONE) + timedelta(hours=3)).isoformat(),
            "target_scope": "area",
            "target_units": ["46"],
        },
    )
    assert created.status_code == 201, created.text
    return created.json()["@id"]


def test_a_ward_warns_the_city_only_through_the_citys_approver(site):
    editor = tree_user("19786", "editors")
    url = _ward_alert(site, editor)
    # The ward's approver cannot speak for the whole city, not even in an emergency.
    refused = _transition(tree_user("19786", "approvers"), url, "emergency_publish")
    assert refused.status_code == 400
    assert "ngoài: Thành phố Huế (46)" in refused.json()["error"]["message"]
    # Nor can a province's approver outside it.
    refused = _transition(tree_user("44", "approvers"), url, "emergency_publish")
    assert refused.status_code in (400, 401, 403)
    assert json_session(editor).get(url).json()["review_state"] == "draft"

    city = tree_user("46", "approvers")
    published = _transition(city, url, "emergency_publish", comment="Lũ đang lên.")
    assert published.status_code == 200, published.text
    approval = json_session(editor).get(f"{url}/@approval").json()
    assert approval["emergency_procedure"] is True
    assert approval["skipped_units"] == [{"code": "19786", "title": "Phường Thuận Hóa"}]


def test_the_author_of_an_alert_never_approves_it(site):
    # The city's approver is also one of its editors, and writes the warning themselves.
    approver = tree_user("46", "approvers")
    api.group.add_user(groupname=group_id("46", "editors"), username=approver)
    transaction.commit()
    created = json_session(approver).post(
        f"{site}/vn/46",
        json={
            "@type": "Alert",
            "title": "Sạt lở đất ở A Lưới",
            "category": "disaster",
            "event": "Sạt lở đất",
            "cap_categories": ["Geo"],
            "urgency": "Immediate",
            "severity": "Extreme",
            "certainty": "Observed",
            "alert_description": "Sạt lở trên quốc lộ 49.",
            "expires": (datetime.now(LOCAL_ZONE) + timedelta(hours=3)).isoformat(),
            "target_scope": "subtree",
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    for transition in ("emergency_publish", "publish"):
        refused = _transition(approver, url, transition)
        assert refused.status_code == 400, refused.text  # the guard offers neither
    assert json_session(approver).get(url).json()["review_state"] == "draft"
