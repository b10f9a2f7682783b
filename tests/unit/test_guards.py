"""The workflow guards as small functions: the user and the item's approval record are faked
here (the permission matrix in tests/integration runs them against a real site)."""

from nguon.workflow import guards
from types import SimpleNamespace

import pytest


class FakeState:
    def __init__(self, awaiting, last):
        self.awaiting_unit, self.is_last_step = awaiting, last


@pytest.fixture
def world(monkeypatch):
    """A user approving for some units, possibly the author, possibly a manager."""
    user = SimpleNamespace(
        units=set(), author=False, manager=False, roles=set(), can_edit=False
    )
    state = SimpleNamespace(value=FakeState(awaiting="19786", last=False))
    lineage = [("VN", "central"), ("46", "province"), ("19786", "commune")]
    monkeypatch.setattr(guards, "approver_units", lambda user_=None: user.units)
    monkeypatch.setattr(guards, "is_author", lambda item, user_=None: user.author)
    monkeypatch.setattr(guards, "is_manager", lambda user_=None: user.manager)
    monkeypatch.setattr(guards, "ApprovalState", lambda item: state.value)
    monkeypatch.setattr(guards, "item_unit", lambda item: "unit")
    monkeypatch.setattr(
        guards,
        "approving_unit_in_area",
        lambda item, user_=None: next(
            (code for code, _level in reversed(lineage) if code in user.units), None
        ),
    )
    item = SimpleNamespace(
        priority="normal", approved_lineage=[code for code, _level in lineage]
    )
    monkeypatch.setattr(
        guards, "approved_area_lineage", lambda item_: item_.approved_lineage
    )
    monkeypatch.setattr(
        guards, "covers", lambda code, item_: code in item_.approved_lineage
    )
    monkeypatch.setattr(
        guards.api.user, "has_permission", lambda *a, **k: user.can_edit
    )
    monkeypatch.setattr(
        guards.api.user,
        "get_current",
        lambda: SimpleNamespace(getRolesInContext=lambda item_: user.roles),
    )
    return SimpleNamespace(user=user, state=state, item=item)


def test_approve_only_at_the_waiting_unit_and_not_at_the_last_step(world):
    world.user.units = {"19786"}
    assert guards.can_approve(world.item) and not guards.can_publish(world.item)
    world.state.value = FakeState(awaiting="19786", last=True)
    assert guards.can_publish(world.item) and not guards.can_approve(world.item)
    world.state.value = FakeState(awaiting="46", last=True)
    assert not guards.can_publish(world.item) and not guards.can_reject(world.item)


def test_nothing_waits_nothing_to_approve(world):
    world.user.units = {"19786"}
    world.state.value = FakeState(awaiting=None, last=True)
    assert not any(
        g(world.item)
        for g in (guards.can_approve, guards.can_publish, guards.can_reject)
    )


def test_the_author_never_approves_even_as_manager(world):
    world.user.units, world.user.author, world.user.manager = {"19786"}, True, True
    assert not guards.can_approve(world.item) and not guards.can_reject(world.item)
    world.item.priority = "emergency"
    assert not guards.can_emergency_publish(world.item)


def test_emergency_needs_the_priority_and_an_approver_of_the_area(world):
    world.user.units = {"46"}
    assert not guards.can_emergency_publish(world.item)
    world.item.priority = "emergency"
    assert guards.can_emergency_publish(world.item)
    world.user.units = {"44"}
    assert not guards.can_emergency_publish(world.item)


def test_retract_and_archive_for_approvers_of_the_unit_or_above(world):
    world.user.units = {"VN"}
    assert guards.can_retract(world.item) and guards.can_archive(world.item)
    world.user.units = {"19777"}
    assert not guards.can_retract(world.item)


def test_a_commune_cannot_retract_what_its_province_approved_for_the_province(world):
    world.item.approved_lineage = ["VN", "46"]
    world.user.units = {"19786"}
    assert not guards.can_retract(world.item)
    world.user.units = {"46"}
    assert guards.can_retract(world.item)


def test_submit_needs_a_unit_and_the_right_to_edit(world):
    assert not guards.can_submit(world.item)
    world.user.can_edit = True
    assert guards.can_submit(world.item)


def test_withdraw_and_revise_for_the_author_or_an_editor(world):
    assert not guards.can_withdraw(world.item)
    world.user.roles = {"Editor"}
    assert guards.can_withdraw(world.item) and guards.can_revise(world.item)
