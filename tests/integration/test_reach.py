"""No unit speaks beyond its area (docs/security.md, «Reach»): each attack first, then the
refusal, on the small tree of nguon.testing (VN; Huế 46 with Thuận Hóa 19786 and Vỹ Dạ 19777;
Quảng Trị 44 with Đồng Hới 18880)."""

from importlib import import_module
from nguon.publication import targeting
from nguon.publication.store import storage
from nguon.syndication.subscriptions import Subscription
from nguon.testing import tree_user
from nguon.units.merge import merge_units
from nguon.units.tree import find_unit
from nguon.workflow.approval import ApprovalState
from nguon.workflow.reach import check_item
from nguon.workflow.reach import ReachError
from nguon.workflow.refusals import refusal
from nguon.workflow.summary import approval_summary
from plone import api
from plone.api.exc import InvalidParameterError
from Products.CMFCore.WorkflowCore import WorkflowException
from zope.event import notify
from zope.i18n import translate
from zope.lifecycleevent import ObjectModifiedEvent

import pytest


def _as(userid, transition, item, **kwargs):
    with api.env.adopt_user(username=userid):
        api.content.transition(obj=item, transition=transition, **kwargs)


def _bulletin(code, **fields):
    fields = {
        "title": "Thông báo thử",
        "category": "health",
        "channels": {"web", "radio", "board"},
        **fields,
    }
    with api.env.adopt_user(username=tree_user(code, "editors")):
        return api.content.create(container=find_unit(code), type="Bulletin", **fields)


def _edit(userid, item, **fields):
    with api.env.adopt_user(username=userid):
        for name, value in fields.items():
            setattr(item, name, value)
        notify(ObjectModifiedEvent(item))


def test_a_ward_cannot_send_an_emergency_to_the_whole_country(tree):
    # The attack of the issue: the ward's editor targets VN, its approver uses the procedure.
    item = _bulletin(
        "19786", priority="emergency", target_scope="area", target_units=["VN"]
    )
    with pytest.raises(InvalidParameterError):
        _as(tree_user("19786", "approvers"), "emergency_publish", item)
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        why = translate(
            refusal(item, "emergency_publish"), target_language="vi"
        )  # @workflow's answer
    assert "ngoài: Trung ương (VN)" in why
    assert api.content.get_state(item) == "draft" and targeting.reach(item) == ()
    # Nor can the city's approver: only the central level covers the country.
    with pytest.raises(InvalidParameterError):
        _as(tree_user("46", "approvers"), "emergency_publish", item)
    _as(tree_user("VN", "approvers"), "emergency_publish", item)
    assert targeting.reach(item) == (("VN", True),)


def test_the_chain_climbs_to_the_unit_whose_area_covers_the_targets(tree):
    item = _bulletin("19786", target_scope="chosen", target_units=["18880"])
    _as(tree_user("19786", "editors"), "submit", item)
    assert ApprovalState(item).chain == ("19786", "46", "VN")
    _as(tree_user("19786", "approvers"), "approve", item)
    with pytest.raises(InvalidParameterError):  # the city cannot publish into Quảng Trị
        _as(tree_user("46", "approvers"), "publish", item)
    _as(tree_user("46", "approvers"), "approve", item)
    _as(tree_user("VN", "approvers"), "publish", item)
    assert targeting.reach(item) == (("18880", False),)


def test_approve_own_documents_cannot_target_beyond_their_unit(tree):
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        document = api.content.create(
            container=find_unit("19786"),
            type="LegalDocument",
            title="Quyết định thử",
            category="local-directive",
            target_scope="area",
            target_units=["46"],
        )
    with pytest.raises(ReachError) as refused:
        check_item(document)
    assert "Phường Thuận Hóa (19786)" in refused.value.translated(None)
    assert "Thành phố Huế (46)" in refused.value.translated(None)
    with pytest.raises((InvalidParameterError, WorkflowException)):
        _as(tree_user("19786", "editors"), "submit", document)
    assert api.content.get_state(document) == "draft"


def test_widening_a_waiting_item_restarts_its_approval(tree):
    item = _bulletin("19786")
    _as(tree_user("19786", "editors"), "submit", item)
    assert ApprovalState(item).chain == ("19786",)
    # The attack: the ward's approver (Reviewer may edit while it waits) widens it to the
    # country and would publish it alone.
    _edit(
        tree_user("19786", "approvers"), item, target_scope="area", target_units=["VN"]
    )
    assert api.content.get_state(item) == "pending"
    assert ApprovalState(item).chain == ("19786", "46", "VN")
    with pytest.raises(InvalidParameterError):
        _as(tree_user("19786", "approvers"), "publish", item)
    summary = approval_summary(item)
    assert summary["history"][-1]["transition"] == "reapprove"
    assert "target_units" in summary["history"][-1]["comment"]


def test_an_item_changed_behind_the_forms_back_cannot_be_approved(tree):
    item = _bulletin("19786")
    _as(tree_user("19786", "editors"), "submit", item)
    item.target_scope, item.target_units = "area", ["VN"]  # no event: a script, a bug
    with pytest.raises(InvalidParameterError):
        _as(tree_user("19786", "approvers"), "publish", item)
    workflow = api.portal.get_tool("portal_workflow")
    with (
        api.env.adopt_user(username=tree_user("19786", "approvers")),
        pytest.raises(WorkflowException, match="sửa sau khi gửi duyệt"),
    ):
        workflow.doActionFor(item, "publish")
    assert api.content.get_state(item) == "pending"


def test_a_published_item_changed_is_a_new_approval_and_leaves_the_channels(tree):
    item = _bulletin("19786")
    _as(tree_user("19786", "editors"), "submit", item)
    _as(tree_user("19786", "approvers"), "publish", item)
    assert targeting.reach(item) == (("19786", False),)
    api.user.grant_roles(username="19786-admins", roles=["Site Administrator"])
    _edit(
        "19786-admins", item, priority="emergency", text=None, title="Khẩn cấp: sửa sau"
    )
    assert api.content.get_state(item) == "pending"
    assert targeting.reach(item) == ()
    changed = approval_summary(item)["changed_since_last_approval"]
    assert {"priority", "title"} <= set(changed) and "target_units" not in changed


def test_delivery_withholds_an_item_whose_targets_leave_its_approved_area(tree):
    item = _bulletin("19786")
    _as(tree_user("19786", "editors"), "submit", item)
    _as(tree_user("19786", "approvers"), "publish", item)
    item.target_scope, item.target_units = (
        "area",
        ["VN"],
    )  # changed with no event at all
    assert targeting.reach(item) == ()


def test_a_ward_cannot_retract_what_the_city_published_for_the_city(tree):
    item = _bulletin("19786", target_scope="area", target_units=["46"])
    _as(tree_user("19786", "editors"), "submit", item)
    _as(tree_user("19786", "approvers"), "approve", item)
    _as(tree_user("46", "approvers"), "publish", item)
    with pytest.raises(InvalidParameterError):
        _as(tree_user("19786", "approvers"), "retract", item)
    assert api.content.get_state(item) == "published"
    _as(tree_user("46", "approvers"), "retract", item)


def test_merging_units_keeps_chains_targets_and_subscriptions(tree):
    waiting = _bulletin("19777")
    _as(tree_user("19777", "editors"), "submit", waiting)
    chosen = _bulletin("46", target_scope="chosen", target_units=["19777", "19786"])
    _as(tree_user("46", "editors"), "submit", chosen)
    _as(tree_user("46", "approvers"), "publish", chosen)
    store = storage(api.portal.get())
    store.subscriptions["s"] = Subscription(
        "s",
        {"code": "19777", "title": "Phường Vỹ Dạ", "level": "commune"},
        ("VN", "46", "19777"),
        "https://vyda.example/hub",
        "s" * 16,
        None,
        None,
        None,
    )
    pending = _bulletin("46", target_scope="chosen", target_units=["19777"])
    _as(tree_user("46", "editors"), "submit", pending)
    with api.env.adopt_roles(["Manager"]):
        merge_units(find_unit("19777"), find_unit("19786"))
    assert (
        ApprovalState(waiting).chain == ("19786",)
        and ApprovalState(waiting).awaiting_unit == "19786"
    )
    assert chosen.target_units == ["19786"] and targeting.reach(chosen) == (
        ("19786", False),
    )
    assert store.subscriptions["s"].unit_code == "19786"
    assert pending.target_units == ["19786"]
    _as(
        tree_user("46", "approvers"), "publish", pending
    )  # a merge is no edit to approve
    assert targeting.reach(pending) == (("19786", False),)
    assert store.subscriptions["s"].lineage == ("VN", "46", "19786")


def test_the_upgrade_step_withholds_what_reached_beyond_its_approvers(tree):
    item = _bulletin(
        "18880", priority="emergency", target_scope="area", target_units=["44"]
    )
    _as(
        tree_user("44", "approvers"), "emergency_publish", item
    )  # allowed: 44 covers 44
    old = _bulletin("18880", priority="emergency")
    _as(tree_user("18880", "approvers"), "emergency_publish", old)
    old.target_scope, old.target_units = "area", ["44"]  # what the old rule let through
    step = import_module(
        "nguon.upgrades.20261130070000_reach_within_the_approvers_area.upgrade"
    )
    step.ReachWithinTheApproversArea(api.portal.get_tool("portal_setup"))
    assert api.content.get_state(item) == "published" and targeting.reach(item)
    assert api.content.get_state(old) == "pending" and targeting.reach(old) == ()
    assert ApprovalState(old).chain == ("18880", "44")
    assert "44" in approval_summary(old)["history"][-1]["comment"]


def test_what_the_system_fills_in_while_an_item_waits_is_not_a_change(tree):
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        item = api.content.create(
            container=find_unit("19786"),
            type="RadioItem",
            title="Bản tin phát thanh",
            category="health",
            script="Thông báo lịch tiêm chủng.",
        )
    _as(tree_user("19786", "editors"), "submit", item)
    item.duration = 42  # what the radio-audio consumer measures while it waits
    _as(tree_user("19786", "approvers"), "publish", item)
    assert api.content.get_state(item) == "published"
