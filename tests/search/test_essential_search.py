"""Essential information in Solr: documents carry ``is_essential`` (the catalog's indexer), and
a text search filtered on it, answered by Solr, keeps the filter (collective.solr drops any
field its schema lacks, which would list every item)."""

from nguon.testing import tree_user
from tests.search.helpers import current_node
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import solr_doc
from tests.search.helpers import use_node

import requests


def test_a_text_search_on_solr_keeps_the_essential_filter(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    editor, approver = tree_user("19786", "editors"), tree_user("19786", "approvers")
    marked = published(
        commune,
        "Bulletin",
        editor,
        approver,
        title="Lịch cấp nước sạch",
        essential=True,
    )
    ordinary = published(commune, "Bulletin", editor, approver, title="Lễ hội nước")
    deliver(portal)
    assert solr_doc(marked.UID())["is_essential"] is True
    assert solr_doc(ordinary.UID())["is_essential"] is False
    node = current_node()
    asked = node.get("admin/mbeans", stats="true", cat="QUERY", key="/select")
    found = requests.get(
        f"{portal.absolute_url()}/@search",
        params={"SearchableText": "nuoc", "is_essential": "true"},
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert [entry["@id"] for entry in found["items"]] == [marked.absolute_url()]
    after = node.get("admin/mbeans", stats="true", cat="QUERY", key="/select")
    assert _requests(after) > _requests(asked)  # Solr answered, not the catalog


def _requests(stats):
    return stats["solr-mbeans"][1]["/select"]["stats"]["QUERY./select.requests"]
