"""The approval chain for every shape of the unit tree, and the shipped policy's defaults."""

from hypothesis import given
from hypothesis import strategies as st
from nguon.workflow.chain import approval_chain
from nguon.workflow.policy import load
from nguon.workflow.policy import Rule

import pytest


CENTRAL = ("VN", "central")
HUE = ("46", "province")
THUAN_HOA = ("19786", "commune")
VY_DA = ("19777", "commune")
QUANG_TRI = ("44", "province")
# An older three-tier province, as documents before July 2025 describe it.
OLD_PROVINCE, OLD_DISTRICT, OLD_COMMUNE = (
    ("31", "province"),
    ("303", "district"),
    ("11500", "commune"),
)

UP = Rule(name="up", approve="up-to-target")
OWN = Rule(name="own", approve="own")


def test_own_commune_only():
    lineage = [CENTRAL, HUE, THUAN_HOA]
    assert approval_chain(UP, lineage, [lineage]) == ("19786",)


def test_commune_item_for_the_whole_province_climbs_to_the_province():
    assert approval_chain(UP, [CENTRAL, HUE, THUAN_HOA], [[CENTRAL, HUE]]) == (
        "19786",
        "46",
    )


def test_three_tier_province_climbs_through_the_district():
    lineage = [CENTRAL, OLD_PROVINCE, OLD_DISTRICT, OLD_COMMUNE]
    assert approval_chain(UP, lineage, [lineage[:2]]) == ("11500", "303", "31")


def test_chosen_sibling_targets_climb_to_the_common_parent():
    assert approval_chain(UP, [CENTRAL, HUE, THUAN_HOA], [[CENTRAL, HUE, VY_DA]]) == (
        "19786",
        "46",
    )


def test_targets_in_another_province_climb_to_the_centre():
    chain = approval_chain(UP, [CENTRAL, HUE, THUAN_HOA], [[CENTRAL, QUANG_TRI]])
    assert chain == ("19786", "46", "VN")


def test_own_rule_ignores_targets():
    assert approval_chain(OWN, [CENTRAL, HUE, THUAN_HOA], [[CENTRAL]]) == ("19786",)


def test_at_least_climbs_to_that_level_when_the_tree_has_it():
    rule = Rule(name="x", approve="up-to-target", at_least="province")
    assert approval_chain(rule, [CENTRAL, HUE, THUAN_HOA]) == ("19786", "46")
    district = Rule(name="x", approve="own", at_least="district")
    assert approval_chain(district, [CENTRAL, HUE, THUAN_HOA]) == ("19786",)


def test_an_item_above_the_required_level_is_not_pushed_down():
    rule = Rule(name="x", approve="own", at_least="commune")
    assert approval_chain(rule, [CENTRAL, HUE]) == ("46",)


def test_no_unit_no_chain():
    with pytest.raises(ValueError):
        approval_chain(UP, [])


@pytest.mark.parametrize(
    "facts, expected",
    [
        ({"type": "LegalDocument", "target_scope": "area"}, ("19786",)),
        (
            {"type": "Bulletin", "category": "security", "target_scope": "subtree"},
            ("19786", "46"),
        ),
        (
            {"type": "Bulletin", "category": "health", "target_scope": "unit"},
            ("19786",),
        ),
        (
            {"type": "Bulletin", "category": "health", "target_scope": "area"},
            ("19786", "46"),
        ),
    ],
)
def test_shipped_policy_defaults(facts, expected):
    rule = load().rule_for(facts)
    lineage = [CENTRAL, HUE, THUAN_HOA]
    targets = [[CENTRAL, HUE]] if facts["target_scope"] == "area" else [lineage]
    assert approval_chain(rule, lineage, targets) == expected


# Random trees: every unit's lineage is its parent's plus itself; levels come from depth.
LEVELS = ("central", "province", "district", "commune", "village")


@st.composite
def trees_with_an_item(draw):
    lineages = [[("U0", "central")]]
    for index in range(1, draw(st.integers(min_value=1, max_value=30))):
        parent = draw(
            st.sampled_from([lin for lin in lineages if len(lin) < len(LEVELS)])
        )
        lineages.append(parent + [(f"U{index}", LEVELS[len(parent)])])
    own = draw(st.sampled_from(lineages))
    targets = draw(st.lists(st.sampled_from(lineages), min_size=1, max_size=4))
    rule = Rule(
        name="r",
        approve=draw(st.sampled_from(("own", "up-to-target"))),
        at_least=draw(st.one_of(st.none(), st.sampled_from(LEVELS))),
    )
    return rule, own, targets


@given(trees_with_an_item())
def test_the_top_of_an_up_to_target_chain_covers_every_target(case):
    rule, own, targets = case
    chain = approval_chain(rule, own, targets)
    assert chain[0] == own[-1][0]  # the item's own unit approves first
    assert (
        list(chain) == [code for code, _level in reversed(own)][: len(chain)]
    )  # upward only
    if rule.approve == "up-to-target":
        # The last approver's area holds every target: its code is in each target's lineage.
        assert all(chain[-1] in {code for code, _level in target} for target in targets)
    elif rule.at_least is None:
        assert chain == (
            own[-1][0],
        )  # "own": nobody else, so targets must stay inside it
