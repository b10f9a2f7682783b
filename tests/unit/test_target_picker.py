"""The target picker's pure parts: names folded as people type them (without diacritics, in
any case, "đ" as "d"), and why the picker may bound its search by one area: the top of the
chain for a target at the tree's root covers every target any chain of that rule accepts
(``nguon.workflow.reachable.widest_area``)."""

from hypothesis import given
from hypothesis import strategies as st
from nguon.units.finder import fold
from nguon.units.finder import words
from nguon.workflow.chain import approval_chain
from nguon.workflow.policy import Rule

import pytest
import unicodedata


@pytest.mark.parametrize(
    "typed, title",
    [
        ("thuan hoa", "Phường Thuận Hóa"),
        ("hue", "Thành phố Huế"),
        ("quang tri", "Tỉnh Quảng Trị"),
        ("dong hoi", "Phường Đồng Hới"),
        ("DONG HOI", "Phường ĐỒNG HỚI"),
        ("vy da", "Phường Vỹ Dạ"),
    ],
)
def test_names_fold_to_what_people_type(typed, title):
    assert set(words(typed)) <= set(words(title))
    # Titles typed in decomposed form (as some keyboards send them) fold alike.
    assert fold(unicodedata.normalize("NFD", title)) == fold(title)


def test_every_vietnamese_letter_folds_to_a_plain_letter():
    letters = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
    folded = fold(letters + letters.upper())
    assert folded.isascii() and folded.isalpha()
    assert set(folded) == set("aeiouyd")


CENTRAL = ("VN", "central")
TREE = {
    "VN": [CENTRAL],
    "46": [CENTRAL, ("46", "province")],
    "19786": [CENTRAL, ("46", "province"), ("19786", "commune")],
    "19777": [CENTRAL, ("46", "province"), ("19777", "commune")],
    "44": [CENTRAL, ("44", "province")],
    "18880": [CENTRAL, ("44", "province"), ("18880", "commune")],
}
RULES = [
    Rule(name="own", approve="own"),
    Rule(name="up", approve="up-to-target"),
    Rule(name="own-province", approve="own", at_least="province"),
    Rule(name="up-province", approve="up-to-target", at_least="province"),
]


def _in_area(area_code, code):
    return area_code in {c for c, _level in TREE[code]}


@given(
    rule=st.sampled_from(RULES),
    own=st.sampled_from(sorted(TREE)),
    target=st.sampled_from(sorted(TREE)),
)
def test_the_chain_for_the_root_bounds_every_reachable_target(rule, own, target):
    widest = approval_chain(rule, TREE[own], [TREE["VN"]])[-1]
    top = approval_chain(rule, TREE[own], [TREE[target]])[-1]
    if _in_area(top, target):  # the rule lets this item reach the target
        assert _in_area(widest, target)


def test_a_legal_document_of_a_ward_reaches_only_the_ward():
    own = Rule(name="own", approve="own")
    reachable = [
        code
        for code in sorted(TREE)
        if _in_area(approval_chain(own, TREE["19786"], [TREE[code]])[-1], code)
    ]
    assert reachable == ["19786"]
