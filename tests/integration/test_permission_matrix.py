"""Every role × unit relation × transition of the approval workflow, allowed or refused.

The expectations below are written from the rules (docs/approval.md, docs/security.md), not
computed by the code under test. An item is written by the editor of its unit and targets the
area of the unit above, so that its chain is (own unit, parent unit). Its reach is the parent's
area: so only the parent's approvers may publish it under the emergency procedure, and retract
or archive it once published (no unit acts beyond its own area).
"""

from nguon.testing import tree_user
from nguon.units.tree import find_unit
from plone import api
from plone.api.exc import InvalidParameterError
from Products.CMFCore.WorkflowCore import WorkflowException

import itertools
import pytest


# item's unit -> {relation: acting unit}
RELATIONS = {
    "19786": {"same": "19786", "parent": "46", "sibling": "19777", "unrelated": "44"},
    "46": {
        "same": "46",
        "parent": "VN",
        "child": "19786",
        "sibling": "44",
        "unrelated": "18880",
    },
}
PARENT = {"19786": "46", "46": "VN"}

# (transition, the state the item is brought to first)
CASES = (
    ("submit", "draft"),
    ("withdraw", "pending_own"),
    ("approve", "pending_own"),
    ("publish", "pending_own"),
    ("reject", "pending_own"),
    ("approve", "waiting_parent"),
    ("publish", "waiting_parent"),
    ("reject", "waiting_parent"),
    ("emergency_publish", "draft"),
    ("retract", "published"),
    ("archive", "published"),
    ("revise", "retracted"),
)

ALLOWED = {
    "editors": {
        "same": {
            ("submit", "draft"),
            ("withdraw", "pending_own"),
            ("revise", "retracted"),
        },
    },
    "approvers": {
        "same": {("approve", "pending_own"), ("reject", "pending_own")},
        "parent": {
            ("publish", "waiting_parent"),
            ("reject", "waiting_parent"),
            ("emergency_publish", "draft"),
            ("retract", "published"),
            ("archive", "published"),
        },
    },
    "admins": {
        "same": {
            ("submit", "draft"),
            ("withdraw", "pending_own"),
            ("revise", "retracted"),
        },
    },
}

NEW_STATE = {
    "submit": "pending",
    "withdraw": "draft",
    "approve": "approved_at_level",
    "publish": "published",
    "reject": "rejected",
    "emergency_publish": "published",
    "retract": "retracted",
    "archive": "archived",
    "revise": "draft",
}


def _as(userid, transition, item, **kwargs):
    with api.env.adopt_user(username=userid):
        api.content.transition(obj=item, transition=transition, **kwargs)


def _item(unit_code, start):
    """A bulletin of ``unit_code`` targeting its parent's area, brought to ``start``."""
    parent = PARENT[unit_code]
    with api.env.adopt_user(username=tree_user(unit_code, "editors")):
        item = api.content.create(
            container=find_unit(unit_code),
            type="Bulletin",
            title="Thông báo thử",
            category="health",
            priority="emergency" if start == "draft" else "normal",
            target_scope="area",
            target_units=[parent],
            channels={"web"},
        )
    if start == "draft":
        return item
    _as(tree_user(unit_code, "editors"), "submit", item)
    if start == "pending_own":
        return item
    _as(tree_user(unit_code, "approvers"), "approve", item)
    if start == "waiting_parent":
        return item
    _as(tree_user(parent, "approvers"), "publish", item)
    if start == "published":
        return item
    _as(tree_user(parent, "approvers"), "retract", item)
    assert start == "retracted"
    return item


MATRIX = [
    (unit, kind, relation, transition, start)
    for unit, relations in RELATIONS.items()
    for kind, relation in itertools.product(
        ("editors", "approvers", "admins"), relations
    )
    for transition, start in CASES
]


@pytest.mark.parametrize("unit, kind, relation, transition, start", MATRIX)
def test_permission_matrix(tree, unit, kind, relation, transition, start):
    item = _item(unit, start)
    actor = tree_user(RELATIONS[unit][relation], kind)
    allowed = (transition, start) in ALLOWED.get(kind, {}).get(relation, set())
    workflow = api.portal.get_tool("portal_workflow")
    with api.env.adopt_user(username=actor):
        offered = transition in {t["id"] for t in workflow.getTransitionsFor(item)}
    assert offered is allowed
    if allowed:
        _as(actor, transition, item, comment="Lý do: cần bổ sung số liệu.")
        assert api.content.get_state(item) == NEW_STATE[transition]
    else:
        with pytest.raises((InvalidParameterError, WorkflowException)):
            _as(actor, transition, item, comment="Lý do")


def test_nobody_approves_their_own_item(tree):
    # The commune's approver also writes: its own item must be approved by someone else.
    api.group.add_user(
        groupname="unit-19786-editors", username=tree_user("19786", "approvers")
    )
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        item = api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            title="Tự duyệt?",
            category="health",
            channels={"web"},
        )
        api.content.transition(obj=item, transition="submit")
        with pytest.raises(InvalidParameterError):
            api.content.transition(obj=item, transition="publish")
    assert api.content.get_state(item) == "pending"
    _as(tree_user("19786", "admins"), "withdraw", item)


def test_a_rejection_needs_a_reason_and_the_author_sees_it(tree):
    item = _item("19786", "pending_own")
    approver = tree_user("19786", "approvers")
    workflow = api.portal.get_tool("portal_workflow")
    with (
        api.env.adopt_user(username=approver),
        pytest.raises(WorkflowException, match="lý do"),
    ):
        workflow.doActionFor(item, "reject", comment="   ")
    assert api.content.get_state(item) == "pending"
    _as(approver, "reject", item, comment="Thiếu nguồn số liệu, đề nghị bổ sung.")
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        history = api.portal.get_tool("portal_workflow").getInfoFor(
            item, "review_history"
        )
    assert history[-1]["review_state"] == "rejected"
    assert history[-1]["comments"] == "Thiếu nguồn số liệu, đề nghị bổ sung."
