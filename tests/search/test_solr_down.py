"""Solr down while editors work: nothing is lost, search still answers, and once Solr is back
its index equals the catalog exactly."""

from nguon.outbox.storage import outbox
from nguon.search import maintenance
from nguon.search import verify
from nguon.testing import tree_user
from plone import api
from tests.search.helpers import deliver
from tests.search.helpers import indexed
from tests.search.helpers import published
from tests.search.helpers import solr_doc
from tests.search.helpers import transition

import logging
import pytest
import requests
import transaction


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")


@pytest.fixture
def site(tree_solr):
    portal, node, _db = indexed(tree_solr)
    return portal, node


def _published(commune, title, text):
    return published(
        commune, "Bulletin", EDITOR, APPROVER, title=title, description=text
    )


def test_updates_made_while_solr_is_down_reach_it_when_it_returns(site, caplog):
    portal, node = site
    commune = portal["vn"]["46"]["19786"]
    kept = _published(
        commune, "Thông báo lịch cắt điện tháng 12", "Lịch cắt điện khu vực Thuận Hóa."
    )
    edited = _published(
        commune, "Kế hoạch tiêm chủng mở rộng", "Tiêm chủng cho trẻ dưới 5 tuổi."
    )
    retracted = _published(commune, "Cảnh báo mưa lớn", "Mưa lớn kéo dài ở Huế.")
    deleted = _published(commune, "Thông báo họp dân", "Họp dân tại nhà văn hóa.")
    deliver(portal)
    assert verify.compare(portal).empty

    node.stop()
    try:
        edited.title = "Kế hoạch tiêm chủng mở rộng năm 2027"
        edited.reindexObject()
        transition(APPROVER, "retract", retracted)
        deleted_uid = deleted.UID()
        with api.env.adopt_roles(["Manager"]):
            api.content.delete(obj=deleted)
            added = _published(
                commune, "Thông báo thu gom rác", "Lịch thu gom rác mới."
            )
        with caplog.at_level(logging.WARNING, logger="nguon.search"):
            results = deliver_without_node(portal)
        assert results["solr"].unavailable
        pending = outbox(portal).pending_set("solr").uids()
        assert {edited.UID(), retracted.UID(), deleted_uid, added.UID()} <= set(pending)

        # Citizens still find what is published, from the catalog; the log says why.
        with caplog.at_level(logging.WARNING, logger="nguon.search"):
            answer = requests.get(
                f"{portal.absolute_url()}/@search",
                params={"SearchableText": "cắt điện"},
                headers={"Accept": "application/json"},
                timeout=30,
            )
        assert answer.status_code == 200
        assert [entry["title"] for entry in answer.json()["items"]] == [kept.title]
        assert "Solr unavailable" in caplog.text
    finally:
        node.start()

    results = deliver(portal)
    assert results["solr"].unavailable is None
    assert outbox(portal).pending_set("solr").count() == 0
    differences = verify.compare(portal)
    assert differences.empty, differences.summary()
    assert solr_doc(deleted_uid) is None
    assert solr_doc(edited.UID())["Title"] == "Kế hoạch tiêm chủng mở rộng năm 2027"
    assert solr_doc(retracted.UID())["review_state"] != "published"
    assert solr_doc(added.UID())["review_state"] == "published"


def deliver_without_node(portal):
    from nguon.outbox.worker import drain

    transaction.commit()
    return drain(portal)


def test_verify_sees_every_kind_of_drift_and_sync_repairs_it(site):
    portal, node = site
    commune = portal["vn"]["46"]["19786"]
    item = _published(commune, "Thông báo tuyển quân", "Tuyển quân năm 2027.")
    deliver(portal)
    ghost = "0123456789abcdef0123456789abcdef"
    node.post(
        "update",
        {
            "add": {
                "doc": {"UID": ghost, "Title": "bóng ma", "portal_type": "Bulletin"}
            },
            "commit": {},
        },
    )
    stored = node.get("select", q=f'UID:"{item.UID()}"', fl="*,allowedRolesAndUsers")[
        "response"
    ]["docs"][0]
    stored = {
        name: value
        for name, value in stored.items()
        if name != "_version_" and not name.endswith("_folded")
    }
    node.post(
        "update", {"add": {"doc": {**stored, "review_state": "draft"}}, "commit": {}}
    )
    differences = verify.compare(portal)
    assert differences.extra == [ghost]
    assert set(differences.mismatched[item.UID()]) == {"review_state"}

    maintenance.sync(portal)
    deliver(portal)
    assert verify.compare(portal).empty
