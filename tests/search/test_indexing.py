"""Items reach Solr through the outbox, whole, with the fields search and facets need."""
from nguon.outbox.storage import outbox
from plone import api
from tests.search.helpers import create
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
        item = create(commune, "Bulletin", title="Thông báo lịch cắt điện tháng 12",
                      description="Điện lực Huế thông báo lịch cắt điện.")
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
