"""Items reach Solr through the outbox, whole, with the fields search and facets need."""

from nguon.outbox.storage import outbox
from plone import api
from tests.search.helpers import create
from tests.search.helpers import current_node
from tests.search.helpers import deliver
from tests.search.helpers import solr_doc
from tests.search.helpers import use_node

import pytest


@pytest.fixture
def portal(tree_solr):
    use_node(tree_solr["solr"])
    return tree_solr["portal"]


def test_a_new_bulletin_is_indexed_with_its_unit(portal):
    commune = portal["vn"]["46"]["19786"]
    with api.env.adopt_roles(["Manager"]):
        item = create(
            commune,
            "Bulletin",
            title="Thông báo lịch cắt điện tháng 12",
            description="Điện lực Huế thông báo lịch cắt điện.",
        )
    assert outbox(portal).pending_set("solr").pending.get(item.UID()) is not None
    results = deliver(portal)
    assert results["solr"].delivered >= 1 and not results["solr"].refused
    assert outbox(portal).pending_set("solr").count() == 0
    doc = solr_doc(item.UID())
    assert doc["Title"] == "Thông báo lịch cắt điện tháng 12"
    assert doc["portal_type"] == "Bulletin"
    assert doc["unit_code"] == "19786"
    assert doc["unit_ancestors"] == ["VN", "46", "19786"]
    assert doc["unit_level"] == "commune"
    assert doc["review_state"] == "draft"
    assert doc["category"] == "public-services"


def test_collective_solrs_own_processor_is_replaced_by_the_outbox(portal):
    from Products.CMFCore.interfaces import IIndexQueueProcessor
    from zope.component import getUtilitiesFor

    names = {name for name, _utility in getUtilitiesFor(IIndexQueueProcessor)}
    assert "nguon-outbox" in names and "solr" not in names


def test_a_renamed_and_a_moved_item_keep_one_document_at_their_new_place(portal):
    commune = portal["vn"]["46"]["19786"]
    other = portal["vn"]["46"]["19777"]
    with api.env.adopt_roles(["Manager"]):
        item = create(commune, "Bulletin", title="Lịch tiếp công dân")
        deliver(portal)
        api.content.rename(obj=item, new_id="lich-tiep-cong-dan-thang-12")
        deliver(portal)
        assert solr_doc(item.UID())["path_string"].endswith(
            "/19786/lich-tiep-cong-dan-thang-12"
        )
        moved = api.content.move(source=item, target=other)
        deliver(portal)
    doc = solr_doc(moved.UID())
    assert doc["path_string"] == "/".join(moved.getPhysicalPath())
    assert doc["unit_code"] == "19777" and doc["unit_ancestors"] == [
        "VN",
        "46",
        "19777",
    ]


def _solr_queries(node):
    stats = node.get("admin/mbeans", stats="true", cat="QUERY", key="/select")
    return stats["solr-mbeans"][1]["/select"]["stats"]["QUERY./select.requests"]


def test_plones_own_searches_are_answered_by_solr(portal):
    """restapi @search and Plone's @@search query Solr (its request count grows) and find
    "cắt điện" typed without diacritics."""
    from nguon.testing import tree_user

    import requests

    editor, approver = tree_user("19786", "editors"), tree_user("19786", "approvers")
    item = create(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        editor,
        title="Thông báo lịch cắt điện",
        description="Lịch cắt điện khu vực Thuận Hóa.",
    )
    for userid, transition in ((editor, "submit"), (approver, "publish")):
        with api.env.adopt_user(username=userid):
            api.content.transition(obj=item, transition=transition)
    deliver(portal)
    node = current_node()
    asked = _solr_queries(node)
    found = requests.get(
        f"{portal.absolute_url()}/@search",
        params={"SearchableText": "cat dien"},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert [entry["@id"] for entry in found["items"]] == [item.absolute_url()]
    page = requests.get(
        f"{portal.absolute_url()}/@@search",
        params={"SearchableText": "cat dien"},
        timeout=30,
    )
    assert page.status_code == 200 and item.absolute_url() in page.text
    assert _solr_queries(node) >= asked + 2
