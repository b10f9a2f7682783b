"""Who may do what with Phường Thuận Hóa's reports, for every unit group of every unit of the
tree: the expectations are written from the rules (docs/reports.md), not computed by the code
under test. Only the commune's editors and admins fill, only its approvers sign, its own
people read every state, the units above (Huế, the central level) read its state and its
signed reports, nobody else anything."""

from nguon.reports import access
from nguon.reports.store import DRAFT
from nguon.reports.store import Report
from nguon.reports.store import SIGNED
from nguon.testing import TREE
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.units.tree import GROUP_KINDS
from plone import api

import pytest


COMMUNE = "19786"
ABOVE = {"46", "VN"}
FILL = {(COMMUNE, "editors"), (COMMUNE, "admins")}
SIGN = {(COMMUNE, "approvers")}
PEOPLE = [
    (code, kind) for code, _level, _title, _parent in TREE for kind in GROUP_KINDS
]


def _report(state):
    report = Report(COMMUNE, "quy", "2026-Q4", None, "19786-editors")
    report.state = state
    return report


@pytest.mark.parametrize("code, kind", PEOPLE)
def test_who_may_fill_sign_and_read(tree, code, kind):
    commune = find_unit(COMMUNE)
    user = api.user.get(userid=tree_user(code, kind))
    own = code == COMMUNE
    assert access.may_fill(user, commune) == ((code, kind) in FILL)
    assert access.may_sign(user, commune) == ((code, kind) in SIGN)
    assert access.may_read(user, commune, _report(DRAFT)) == own
    assert access.may_read(user, commune, _report(SIGNED)) == (own or code in ABOVE)
    assert access.may_read_list(user, commune) == (own or code in ABOVE)


def test_anonymous_may_nothing(tree):
    commune = find_unit(COMMUNE)
    assert not access.may_fill(None, commune)
    assert not access.may_sign(None, commune)
    assert not access.may_read(None, commune, _report(SIGNED))
    assert not access.may_read_list(None, commune)
