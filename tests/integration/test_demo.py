"""The demo profile: the real unit tree of two provinces, users per level, realistic items."""

from DateTime import DateTime
from nguon.content.alert import in_force
from nguon.content.alert import infos
from nguon.demo.items import ALERT
from nguon.demo.items import DEMO_ITEMS
from nguon.demo.users import DEMO_USERS
from nguon.units.tree import find_unit
from nguon.units.tree import group_id
from nguon.workflow.approval import ApprovalState
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import pytest


@pytest.fixture
def demo_portal(demo_integration):
    """The demo site, seen by a Manager (tests that need anonymous log out)."""
    portal = demo_integration["portal"]
    setRoles(portal, TEST_USER_ID, ["Manager"])
    return portal


def _units(level):
    return api.content.find(portal_type="AdministrativeUnit", unit_level=level)


def test_two_provinces_with_all_their_communes(demo_portal):
    assert sorted(b.Title for b in _units("province")) == [
        "Thành phố Huế",
        "Tỉnh Quảng Trị",
    ]
    assert len(_units("commune")) == 40 + 78
    hue = find_unit("46")
    assert (
        len([u for u in hue.objectValues() if u.portal_type == "AdministrativeUnit"])
        == 40
    )


def test_units_carry_official_codes_names_and_levels(demo_portal):
    thuan_hoa = find_unit("19786")
    assert thuan_hoa.title == "Phường Thuận Hóa"
    assert thuan_hoa.level == "commune" and thuan_hoa.division_type == "phường"
    assert thuan_hoa.aq_parent.code == "46"
    assert thuan_hoa.absolute_url_path() == "/plone/trung-uong/hue/phuong-thuan-hoa"
    assert find_unit("VN").level == "central"


def test_every_unit_has_its_three_groups_with_local_roles(demo_portal):
    unit = find_unit("19093")
    for kind, roles in (
        ("editors", "Editor"),
        ("approvers", "Reviewer"),
        ("admins", "Reviewer"),
    ):
        group = group_id("19093", kind)
        assert api.group.get(groupname=group) is not None
        assert roles in unit.get_local_roles_for_userid(group)


def test_demo_users_belong_to_their_units_groups(demo_portal):
    for userid, _name, unit_code, kind in DEMO_USERS:
        groups = [g.id for g in api.group.get_groups(username=userid)]
        assert group_id(unit_code, kind) in groups, userid


def test_commune_editor_may_edit_in_own_commune_only(demo_portal):
    own, other = find_unit("19786"), find_unit("19777")
    roles_own = api.user.get_roles(username="thuanhoa.bientap", obj=own)
    roles_other = api.user.get_roles(username="thuanhoa.bientap", obj=other)
    assert "Editor" in roles_own and "Editor" not in roles_other


def test_a_few_dozen_items_in_several_states(demo_portal):
    bulletins = api.content.find(portal_type="Bulletin")
    states = {b.review_state for b in bulletins}
    assert len(bulletins) >= 24
    assert {"published", "pending", "approved_at_level", "draft"} <= states


def test_anonymous_sees_published_items_only(demo_portal):
    everything = len(api.content.find(portal_type="Bulletin"))
    published = len(api.content.find(portal_type="Bulletin", review_state="published"))
    logout()
    visible = api.content.find(portal_type="Bulletin")
    assert len(visible) == published < everything
    assert {b.review_state for b in visible} == {"published"}


def test_published_items_carry_their_dates_where_plone_keeps_them(demo_portal):
    # An attribute «effective» would hide effective() and break plone.restapi's serializer.
    for brain in api.content.find(review_state="published"):
        item = brain.getObject()
        assert callable(item.effective), brain.getPath()
        assert item.effective() < DateTime(), brain.getPath()


def test_items_are_vietnamese_and_classified(demo_portal):
    item = find_unit("46")["canh-bao-mua-lon-lu-quet-thang-11"]
    assert item.priority == "emergency" and item.target_scope == "subtree"
    assert item.channels == {"web", "radio", "board"}
    assert "lũ quét" in item.title and "sạt lở" in item.text.output


def test_applying_the_demo_again_changes_nothing(demo_portal):
    before = {
        b.UID: b.modified
        for b in api.content.find(portal_type=["Bulletin", "AdministrativeUnit"])
    }
    api.portal.get_tool("portal_setup").runAllImportStepsFromProfile(
        "profile-nguon:demo"
    )
    after = {
        b.UID: b.modified
        for b in api.content.find(portal_type=["Bulletin", "AdministrativeUnit"])
    }
    assert after == before
    assert len(DEMO_ITEMS) <= len(after)


def test_demo_items_went_through_the_approval_chain(demo_portal):
    from nguon.workflow.approval import ApprovalState

    climbing = find_unit("19786")["de-nghi-ho-tro-sua-chua-nha-van-hoa"]
    state = ApprovalState(climbing)
    assert api.content.get_state(climbing) == "approved_at_level"
    assert state.chain == ("19786", "46") and state.awaiting_unit == "46"
    assert [a["user"] for a in state.approvals] == ["thuanhoa.duyet"]

    emergency = find_unit("18880")["canh-bao-trieu-cuong-ngap-ven-song-nhat-le"]
    assert api.content.get_state(emergency) == "published"
    # Published at once by the province approver, whose area covers the warning (a commune
    # approver cannot reach its province); the commune review it skipped is recorded.
    assert ApprovalState(emergency).emergency and ApprovalState(emergency).skipped == (
        "18880",
    )
    assert emergency.listCreators() == ("donghoi.bientap",)


def test_every_item_type_has_demo_items(demo_portal):
    from collections import Counter

    counts = Counter(
        b.portal_type
        for b in api.content.find(
            portal_type=["LegalDocument", "RadioItem", "BoardNotice"]
        )
    )
    assert counts == {"LegalDocument": 2, "RadioItem": 2, "BoardNotice": 2}
    found = api.content.find(
        SearchableText="diễn tập sơ tán", portal_type="LegalDocument"
    )
    assert [b.getId for b in found] == [
        "quyet-dinh-ke-hoach-phong-chong-thien-tai-2027"
    ]


def test_indexing_an_item_outside_the_workflow_writes_nothing(demo_portal):
    from zope.annotation.interfaces import IAnnotations

    page = api.content.create(
        container=demo_portal, type="Document", title="Giới thiệu"
    )
    page.reindexObject()
    assert "nguon.workflow.approval" not in IAnnotations(page)


def test_a_warning_waits_for_hues_approver_in_two_languages(demo_portal):
    alert = find_unit("46")[ALERT]
    assert api.content.get_state(alert) == "pending"
    assert ApprovalState(alert).awaiting_unit == "46"
    assert [info.language for info in infos(alert)] == ["vi-VN", "en-US"]
    assert in_force(alert) and alert.priority == "emergency"
