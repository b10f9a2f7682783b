"""The index of units (``nguon.units.finder.index``) is kept while the units stay as they
are, and follows every change of them: committed, or still inside the transaction."""

from collections import Counter
from nguon.testing import tree_user
from nguon.units import finder
from nguon.units.importer import sync_unit
from nguon.units.merge import merge_units
from nguon.units.official import OfficialUnit
from nguon.units.tree import find_unit
from plone import api

import pytest
import transaction


@pytest.fixture
def portal(tree_functional):
    return tree_functional["portal"]


def codes():
    return {unit.code: unit for unit in finder.index()}


def titles():
    return {unit.code: unit.title for unit in finder.index()}


def test_an_item_added_and_published_in_a_unit_keeps_the_index(portal):
    before = finder.index()
    with api.env.adopt_user(username=tree_user("19786", "editors")):
        item = api.content.create(
            container=find_unit("19786"),
            type="Bulletin",
            title="Thông báo lịch tiêm chủng",
            category="health",
            channels={"web"},
        )
        api.content.transition(obj=item, transition="submit")
    transaction.commit()
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        api.content.transition(obj=item, transition="publish")
    transaction.commit()
    assert finder.index() is before  # not rebuilt: no unit changed


def test_a_renamed_unit_is_listed_by_its_new_title_at_once_and_after_the_commit(
    portal,
):
    finder.index()
    unit = find_unit("19777")
    unit.title = "Phường Vỹ Dạ Mới"
    unit.reindexObject()
    assert titles()["19777"] == "Phường Vỹ Dạ Mới"  # inside the transaction
    transaction.commit()
    assert titles()["19777"] == "Phường Vỹ Dạ Mới"
    # renamed back by the importer (attributes and a reindex, no event)
    with api.env.adopt_roles(["Manager"]):
        sync_unit(
            find_unit("46"),
            OfficialUnit("19777", "Phường Vỹ Dạ", "commune", "commune", "19777"),
            Counter(),
        )
    transaction.commit()
    assert titles()["19777"] == "Phường Vỹ Dạ"


def test_units_added_merged_and_removed_follow(portal):
    assert "99001" not in codes()
    with api.env.adopt_roles(["Manager"]):
        sync_unit(
            find_unit("44"),
            OfficialUnit("99001", "Xã Thử Nghiệm", "commune", "commune", "99001"),
            Counter(),
        )
    assert codes()["99001"].parent_path == "vn/44"  # inside the transaction
    transaction.commit()
    assert codes()["99001"].path == "vn/44/99001"
    with api.env.adopt_roles(["Manager"]):
        merge_units(find_unit("99001"), find_unit("18880"))
    transaction.commit()
    assert "99001" not in codes() and "18880" in codes()
    with api.env.adopt_roles(["Manager"]):
        api.content.delete(obj=find_unit("18880"))
    transaction.commit()
    assert "18880" not in codes()


def test_a_change_rolled_back_leaves_the_index_as_committed(portal):
    finder.index()
    unit = find_unit("19786")
    unit.title = "Phường Tạm"
    unit.reindexObject()
    assert titles()["19786"] == "Phường Tạm"
    transaction.abort()
    assert titles()["19786"] == "Phường Thuận Hóa"
