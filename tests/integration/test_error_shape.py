"""Every endpoint answers an error in one shape, plone.restapi's ``{"type", "message"}``, the
message in the reader's language, the same fields also under ``error`` (clients written before
issue 13 read them there). One example per family: REST services that refuse a request, that
refuse a caller, that find nothing, a workflow transition the workflow refuses (plone.restapi's
own endpoint answers that in a shape of its own), and the feeds (views that are not REST
services)."""

from nguon.testing import tree_user
from tests.rest import json_session

import pytest
import requests


@pytest.fixture
def site_url(tree_functional):
    return tree_functional["portal"].absolute_url()


_as = json_session


def _shape(response, status, kind, words):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["type"] == kind and words in body["message"], body
    assert body["error"] == {"type": kind, "message": body["message"]}


def test_a_rest_service_refusing_a_request(site_url):
    response = _as(tree_user("19786", "admins")).post(
        f"{site_url}/vn/46/19786/@unit-members", json={"kind": "owners", "user": "x"}
    )
    _shape(response, 400, "BadRequest", "Nhóm «owners» không có")


def test_a_rest_service_refusing_a_caller(site_url):
    _shape(
        _as().get(f"{site_url}/@approval-queue"),
        401,
        "Unauthorized",
        "Cần đăng nhập để xem danh sách chờ duyệt.",
    )


def test_a_rest_service_finding_nothing_keeps_its_message(site_url):
    response = _as(tree_user("19786", "admins")).get(
        f"{site_url}/vn/46/19786/@subscriptions/khong-co"
    )
    _shape(response, 404, "NotFound", "Không có đăng ký này ở đơn vị này.")


def test_a_workflow_transition_the_workflow_refuses(site_url):
    editor = tree_user("19777", "editors")
    item = (
        _as(editor)
        .post(
            f"{site_url}/vn/46/19777",
            json={
                "@type": "Bulletin",
                "title": "Lịch họp tổ dân phố",
                "category": "local-directive",
                "channels": ["web"],
            },
        )
        .json()["@id"]
    )
    _as(editor).post(f"{item}/@workflow/submit", json={})
    refused = _as(tree_user("19777", "approvers")).post(
        f"{item}/@workflow/reject", json={}
    )
    _shape(refused, 400, "BadRequest", "lý do")


def test_a_feed_refusing_a_parameter(site_url):
    response = requests.get(
        f"{site_url}/vn/46/19786/feed.json", params={"priority": "secret"}, timeout=30
    )
    _shape(response, 400, "BadRequest", "priority")
