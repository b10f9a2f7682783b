"""The units control panel re-syncs provinces from the official list and merges units."""

from nguon.interfaces import INguonLayer
from nguon.units.tree import find_unit
from plone import api
from plone.protect import createToken
from Products.statusmessages.interfaces import IStatusMessage
from zope.interface import alsoProvides

import pytest


@pytest.fixture
def post(tree):
    request = tree["request"]
    alsoProvides(request, INguonLayer)

    def post(**form):
        request.method = "POST"
        request.form.clear()
        request.form.update(form, _authenticator=createToken())
        with api.env.adopt_roles(["Manager"]):
            api.content.get_view("units-controlpanel", tree["portal"], request)()
        return [message.message for message in IStatusMessage(request).show()][
            -1
        ]  # latest

    return post


def test_sync_completes_a_province_without_duplicating_what_exists(post):
    existing = find_unit("19786")
    message = post(sync="1", provinces=["46"])
    assert (
        len(
            api.content.find(
                portal_type="AdministrativeUnit",
                unit_level="commune",
                path="/plone/vn/46",
            )
        )
        == 40
    )
    assert find_unit("19786") == existing
    # The test tree's four units get the official kinds ("phường", "tỉnh"…): updated, not added.
    assert "tạo mới 38, cập nhật 4, giữ nguyên 0" in message
    assert "tạo mới 0" in post(sync="1", provinces=["46"])


def test_merge_from_the_control_panel(post):
    message = post(merge="1", source="19777", target="19786")
    assert find_unit("19777") is None and "Đã sáp nhập «Phường Vỹ Dạ»" in message
    assert "Không có đơn vị mã «00000»" in post(
        merge="1", source="00000", target="19786"
    )
    assert "vào chính nó" in post(merge="1", source="19786", target="19786")


def test_the_page_lists_every_official_province(tree):
    request = tree["request"]
    alsoProvides(request, INguonLayer)
    with api.env.adopt_roles(["Manager"]):
        html = api.content.get_view("units-controlpanel", tree["portal"], request)()
    assert html.count('name="provinces:list"') == 34 and "Tỉnh Quảng Trị" in html


def test_only_managers_reach_it(tree):
    from nguon.testing import tree_user

    with api.env.adopt_user(username=tree_user("46", "admins")):
        assert not api.user.has_permission("nguon: Manage units", obj=tree["portal"])
