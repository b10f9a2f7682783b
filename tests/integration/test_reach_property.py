"""Property: no combination of roles below a unit can make an item reach outside that unit's
area (docs/security.md, «Reach»).

Hypothesis draws the attacking unit, which of the groups at or below it act (editors,
approvers, unit admins of every unit of its area), an item of any type written in its area
with any priority, category, scope and targets (the whole country, a neighbouring province,
unknown codes), and a sequence of moves: every workflow transition and edits of the fields
the reach depends on, in any order, by any of those people; then each of them pushes it as
far as they can (submit, approve, publish, the emergency procedure). Whatever succeeds, the item is
never delivered (``targeting.reach``) to a unit outside the attacker's area.
"""

from hypothesis import event
from hypothesis import given
from hypothesis import HealthCheck
from hypothesis import settings
from hypothesis import strategies as st
from nguon.publication import targeting
from nguon.testing import TREE
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone import api
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent


CODES = [code for code, _level, _title, _parent in TREE]
PARENT = {code: parent for code, _level, _title, parent in TREE}
KINDS = ("editors", "approvers", "admins")
TRANSITIONS = (
    "submit",
    "approve",
    "publish",
    "reject",
    "withdraw",
    "emergency_publish",
    "retract",
    "archive",
    "revise",
)
PUSH = ("submit", "approve", "publish", "emergency_publish")
TYPES = ("Bulletin", "LegalDocument", "RadioItem", "BoardNotice")
TARGETS = st.lists(st.sampled_from(CODES + ["99999"]), max_size=3)


def area(code):
    """Codes of the unit and every unit under it, from the tree's parent links alone."""

    def above(c):
        while c is not None:
            yield c
            c = PARENT[c]

    return {c for c in CODES if code in above(c)}


@st.composite
def attacks(draw):
    unit = draw(st.sampled_from(CODES))
    inside = sorted(area(unit))
    people = draw(
        st.lists(
            st.tuples(st.sampled_from(inside), st.sampled_from(KINDS)),
            min_size=1,
            max_size=4,
            unique=True,
        )
    )
    home = draw(st.sampled_from(inside))
    fields = {
        "type": draw(st.sampled_from(TYPES)),
        "priority": draw(st.sampled_from(("normal", "priority", "emergency"))),
        "category": draw(
            st.sampled_from(("health", "security", "disaster", "local-directive"))
        ),
        "target_scope": draw(st.sampled_from(("unit", "subtree", "chosen", "area"))),
        "target_units": draw(TARGETS),
    }
    edit = st.fixed_dictionaries(
        {
            "target_scope": st.sampled_from(("unit", "subtree", "chosen", "area")),
            "target_units": TARGETS,
            "priority": st.sampled_from(("normal", "emergency")),
        }
    )
    moves = draw(
        st.lists(
            st.tuples(
                st.sampled_from(people), st.one_of(st.sampled_from(TRANSITIONS), edit)
            ),
            max_size=8,
        )
    )
    return unit, home, fields, moves, people


def _try_move(userid, item, move):
    with api.env.adopt_user(username=userid):
        if isinstance(move, dict):
            if not api.user.has_permission("Modify portal content", obj=item):
                return
            for name, value in move.items():
                setattr(item, name, value)
            notify(ObjectModifiedEvent(item))
            return
        workflow = api.portal.get_tool("portal_workflow")
        if move in {t["id"] for t in workflow.getTransitionsFor(item)}:
            try:
                workflow.doActionFor(item, move, comment="Thử tấn công")
            except Exception:  # a refusal of any kind is what we hope for
                pass


def _inside(pairs, unit):
    return all(
        unit in {c for c, _level in lineage(find_unit(code))} for code, _below in pairs
    )


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(attack=attacks())
def test_no_roles_below_a_unit_reach_outside_its_area(tree, attack):
    unit, home, fields, moves, people = attack
    portal_type = fields.pop("type")
    with api.env.adopt_user(username=tree_user(home, "editors")):
        item = api.content.create(
            container=find_unit(home),
            type=portal_type,
            title="Tin thử tấn công",
            channels={"web", "radio", "board"},
            **fields,
        )
    # The drawn moves, then everyone pushes the item as far as they can, three times over.
    push = [(person, t) for _ in range(3) for person in people for t in PUSH]
    for (code, kind), move in moves + push:
        _try_move(tree_user(code, kind), item, move)
        reach = targeting.reach(item)
        assert _inside(reach, unit), (unit, reach, api.content.get_state(item))
    event("delivered" if targeting.reach(item) else "not delivered")
