"""Acknowledged pushes in the delivery ledger (nguon.syndication.delivery): a commune site
that acknowledges a push proves the web delivery of its items to its unit; a unit without a
subscriber, or whose subscriber fails, is told why.

An essential province bulletin (Huế, 46) on the web for its communes Thuận Hóa (19786) and
Vỹ Dạ (19777), each a real loopback commune site (nguon.sync's receiver) when subscribed."""

from nguon.ledger.coverage import coverage
from nguon.ledger.record import of_item
from nguon.sync.mirror import Mirror
from nguon.sync.poller import catch_up
from nguon.sync.poller import Signer
from nguon.syndication import signing
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from tests.syndication.helpers import unit_url
from tests.syndication.receivers import CommuneSite
from tests.syndication.test_push import push
from tests.syndication.test_push import subscribe

import pytest
import requests
import time
import transaction


COMMUNES = {"19786": "46/19786", "19777": "46/19777"}


@pytest.fixture
def communes(layer, portal, tmp_path):
    made = {}
    for code, path in COMMUNES.items():
        (tmp_path / code).mkdir()
        made[code] = CommuneSite(
            tmp_path / code, f"{unit_url(layer, *path.split('/'))}/feed.json"
        ).start()
    yield made
    for site in made.values():
        if site.server is not None:
            site.stop()


def essential(portal, title):
    return published(
        portal["vn"]["46"],
        "Bulletin",
        "46-editors",
        "46-approvers",
        title=title,
        description="Thông tin thiết yếu cho mọi phường.",
        channels={"web"},
        essential=True,
        target_scope="subtree",
    )


def pairs(portal, item):
    transaction.begin()
    return {p.unit: p for p in coverage(portal, item.UID()).pairs}


def test_an_acknowledged_push_delivers_the_web_pair_of_the_subscribers_unit(
    layer, portal, communes
):
    site = communes["19786"]
    assert subscribe(layer, COMMUNES["19786"], site).status_code == 201
    item = essential(portal, "Thông báo thu hồi thực phẩm không an toàn")
    settle(portal)
    found = pairs(portal, item)
    assert found["19786"].status == "pending"  # subscribed, not pushed yet
    assert "chờ trang của đơn vị" in found["19786"].reason.default
    # Vỹ Dạ has no site that receives its feed: the item cannot reach it on the web.
    assert found["19777"].status == "failed"
    assert found["19777"].reason.default == "Đơn vị chưa có trang nào nhận tin"
    (sent,) = push(portal)
    assert sent.ok and site.titles() == ["Thông báo thu hồi thực phẩm không an toàn"]
    found = pairs(portal, item)
    assert found["19786"].status == "delivered"
    assert found["19786"].proof["kind"] == "web-push"
    assert found["19786"].proof["device"] == sent.sid
    ((unit, channel, _at, device, _kind, detail),) = of_item(portal, item.UID())
    assert (unit, channel, device) == ("19786", "web", sent.sid)
    assert detail == {"status": 200.0, "subscriber": "127.0.0.1"}


def test_a_failing_subscriber_is_the_reason_and_its_retry_delivers(
    layer, portal, communes
):
    site = communes["19777"]
    assert subscribe(layer, COMMUNES["19777"], site).status_code == 201
    site.stop()  # the commune's server goes down
    item = essential(portal, "Lịch cắt điện khu vực Vỹ Dạ")
    settle(portal)
    (failed,) = push(portal)
    assert not failed.ok
    found = pairs(portal, item)
    assert found["19777"].status == "failed"
    assert "không thành công" in found["19777"].reason.default
    assert found["19777"].reason.mapping["error"]  # our words for what went wrong
    assert of_item(portal, item.UID()) == []  # nothing acknowledged, nothing proven
    site.start()
    (retried,) = push(portal, now=time.time() + 3600)
    assert retried.ok
    assert pairs(portal, item)["19777"].status == "delivered"


def test_a_retraction_delivered_proves_nothing_and_the_proof_stays(
    layer, portal, communes
):
    site = communes["19786"]
    assert subscribe(layer, COMMUNES["19786"], site).status_code == 201
    item = essential(portal, "Thông báo tạm dừng cấp nước")
    settle(portal)
    (sent,) = push(portal)
    proof = pairs(portal, item)["19786"].proof
    transition("46-approvers", "retract", item)
    settle(portal)
    (tombstone,) = push(portal)
    assert tombstone.ok and tombstone.items == () and site.titles() == []
    assert len(of_item(portal, item.UID())) == 1  # the tombstone is no delivery
    assert pairs(portal, item)["19786"].proof == proof  # what reached it, reached it


def test_a_feed_read_by_its_signed_subscriber_delivers_and_nothing_else_does(
    layer, portal, communes, tmp_path
):
    thuan_hoa, vy_da = communes["19786"], communes["19777"]
    sid = subscribe(layer, COMMUNES["19786"], thuan_hoa).json()["id"]
    other = subscribe(layer, COMMUNES["19777"], vy_da).json()["id"]
    thuan_hoa.stop()  # from now on it only polls (behind a firewall, say)
    item = essential(portal, "Thông báo lịch tiêm chủng mở rộng")
    settle(portal)
    # The attacks, each reading Thuận Hóa's feed: anonymous, signed with a wrong secret,
    # signed by Vỹ Dạ's subscription (another unit's), a signature of another query.
    feed = thuan_hoa.feed_url
    for number, signer in enumerate(
        (None, Signer(sid, "không phải khóa của xã"), Signer(other, vy_da.secret))
    ):
        mirror = Mirror(tmp_path / f"attack-{number}.sqlite")
        assert catch_up(feed, mirror, signer=signer)[0] == 1  # served as to anyone
    forged = Signer(sid, thuan_hoa.secret)(f"{feed}?since=0")
    assert requests.get(feed, headers=forged, timeout=30).ok
    assert of_item(portal, item.UID()) == []
    assert pairs(portal, item)["19786"].status == "pending"
    # Its own signed poll: delivered, for its unit, timed by the signature.
    assert (
        catch_up(feed, thuan_hoa.mirror, signer=Signer(sid, thuan_hoa.secret))[0] == 1
    )
    found = pairs(portal, item)["19786"]
    assert found.status == "delivered" and found.proof["kind"] == "web-fetch"
    assert found.proof["device"] == sid
    # A signed request replayed counts once; one signed too far from the site's clock, never.
    later = int(time.time()) + 2
    replayed = signing.poll_headers(thuan_hoa.secret, sid, "since=0", later)
    stale = signing.poll_headers(thuan_hoa.secret, sid, "since=0", later - 3600)
    for headers in (replayed, replayed, stale):
        assert requests.get(f"{feed}?since=0", headers=headers, timeout=30).ok
    transaction.begin()
    rows = of_item(portal, item.UID())
    assert [(row[0], row[3], row[4]) for row in rows] == [
        ("19786", sid, "web-fetch")
    ] * 2
    assert pairs(portal, item)["19777"].status == "pending"  # Vỹ Dạ read nothing itself
