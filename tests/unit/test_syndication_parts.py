"""The parts of syndication that need no site: reach, signatures, the callback guard, the
change log, feed parameters and the reference consumer's mirror."""

from nguon.errors import UserError
from nguon.publication.feeds import Filters
from nguon.publication.feeds import UnitFeed
from nguon.publication.store import ChangeLog
from nguon.publication.store import Facts
from nguon.publication.targeting import reaches
from nguon.sync.mirror import Mirror
from nguon.syndication import addresses
from nguon.syndication import signing
from nguon.syndication.query import FeedQuery

import ipaddress
import pytest


HUE_COMMUNE = ["VN", "46", "19786"]


@pytest.mark.parametrize(
    "pairs, lineage, expected",
    [
        ((("46", True),), HUE_COMMUNE, True),  # province, whole subtree
        ((("46", False),), HUE_COMMUNE, False),  # province only
        ((("46", False),), ["VN", "46"], True),
        ((("19786", False),), HUE_COMMUNE, True),  # chosen commune
        ((("19777", False),), HUE_COMMUNE, False),  # a sibling commune
        ((("44", True),), HUE_COMMUNE, False),  # another province's area
        ((("VN", True),), ["VN", "44", "18880"], True),  # the whole country
        ((), HUE_COMMUNE, False),
        ((("46", True),), [], False),
    ],
)
def test_reach(pairs, lineage, expected):
    assert reaches(pairs, lineage) is expected


def test_signatures_verify_only_the_exact_body_and_secret():
    body = '{"title": "Thông báo"}'.encode()
    header = signing.sign("bí-mật-của-xã-thuận-hóa", body)
    assert header.startswith("sha256=")
    assert signing.verify("bí-mật-của-xã-thuận-hóa", body, header)
    assert not signing.verify("bí-mật-khác", body, header)
    assert not signing.verify("bí-mật-của-xã-thuận-hóa", body + b" ", header)
    assert not signing.verify(
        "bí-mật-của-xã-thuận-hóa", body, header.replace("sha256", "sha1")
    )
    assert not signing.verify("bí-mật-của-xã-thuận-hóa", body, None)
    assert not signing.verify("bí-mật-của-xã-thuận-hóa", body, "sha256")


@pytest.fixture
def resolved(monkeypatch):
    """Host names resolve to what the test says, not to what DNS says."""
    table = {}
    monkeypatch.setattr(
        addresses,
        "resolve",
        lambda host, port: [ipaddress.ip_address(a) for a in table[host]],
    )
    return table


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "224.0.0.1",
    ],
)
def test_callbacks_resolving_to_internal_addresses_are_refused(resolved, address):
    resolved["xa.example.vn"] = [address]
    with pytest.raises(UserError):
        addresses.check_callback("https://xa.example.vn/nhan-tin")


def test_one_internal_address_among_public_ones_is_enough_to_refuse(resolved):
    resolved["xa.example.vn"] = ["203.113.131.1", "10.0.0.7"]
    with pytest.raises(UserError):
        addresses.check_callback("https://xa.example.vn/nhan-tin")


def test_public_callbacks_and_allowed_networks_pass(resolved):
    resolved["xa.example.vn"] = ["203.113.131.1"]
    resolved["may-chu-xa.lan"] = ["10.20.3.4"]
    assert addresses.check_callback("https://xa.example.vn/nhan-tin")
    assert addresses.check_callback("http://may-chu-xa.lan:8080/", ["10.20.0.0/16"])
    with pytest.raises(UserError):
        addresses.check_callback("http://may-chu-xa.lan:8080/", ["10.30.0.0/16"])
    with pytest.raises(UserError):
        addresses.check_callback("http://may-chu-xa.lan:8080/", ["không-phải-cidr"])


@pytest.mark.parametrize(
    "url",
    [
        "",
        "xa.example.vn/nhan-tin",
        "ftp://xa.example.vn/",
        "https://user:pw@xa.example.vn/",
        "https:///duong-dan",
        "http://xa.example.vn:99999/",
    ],
)
def test_malformed_callbacks_are_refused(resolved, url):
    resolved["xa.example.vn"] = ["203.113.131.1"]
    with pytest.raises(UserError):
        addresses.check_callback(url)


def _entry(uid, effective, title=None):
    return {"uid": uid, "title": title or uid, "effective": effective}


def test_what_is_not_public_reaches_only_readers_for_test_devices():
    """A Test or Exercise alert is in the log (test stations and boards need it) but no
    reader for people sees it; events logged before ``public`` existed were public."""
    store = ChangeLog()
    store.publish(
        "drill",
        _entry("drill", 10),
        (("46", True),),
        Facts(("radio", "web"), "disaster", "emergency", public=False),
        now=100,
    )
    store.publish(
        "flood",
        _entry("flood", 20),
        (("46", True),),
        Facts(("radio", "web"), "disaster", "emergency"),
        now=101,
    )
    store.publish(
        "old", _entry("old", 30), (("46", True),), ("web", "health", "normal"), now=102
    )
    people = UnitFeed(store, HUE_COMMUNE)
    devices = UnitFeed(store, HUE_COMMUNE, Filters(channels=("radio",), tests=True))
    assert [e["uid"] for e in people.current().entries] == ["old", "flood"]
    assert [c.uid for c in people.changes(0).entries] == ["flood", "old"]
    assert [e["uid"] for e in devices.current().entries] == ["flood", "drill"]


def test_the_change_log_numbers_changes_and_tombstones_retractions():
    store = ChangeLog()
    facts = Facts(("web",), "health", "normal")
    assert store.publish("a", _entry("a", 10), (("46", True),), facts, now=100) == [1]
    assert (
        store.publish("a", _entry("a", 10), (("46", True),), facts, now=101) == []
    )  # unchanged
    assert store.publish("b", _entry("b", 20), (("19786", False),), facts, now=102) == [
        2
    ]
    feed = UnitFeed(store, HUE_COMMUNE)
    assert [e["uid"] for e in feed.current().entries] == ["b", "a"]
    assert feed.version() == (2, 102)
    assert store.withdraw("a", now=103) == [3]
    assert store.withdraw("a", now=104) == []
    changes = UnitFeed(store, HUE_COMMUNE).changes(1)
    assert [(c.seq, c.kind, c.uid) for c in changes.entries] == [
        (2, "upsert", "b"),
        (3, "delete", "a"),
    ]
    assert changes.cursor == 3
    # A sibling commune never saw "b" and is not touched by it.
    sibling = UnitFeed(store, ["VN", "46", "19777"])
    assert sibling.version() == (3, 103)
    assert [c.uid for c in sibling.changes(0).entries] == ["a", "a"]


def test_narrowing_the_reach_tombstones_the_units_that_lose_the_item():
    store = ChangeLog()
    facts = Facts(("web",), "health", "normal")
    store.publish("a", _entry("a", 10), (("46", True),), facts)
    store.publish("a", _entry("a", 10), (("19777", False),), facts)
    changes = UnitFeed(store, HUE_COMMUNE).changes(1).entries
    assert [(c.kind, c.uid) for c in changes] == [("delete", "a")]
    assert [
        e["uid"] for e in UnitFeed(store, ["VN", "46", "19777"]).current().entries
    ] == ["a"]


def test_filters_and_pages_of_the_change_stream():
    store = ChangeLog()
    for number in range(5):
        store.publish(
            f"n{number}",
            _entry(f"n{number}", number),
            (("46", True),),
            Facts(("web",), "health", "normal"),
        )
    store.publish(
        "e", _entry("e", 9), (("46", True),), Facts(("radio",), "disaster", "emergency")
    )
    urgent = UnitFeed(store, HUE_COMMUNE, Filters(priorities=("emergency",)))
    assert [c.uid for c in urgent.changes(0).entries] == ["e"]
    first = UnitFeed(store, HUE_COMMUNE).changes(0, size=2)
    assert (
        [c.uid for c in first.entries] == ["n0", "n1"]
        and first.more
        and first.cursor == 2
    )
    rest = UnitFeed(store, HUE_COMMUNE).changes(first.cursor, size=10)
    assert [c.uid for c in rest.entries] == ["n2", "n3", "n4", "e"] and not rest.more


def test_the_schedule_gives_back_items_when_their_time_comes():
    store = ChangeLog()
    store.plan("a", [200.0])
    store.plan("b", [100.0, 300.0])
    assert store.due(now=50) == []
    assert store.due(now=150) == ["b"]
    store.plan("a", [400.0])  # re-planned: the old time is gone
    assert store.due(now=350) == ["b"]
    assert store.due(now=500) == ["a"]
    assert len(store.schedule) == 0


def test_feed_parameters():
    query = FeedQuery.from_form(
        {
            "priority": ["emergency", "priority"],
            "channel": "web,radio",
            "since": "41",
            "size": "20",
        }
    )
    assert query.filters == Filters(("radio", "web"), (), ("emergency", "priority"))
    assert query.since == 41 and query.size == 20 and query.page == 1
    assert FeedQuery.from_form(
        {"priority": "normal"}, fixed={"priority": "emergency"}
    ).filters.priorities == ("emergency",)
    for bad in (
        {"priority": "khẩn"},
        {"since": "1e9"},
        {"page": "-2"},
        {"size": "0"},
        {"category": "*:*"},
    ):
        with pytest.raises(UserError):
            FeedQuery.from_form(bad)


def _document(*changes):
    items, deleted = [], []
    for seq, kind, uid, title in changes:
        if kind == "upsert":
            items.append(
                {
                    "title": title,
                    "url": f"https://nguon.example.vn/{uid}",
                    "_nguon": {"uid": uid, "seq": seq, "priority": "normal"},
                }
            )
        else:
            deleted.append(
                {"uid": uid, "seq": seq, "when": "2026-11-29T06:00:00+00:00"}
            )
    return {
        "items": items,
        "_nguon": {"deleted": deleted, "cursor": max(c[0] for c in changes)},
    }


def test_the_mirror_applies_changes_forward_only(tmp_path):
    mirror = Mirror(tmp_path / "xa.sqlite", folder=tmp_path / "tin")
    assert mirror.apply(
        _document((1, "upsert", "a", "Tin A"), (2, "upsert", "b", "Tin B"))
    ) == (2, 0, 0)
    assert mirror.apply(
        _document((3, "delete", "a", None), (4, "upsert", "b", "Tin B (sửa)"))
    ) == (1, 1, 0)
    assert mirror.items() == {"b": "Tin B (sửa)"}
    assert (
        not (tmp_path / "tin" / "a.json").exists()
        and (tmp_path / "tin" / "b.json").exists()
    )
    # An old document again (a replay): nothing changes, the deleted item stays deleted.
    assert mirror.apply(
        _document((1, "upsert", "a", "Tin A"), (2, "upsert", "b", "Tin B"))
    ) == (0, 0, 2)
    assert mirror.items() == {"b": "Tin B (sửa)"}
    # Within one document, changes apply in sequence order whatever their place.
    assert mirror.apply(
        _document((6, "delete", "c", None), (5, "upsert", "c", "Tin C"))
    ) == (1, 1, 0)
    assert "c" not in mirror.items()
    # A delivery is taken once it is applied, in the same transaction.
    assert not mirror.seen("d:1-2")
    mirror.apply(_document((7, "upsert", "d", "Tin D")), delivery_id="d:1-2")
    assert mirror.seen("d:1-2")
