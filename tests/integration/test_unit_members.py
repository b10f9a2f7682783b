"""Unit admins manage their unit's groups (and those of the units below), through plone.restapi
and Plone's UI; nobody else can."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone import api
from tests.rest import json_session

import pytest


@pytest.fixture
def units_url(tree_functional):
    api.user.create(
        username="nguyen.van.a",
        email="a@nguon.invalid",
        password=TREE_PASSWORD,
        properties={"fullname": "Nguyễn Văn A"},
    )
    import transaction

    transaction.commit()
    return tree_functional["portal"].absolute_url() + "/vn"


_as = json_session


def test_commune_admin_adds_and_removes_an_approver(units_url):
    admin = _as(tree_user("19786", "admins"))
    added = admin.post(
        f"{units_url}/46/19786/@unit-members",
        json={"kind": "approvers", "user": "nguyen.van.a"},
    )
    assert added.status_code == 200, added.text
    approvers = [m["id"] for m in added.json()["groups"]["approvers"]]
    assert approvers == ["19786-approvers", "nguyen.van.a"]
    # The new approver's queue now covers the commune.
    assert _as("nguyen.van.a").get(f"{units_url}/../@approval-queue").status_code == 200
    removed = admin.delete(
        f"{units_url}/46/19786/@unit-members",
        json={"kind": "approvers", "user": "nguyen.van.a"},
    )
    assert removed.status_code == 200, removed.text
    assert [m["id"] for m in removed.json()["groups"]["approvers"]] == [
        "19786-approvers"
    ]


def test_a_province_admin_manages_its_communes_but_not_the_province_above(units_url):
    province_admin = _as(tree_user("46", "admins"))
    assert province_admin.get(f"{units_url}/46/19777/@unit-members").status_code == 200
    assert province_admin.get(f"{units_url}/@unit-members").status_code in (401, 403)
    assert province_admin.get(f"{units_url}/44/18880/@unit-members").status_code in (
        401,
        403,
    )


@pytest.mark.parametrize("kind", ["editors", "approvers"])
def test_editors_and_approvers_cannot_manage_members(units_url, kind):
    response = _as(tree_user("19786", kind)).post(
        f"{units_url}/46/19786/@unit-members",
        json={"kind": "approvers", "user": "nguyen.van.a"},
    )
    assert response.status_code in (401, 403)
    assert "nguyen.van.a" not in [
        m.getId()
        for m in api.group.get(groupname="unit-19786-approvers").getGroupMembers()
    ]


@pytest.mark.parametrize(
    "body, message",
    [
        (
            {"kind": "approvers", "user": "khong.ton.tai"},
            "Không có người dùng «khong.ton.tai»",
        ),
        ({"kind": "owners", "user": "nguyen.van.a"}, "Nhóm «owners» không có"),
        ({"kind": "approvers"}, "Không có người dùng"),
    ],
)
def test_bad_requests_say_what_is_wrong(units_url, body, message):
    response = _as(tree_user("19786", "admins")).post(
        f"{units_url}/46/19786/@unit-members", json=body
    )
    assert (
        response.status_code == 400 and message in response.json()["error"]["message"]
    )


def test_the_members_page_adds_a_member_with_a_csrf_token(tree):
    from nguon.interfaces import INguonLayer
    from nguon.units.tree import find_unit
    from plone.protect import createToken
    from zope.interface import alsoProvides

    api.user.create(
        username="tran.thi.b", email="b@nguon.invalid", password=TREE_PASSWORD
    )
    request = tree["request"]
    alsoProvides(request, INguonLayer)
    unit = find_unit("19786")
    with api.env.adopt_user(username=tree_user("19786", "admins")):
        page = api.content.get_view("unit-members", unit, request)
        assert "Người duyệt" in page() and "19786-approvers" in page()
        request.method = "POST"
        request.form.update(
            {
                "action": "add",
                "kind": "editors",
                "user": "tran.thi.b",
                "_authenticator": createToken(),
            }
        )
        page()
    assert "tran.thi.b" in [
        m.getId()
        for m in api.group.get(groupname="unit-19786-editors").getGroupMembers()
    ]
