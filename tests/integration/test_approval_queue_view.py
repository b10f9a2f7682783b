"""The "awaiting my approval" page lists what waits for the approver, oldest first."""

from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.workflow.queue import approval_queue
from plone import api
from zope.interface import alsoProvides

import pytest


def _waiting_item(unit, title):
    with api.env.adopt_user(username=tree_user(unit, "editors")):
        item = api.content.create(
            container=find_unit(unit),
            type="Bulletin",
            title=title,
            category="health",
            channels={"web"},
        )
        api.content.transition(obj=item, transition="submit")
    return item


@pytest.fixture
def page(tree):
    from nguon.interfaces import INguonLayer

    request = tree["request"]
    alsoProvides(request, INguonLayer)
    return lambda: api.content.get_view("approval-queue", tree["portal"], request)()


def test_oldest_first_with_counts_per_unit(tree):
    first = _waiting_item("19786", "Thông báo thứ nhất")
    second = _waiting_item("19777", "Thông báo thứ hai")
    with api.env.adopt_user(username=tree_user("46", "approvers")):
        assert approval_queue().brains == []  # nothing has climbed to the province
    api.group.add_user(
        groupname="unit-19777-approvers", username=tree_user("19786", "approvers")
    )
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        queue = approval_queue()
    assert [b.getObject() for b in queue.brains] == [first, second]
    assert queue.counts == {"19786": 1, "19777": 1}


def test_the_page_shows_the_waiting_items_in_vietnamese(page):
    _waiting_item("19786", "Thông báo lịch cắt nước")
    with api.env.adopt_user(username=tree_user("19786", "approvers")):
        html = page()
    assert "Chờ tôi duyệt" in html and "Thông báo lịch cắt nước" in html
    assert "Phường Thuận Hóa" in html


def test_the_page_says_when_nothing_waits(page):
    with api.env.adopt_user(username=tree_user("44", "approvers")):
        assert "Không có mục nào chờ bạn duyệt" in page()
