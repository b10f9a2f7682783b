"""Push to commune sites: subscriptions verified WebSub style, signed deliveries, retries,
dead letters, the delivery log; the reference consumer refuses what it must."""

from nguon.publication.store import storage
from nguon.sync.poller import catch_up
from nguon.syndication import signing
from nguon.syndication.pusher import push_round
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from tests.syndication.helpers import unit_url
from tests.syndication.receivers import CommuneSite

import json
import pytest
import requests
import time
import transaction


COMMUNES = {"thuan-hoa": "46/19786", "vy-da": "46/19777", "dong-hoi": "44/18880"}


@pytest.fixture
def sites(layer, portal, tmp_path):
    made = {}
    for name, path in COMMUNES.items():
        (tmp_path / name).mkdir()
        made[name] = CommuneSite(
            tmp_path / name, f"{unit_url(layer, *path.split('/'))}/feed.json"
        ).start()
    yield made
    for site in made.values():
        if site.server is not None:
            site.stop()


def admin_of(path):
    return (f"{path.split('/')[-1]}-admins", TREE_PASSWORD)


def subscribe(layer, path, site, **extra):
    body = {"callback": site.callback, "secret": site.secret, **extra}
    return requests.post(
        f"{unit_url(layer, *path.split('/'))}/@subscriptions",
        json=body,
        auth=admin_of(path),
        headers={"Accept": "application/json"},
        timeout=30,
    )


def push(portal, **options):
    transaction.commit()
    sent = push_round(portal, **options)
    transaction.commit()
    return sent


def bulletin(portal, title, **fields):
    fields.setdefault("target_scope", "subtree")
    return published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=title,
        **fields,
    )


def test_a_province_bulletin_is_pushed_to_its_communes_and_its_retraction_removes_it(
    layer, portal, sites
):
    for name, path in COMMUNES.items():
        response = subscribe(layer, path, sites[name])
        assert response.status_code == 201, response.text
        assert "secret" not in response.json()
    item = bulletin(portal, "Thông báo cắt điện toàn tỉnh Thừa Thiên Huế")
    settle(portal)
    sent = push(portal)
    assert sorted(p.callback for p in sent) == sorted(
        [sites["thuan-hoa"].callback, sites["vy-da"].callback]
    )
    assert all(p.ok for p in sent)
    assert sites["thuan-hoa"].titles() == [
        "Thông báo cắt điện toàn tỉnh Thừa Thiên Huế"
    ]
    assert sites["vy-da"].titles() == ["Thông báo cắt điện toàn tỉnh Thừa Thiên Huế"]
    assert sites["dong-hoi"].titles() == []
    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    assert all(p.ok for p in push(portal))
    assert sites["thuan-hoa"].titles() == [] and sites["vy-da"].titles() == []
    assert push(portal) == []  # nothing left to send


def test_a_consumer_down_the_whole_time_catches_up_from_the_feed_cursor(
    layer, portal, sites
):
    site = sites["thuan-hoa"]
    assert subscribe(layer, COMMUNES["thuan-hoa"], site).status_code == 201
    kept = bulletin(portal, "Tin đã có trước")
    settle(portal)
    push(portal)
    site.stop()  # the commune's server goes down
    gone = bulletin(portal, "Tin bị thu hồi khi xã mất kết nối")
    settle(portal)
    transition(PROVINCE_APPROVER, "retract", gone)
    kept.title = "Tin đã có trước (đã sửa)"
    kept.reindexObject()
    fresh = bulletin(portal, "Tin mới khi xã mất kết nối")
    settle(portal)
    failed = push(portal)
    assert failed and not failed[0].ok
    delivery = storage(portal).deliveries[failed[0].sid]
    assert delivery.failures == 1 and delivery.log[-1]["status"] == "failed"
    # Back up: the consumer first catches up from its feed cursor, completely.
    catch_up(site.feed_url, site.mirror)
    assert site.titles() == ["Tin mới khi xã mất kết nối", "Tin đã có trước (đã sửa)"]
    assert gone.UID() not in site.mirror.items() and fresh.UID() in site.mirror.items()
    # The hub's retry then brings the same changes again: harmless.
    site.start()
    retried = push(portal, now=time.time() + 3600)
    assert retried and all(p.ok for p in retried)
    assert site.titles() == ["Tin mới khi xã mất kết nối", "Tin đã có trước (đã sửa)"]


def test_the_delivery_log_and_dead_letters_are_visible_to_the_unit_admin(
    layer, portal, sites
):
    site = sites["vy-da"]
    sid = subscribe(layer, COMMUNES["vy-da"], site).json()["id"]
    site.stop()
    bulletin(portal, "Tin không gửi được")
    settle(portal)
    for attempt in range(8):
        push(portal, now=time.time() + 7200 * (attempt + 1), base_delay=0.01)
    url = f"{unit_url(layer, '46', '19777')}/@subscriptions/{sid}"
    detail = requests.get(
        url,
        auth=admin_of(COMMUNES["vy-da"]),
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert detail["state"] == "dead" and detail["failures"] == 8
    assert [entry["status"] for entry in detail["log"]][:2] == ["dead", "failed"]
    assert push(portal, now=time.time() + 10**6) == []  # dead: nothing more is tried
    site.start()
    resumed = requests.post(
        f"{url}/resume",
        auth=admin_of(COMMUNES["vy-da"]),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert resumed.status_code == 200 and resumed.json()["state"] == "active"
    transaction.commit()
    assert all(p.ok for p in push(portal))
    assert site.titles() == ["Tin không gửi được"]
    # Another commune's admin sees nothing of it; anonymous cannot list.
    other = requests.get(
        url,
        auth=admin_of(COMMUNES["thuan-hoa"]),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert other.status_code in (401, 403)
    anonymous = requests.get(
        f"{unit_url(layer, '46', '19777')}/@subscriptions",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert anonymous.status_code == 401


def test_subscribing_needs_the_unit_admin_and_a_confirming_callback(
    layer, portal, sites
):
    site = sites["thuan-hoa"]
    path = COMMUNES["thuan-hoa"]
    editor = requests.post(
        f"{unit_url(layer, '46', '19786')}/@subscriptions",
        json={"callback": site.callback, "secret": site.secret},
        auth=("19786-editors", TREE_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert editor.status_code in (401, 403)
    # A callback that follows another topic does not echo the challenge.
    other = sites["dong-hoi"]
    refused = subscribe(layer, path, other)
    assert (
        refused.status_code == 400
        and "hub.challenge" in refused.json()["error"]["message"]
    )
    assert subscribe(layer, path, site, secret="ngắn").status_code == 400
    assert subscribe(layer, path, site, lease_seconds=10).status_code == 400
    assert subscribe(layer, path, site, priority="bí mật").status_code == 400
    first = subscribe(layer, path, site, lease_seconds=7200).json()
    renewed = subscribe(layer, path, site, lease_seconds=86400).json()
    assert renewed["id"] == first["id"] and renewed["expires_at"] > first["expires_at"]
    assert (
        requests.delete(
            f"{unit_url(layer, '46', '19786')}/@subscriptions/{first['id']}",
            auth=admin_of(path),
            headers={"Accept": "application/json"},
            timeout=30,
        ).status_code
        == 204
    )
    transaction.commit()
    assert storage(portal).subscriptions.get(first["id"]) is None


@pytest.mark.parametrize(
    "callback",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.1/nhan-tin",
        "http://192.168.1.1/",
        "http://[::1]:8080/",
        "http://user:pass@example.com/",
        "file:///etc/passwd",
        "gopher://127.0.0.1/",
    ],
)
def test_callbacks_into_private_networks_are_refused(layer, portal, sites, callback):
    api.portal.set_registry_record("nguon.syndication.allowed_networks", [])
    transaction.commit()
    response = subscribe(
        layer, COMMUNES["thuan-hoa"], sites["thuan-hoa"], callback=callback
    )
    assert response.status_code == 400
    transaction.commit()
    assert not storage(portal).subscriptions


def test_loopback_is_refused_until_an_admin_allows_it(layer, portal, sites):
    api.portal.set_registry_record("nguon.syndication.allowed_networks", [])
    transaction.commit()
    refused = subscribe(layer, COMMUNES["thuan-hoa"], sites["thuan-hoa"])
    assert (
        refused.status_code == 400 and "127.0.0.1" in refused.json()["error"]["message"]
    )
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.1/32"]
    )
    transaction.commit()
    assert (
        subscribe(layer, COMMUNES["thuan-hoa"], sites["thuan-hoa"]).status_code == 201
    )


def test_tampered_stale_and_replayed_deliveries_change_nothing(layer, portal, sites):
    site = sites["thuan-hoa"]
    assert subscribe(layer, COMMUNES["thuan-hoa"], site).status_code == 201
    item = bulletin(portal, "Tin thật")
    settle(portal)
    captured = []
    original = site.receiver.deliver

    def capture(body, signature, now=None):
        captured.append((body, signature))
        return original(body, signature, now)

    site.receiver.deliver = capture
    push(portal)
    body, signature = captured[0]
    assert site.titles() == ["Tin thật"]
    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    push(portal)
    assert site.titles() == []
    post = lambda data, sig: requests.post(
        site.callback,
        data=data,
        timeout=10,  # noqa: E731
        headers={signing.HEADER: sig},
    )
    # Replaying the captured publication: already taken, ignored; the item stays deleted.
    assert post(body, signature).status_code == 200
    assert site.titles() == []
    # A tampered body (title changed) fails the signature.
    document = json.loads(body)
    document["items"][0]["title"] = "Tin giả mạo"
    document["_nguon"]["delivery"]["id"] += "-x"
    forged = json.dumps(document).encode()
    assert post(forged, signature).status_code == 403
    assert (
        post(forged, signing.sign("khóa-đoán-mò-không-đúng", forged)).status_code == 403
    )
    assert post(forged, "").status_code == 403
    # A captured message replayed later (its timestamp too old) is refused even if signed.
    stale = site.receiver.deliver(body, signature, now=time.time() + 3600)
    assert stale[0] == 403
    assert site.titles() == []


def test_a_restart_between_sending_and_recording_repeats_the_delivery_harmlessly(
    layer, portal, sites
):
    site = sites["vy-da"]
    assert subscribe(layer, COMMUNES["vy-da"], site).status_code == 201
    bulletin(portal, "Tin gửi hai lần")
    settle(portal)
    transaction.commit()
    first = push_round(portal)
    transaction.abort()  # the process died before the outcome was committed
    second = push(portal)
    assert [p.delivery_id for p in second] == [p.delivery_id for p in first]
    assert second[0].ok and site.titles() == ["Tin gửi hai lần"]
    assert site.mirror.count() == 1
    assert push(portal) == []  # acknowledged now: the cursor moved
