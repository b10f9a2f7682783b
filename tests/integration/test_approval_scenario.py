"""The approval scenario end to end through plone.restapi, as a commune site's staff would use it.

A commune editor writes a bulletin for the whole province; the commune approver approves; it
then waits for the province approver (the province has no district); a sibling commune's
approver cannot publish it; the province approver publishes; citizens can read it.
"""

from nguon.testing import tree_user
from tests.rest import json_session

import pytest


@pytest.fixture
def api_url(tree_functional):
    return tree_functional["portal"].absolute_url()


_session = json_session


def _transition(userid, url, transition, **body):
    return _session(userid).post(f"{url}/@workflow/{transition}", json=body)


def test_commune_bulletin_for_the_province_climbs_to_the_province(api_url):
    editor = tree_user("19786", "editors")
    created = _session(editor).post(
        f"{api_url}/vn/46/19786",
        json={
            "@type": "Bulletin",
            "title": "Thông báo kế hoạch tiêm chủng toàn thành phố",
            "description": "Đề nghị phổ biến trên toàn địa bàn thành phố.",
            "category": "health",
            "priority": "normal",
            "target_scope": "area",
            "target_units": ["46"],
            "channels": ["web", "radio"],
        },
    )
    assert created.status_code == 201, created.text
    item = created.json()["@id"]
    assert _session().get(item).status_code == 401  # drafts are not public

    assert _transition(editor, item, "submit").status_code == 200
    commune_queue = (
        _session(tree_user("19786", "approvers"))
        .get(f"{api_url}/@approval-queue")
        .json()
    )
    assert [entry["@id"] for entry in commune_queue["items"]] == [item]
    assert commune_queue["counts"] == [
        {"unit": "19786", "title": "Phường Thuận Hóa", "count": 1}
    ]

    approved = _transition(tree_user("19786", "approvers"), item, "approve")
    assert (
        approved.status_code == 200
        and approved.json()["review_state"] == "approved_at_level"
    )

    province_queue = (
        _session(tree_user("46", "approvers")).get(f"{api_url}/@approval-queue").json()
    )
    assert province_queue["items"][0]["@id"] == item
    assert province_queue["items"][0]["awaiting_unit_title"] == "Thành phố Huế"
    assert (
        _session(tree_user("19786", "approvers"))
        .get(f"{api_url}/@approval-queue")
        .json()["items"]
        == []
    )

    refused = _transition(tree_user("19777", "approvers"), item, "publish")
    assert refused.status_code in (400, 401, 403)
    assert _session().get(item).status_code == 401

    published = _transition(tree_user("46", "approvers"), item, "publish")
    assert (
        published.status_code == 200 and published.json()["review_state"] == "published"
    )
    public = _session().get(item)
    assert public.status_code == 200 and public.json()["title"].startswith(
        "Thông báo kế hoạch"
    )


def test_rejecting_without_a_reason_is_refused_with_a_clear_message(api_url):
    editor = tree_user("19777", "editors")
    item = (
        _session(editor)
        .post(
            f"{api_url}/vn/46/19777",
            json={
                "@type": "Bulletin",
                "title": "Lịch họp tổ dân phố",
                "category": "local-directive",
                "channels": ["web"],
            },
        )
        .json()["@id"]
    )
    _transition(editor, item, "submit")
    approver = tree_user("19777", "approvers")
    refused = _transition(approver, item, "reject")
    assert refused.status_code == 400
    assert "lý do" in refused.json()["error"]["message"]
    rejected = _transition(approver, item, "reject", comment="Thiếu địa điểm họp.")
    assert rejected.status_code == 200 and rejected.json()["review_state"] == "rejected"


def test_the_queue_needs_a_login(api_url):
    assert _session().get(f"{api_url}/@approval-queue").status_code == 401


def test_emergency_item_is_published_at_once_and_says_so(api_url):
    editor = tree_user("19786", "editors")
    approver, province = tree_user("19786", "approvers"), tree_user("46", "approvers")
    item = (
        _session(editor)
        .post(
            f"{api_url}/vn/46/19786",
            json={
                "@type": "Bulletin",
                "title": "Khẩn cấp: nước sông Hương lên nhanh",
                "category": "disaster",
                "priority": "emergency",
                "target_scope": "area",
                "target_units": ["46"],
                "channels": ["web", "radio", "board"],
            },
        )
        .json()["@id"]
    )
    # The ward's approver cannot speak for the whole city, not even in an emergency.
    refused = _transition(approver, item, "emergency_publish", comment="Lũ đang lên.")
    assert refused.status_code == 400
    assert "ngoài: Thành phố Huế (46)" in refused.json()["error"]["message"]
    assert _session(editor).get(item).json()["review_state"] == "draft"

    published = _transition(province, item, "emergency_publish", comment="Lũ đang lên.")
    assert (
        published.status_code == 200 and published.json()["review_state"] == "published"
    )

    approval = _session(editor).get(f"{item}/@approval").json()
    assert approval["emergency_procedure"] is True
    assert approval["skipped_units"] == [{"code": "19786", "title": "Phường Thuận Hóa"}]
    assert [(h["from"], h["to"], h["actor"]) for h in approval["history"]] == [
        ("draft", "published", province)
    ]
    page = _session(editor).get(item, headers={"Accept": "text/html"}).text
    assert "Phát hành theo thủ tục khẩn cấp" in page and "Phường Thuận Hóa" in page
    assert _session().get(f"{item}/@approval").status_code == 401
    assert (
        "thủ tục khẩn cấp"
        not in _session().get(item, headers={"Accept": "text/html"}).text
    )


def test_the_author_reads_why_an_item_was_sent_back(api_url):
    editor = tree_user("19786", "editors")
    item = (
        _session(editor)
        .post(
            f"{api_url}/vn/46/19786",
            json={
                "@type": "Bulletin",
                "title": "Thông báo thu phí",
                "category": "public-services",
                "channels": ["web"],
            },
        )
        .json()["@id"]
    )
    _transition(editor, item, "submit")
    _transition(
        tree_user("19786", "approvers"), item, "reject", comment="Sai mức phí năm 2027."
    )
    approval = _session(editor).get(f"{item}/@approval").json()
    assert approval["last_rejection"]["comment"] == "Sai mức phí năm 2027."
    page = _session(editor).get(item, headers={"Accept": "text/html"}).text
    assert "Lý do bị trả lại" in page and "Sai mức phí năm 2027." in page


def test_targets_beyond_the_reach_of_the_chain_are_refused_at_save(api_url):
    editor = tree_user("19786", "editors")
    # "approve: own" documents are approved by the ward alone: they cannot go to the city.
    refused = _session(editor).post(
        f"{api_url}/vn/46/19786",
        json={
            "@type": "LegalDocument",
            "title": "Quyết định thử",
            "category": "local-directive",
            "target_scope": "area",
            "target_units": ["46"],
        },
    )
    assert refused.status_code == 400
    assert "nằm ngoài: Thành phố Huế (46)" in refused.json()["message"]
    unknown = _session(editor).post(
        f"{api_url}/vn/46/19786",
        json={
            "@type": "Bulletin",
            "title": "Thông báo",
            "category": "health",
            "channels": ["web"],
            "target_scope": "chosen",
            "target_units": ["00000"],
        },
    )
    assert unknown.status_code == 400 and "mã 00000" in unknown.json()["message"]
    assert (
        _session(editor)
        .get(f"{api_url}/vn/46/19786/@search?portal_type=LegalDocument")
        .json()["items_total"]
        == 0
    )  # nothing was saved
    # Editing does the same check, with the stored fields the request does not send.
    item = (
        _session(editor)
        .post(
            f"{api_url}/vn/46/19786",
            json={
                "@type": "Bulletin",
                "title": "Thông báo",
                "category": "health",
                "channels": ["web"],
            },
        )
        .json()["@id"]
    )
    patched = _session(editor).patch(
        item, json={"target_scope": "chosen", "target_units": ["99"]}
    )
    assert patched.status_code == 400 and "mã 99" in patched.json()["message"]
    assert _session(editor).get(item).json()["target_scope"]["token"] == "unit"
