"""Merging units keeps content, members, history and old addresses."""

from nguon.testing import tree_user
from nguon.units.merge import merge_units
from nguon.units.merge import merged_from
from nguon.units.merge import MergeError
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from plone import api
from plone.app.redirector.interfaces import IRedirectionStorage
from zope.component import getUtility

import pytest


def _item(unit, title, submit=True):
    with api.env.adopt_user(username=tree_user(unit, "editors")):
        item = api.content.create(
            container=find_unit(unit),
            type="Bulletin",
            title=title,
            category="health",
            target_scope="area",
            target_units=["46"],
            channels={"web"},
        )
        if submit:
            api.content.transition(obj=item, transition="submit")
    return item


def test_merging_a_commune_moves_its_content_members_and_history(tree):
    item = _item("19777", "Thông báo của phường Vỹ Dạ")
    old_path = "/".join(item.getPhysicalPath())
    history_before = list(item.workflow_history["nguon_approval_workflow"])
    with api.env.adopt_roles(["Manager"]):
        moved = merge_units(find_unit("19777"), find_unit("19786"))
    assert moved == 1 and find_unit("19777") is None
    survivor = find_unit("19786")
    moved_item = survivor[item.getId()]
    assert (
        list(moved_item.workflow_history["nguon_approval_workflow"]) == history_before
    )
    assert ApprovalState(moved_item).chain == (
        "19786",
        "46",
    )  # waits at the survivor now
    assert ApprovalState(moved_item).awaiting_unit == "19786"
    members = [
        u.getId()
        for u in api.group.get(groupname="unit-19786-approvers").getGroupMembers()
    ]
    assert set(members) == {"19786-approvers", "19777-approvers"}
    assert api.group.get(groupname="unit-19777-editors") is None
    storage = getUtility(IRedirectionStorage)
    assert storage.get("/plone/vn/46/19777") == "/plone/vn/46/19786"
    assert storage.get(old_path) == "/".join(moved_item.getPhysicalPath())
    assert merged_from(survivor)[0]["code"] == "19777"
    assert merged_from(survivor)[0]["title"] == "Phường Vỹ Dạ"


def test_the_merged_communes_approver_now_approves_at_the_survivor(tree):
    item = _item("19786", "Thông báo chung")
    with api.env.adopt_roles(["Manager"]):
        merge_units(find_unit("19777"), find_unit("19786"))
    with api.env.adopt_user(username=tree_user("19777", "approvers")):
        api.content.transition(obj=item, transition="approve")
    assert api.content.get_state(item) == "approved_at_level"


def test_merging_provinces_moves_communes_and_regrants_their_roles(tree):
    with api.env.adopt_roles(["Manager"]):
        merge_units(find_unit("44"), find_unit("46"))
    commune = find_unit("18880")
    assert commune.aq_parent.code == "46"
    roles = dict(commune.get_local_roles())
    assert "unit-46-approvers" in roles and "unit-44-approvers" not in roles
    # Quảng Trị's former approver, now in Huế's group, reviews what climbs from Đồng Hới.
    item = _item("18880", "Thông báo của phường Đồng Hới")
    with api.env.adopt_user(username=tree_user("18880", "approvers")):
        api.content.transition(obj=item, transition="approve")
    with api.env.adopt_user(username=tree_user("44", "approvers")):
        api.content.transition(obj=item, transition="publish")
    assert api.content.get_state(item) == "published"


@pytest.mark.parametrize("source, target", [("19786", "19786"), ("46", "19786")])
def test_impossible_merges_are_refused(tree, source, target):
    with api.env.adopt_roles(["Manager"]), pytest.raises(MergeError):
        merge_units(find_unit(source), find_unit(target))
    assert find_unit(source) is not None
