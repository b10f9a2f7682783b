"""Feeds of every unit: what each unit reads, in three formats, incremental and cheap."""

from DateTime import DateTime
from lxml import etree
from nguon.publication.store import storage
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import create
from tests.syndication.helpers import get_feed
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition

import pytest
import time


ATOM = "{http://www.w3.org/2005/Atom}"
TOMBSTONE = "{http://purl.org/atompub/tombstones/1.0}deleted-entry"


@pytest.fixture
def portal(layer):
    return layer["portal"]


def province_bulletin(portal, title, **fields):
    fields.setdefault("target_scope", "subtree")
    return published(
        portal["vn"]["46"],
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=title,
        **fields,
    )


def commune_bulletin(portal, title, **fields):
    return published(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title=title,
        **fields,
    )


def titles(response):
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


def test_a_province_bulletin_reaches_its_communes_and_no_other(layer, portal):
    province_bulletin(portal, "Thông báo lịch cắt điện toàn tỉnh")
    commune_bulletin(portal, "Lịch tiếp công dân phường Thuận Hóa")
    settle(portal)
    assert titles(get_feed(layer, "46/19786")) == [
        "Lịch tiếp công dân phường Thuận Hóa",
        "Thông báo lịch cắt điện toàn tỉnh",
    ]
    assert titles(get_feed(layer, "46/19777")) == ["Thông báo lịch cắt điện toàn tỉnh"]
    assert titles(get_feed(layer, "46")) == ["Thông báo lịch cắt điện toàn tỉnh"]
    assert titles(get_feed(layer, "44/18880")) == []


def test_chosen_units_read_an_item_and_the_units_beside_them_do_not(layer, portal):
    province_bulletin(
        portal, "Gửi riêng phường Vỹ Dạ", target_scope="chosen", target_units=["19777"]
    )
    settle(portal)
    assert titles(get_feed(layer, "46/19777")) == ["Gửi riêng phường Vỹ Dạ"]
    assert titles(get_feed(layer, "46/19786")) == []
    assert titles(get_feed(layer, "46")) == []


def test_drafts_pending_and_future_items_never_appear_whatever_the_parameters(
    layer, portal
):
    commune = portal["vn"]["46"]["19786"]
    draft = create(commune, "Bulletin", COMMUNE_EDITOR, title="Bản nháp chưa duyệt")
    pending = create(commune, "Bulletin", COMMUNE_EDITOR, title="Đang chờ duyệt")
    transition(COMMUNE_EDITOR, "submit", pending)
    commune_bulletin(portal, "Sẽ có hiệu lực tuần sau", effective_date=DateTime() + 7)
    settle(portal)
    for params in (
        {},
        {"since": 0},
        {"priority": "normal,priority,emergency"},
        {"channel": "web,radio,board"},
        {"size": 200, "page": 1},
    ):
        response = get_feed(layer, "46/19786", **params)
        assert response.json()["items"] == [], params
        assert response.json()["_nguon"]["deleted"] == []
    for feed in ("feed.atom", "feed.rss"):
        body = get_feed(layer, "46/19786", feed=feed, since=0).text
        assert (
            "Bản nháp" not in body
            and "chờ duyệt" not in body
            and "tuần sau" not in body
        )
    assert draft.UID() not in storage(portal).items


def test_an_item_appears_when_it_takes_effect_and_goes_when_it_expires(layer, portal):
    store = storage(portal)
    item = commune_bulletin(
        portal,
        "Thông báo có thời hạn",
        effective_date=DateTime() + 1,
        expiration_date=DateTime() + 2,
    )
    settle(portal)
    assert titles(get_feed(layer, "46/19786")) == []
    consumer_due = [key for key in store.schedule.keys()]
    assert consumer_due and consumer_due[0][1] == item.UID()
    # The worker's clock reaches the effective date, then the expiry date.
    from nguon.publication.consumer import ChangeLogConsumer

    assert ChangeLogConsumer().due(portal, now=time.time() + 86400 + 60) == [item.UID()]
    item.effective_date = (
        DateTime() - 1
    )  # the clock moved on: the item is in effect now
    item.reindexObject()
    settle(portal)
    assert titles(get_feed(layer, "46/19786")) == ["Thông báo có thời hạn"]
    cursor = get_feed(layer, "46/19786").json()["_nguon"]["cursor"]
    item.expiration_date = DateTime() - 0.001
    item.reindexObject()
    settle(portal)
    assert titles(get_feed(layer, "46/19786")) == []
    changes = get_feed(layer, "46/19786", since=cursor).json()
    assert [d["uid"] for d in changes["_nguon"]["deleted"]] == [item.UID()]


def test_retracting_gives_a_tombstone_in_every_format(layer, portal):
    item = province_bulletin(portal, "Thông báo sẽ thu hồi")
    settle(portal)
    cursor = get_feed(layer, "46/19786").json()["_nguon"]["cursor"]
    transition(PROVINCE_APPROVER, "retract", item)
    settle(portal)
    assert titles(get_feed(layer, "46/19786")) == []
    changes = get_feed(layer, "46/19786", since=cursor).json()
    assert changes["items"] == []
    assert [d["uid"] for d in changes["_nguon"]["deleted"]] == [item.UID()]
    atom = etree.fromstring(
        get_feed(layer, "46/19786", feed="feed.atom", since=cursor).content
    )
    deleted = atom.findall(TOMBSTONE)
    assert len(deleted) == 1 and deleted[0].get("ref").replace("-", "").endswith(
        item.UID()
    )
    rss = get_feed(layer, "46/19786", feed="feed.rss", since=cursor).text
    assert "nguon:deleted" in rss and "<item>" not in rss


def test_the_change_stream_returns_exactly_the_changes_after_the_cursor(layer, portal):
    first = commune_bulletin(portal, "Tin thứ nhất")
    settle(portal)
    cursor = get_feed(layer, "46/19786").json()["_nguon"]["cursor"]
    second = commune_bulletin(portal, "Tin thứ hai")
    first.title = "Tin thứ nhất (đã sửa)"
    first.reindexObject()
    settle(portal)
    changes = get_feed(layer, "46/19786", since=cursor).json()
    seqs = [item["_nguon"]["seq"] for item in changes["items"]]
    assert seqs == sorted(seqs) and all(seq > cursor for seq in seqs)
    assert {item["_nguon"]["uid"] for item in changes["items"]} == {
        first.UID(),
        second.UID(),
    }
    again = get_feed(layer, "46/19786", since=changes["_nguon"]["cursor"]).json()
    assert again["items"] == [] and again["_nguon"]["deleted"] == []


def test_conditional_requests_are_answered_304_until_something_changes(layer, portal):
    commune_bulletin(portal, "Tin cho bộ nhớ đệm")
    settle(portal)
    for feed in ("feed.atom", "feed.rss", "feed.json"):
        first = get_feed(layer, "46/19786", feed=feed)
        etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
        assert first.status_code == 200
        again = get_feed(layer, "46/19786", feed=feed, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        since = get_feed(
            layer, "46/19786", feed=feed, headers={"If-Modified-Since": modified}
        )
        assert since.status_code == 304
    etag = get_feed(layer, "46/19786").headers["ETag"]
    province_bulletin(portal, "Tin mới của tỉnh")
    settle(portal)
    changed = get_feed(layer, "46/19786", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # A change for another province does not move this commune's feed.
    etag = changed.headers["ETag"]
    published(
        portal["vn"]["44"]["18880"],
        "Bulletin",
        "18880-editors",
        "18880-approvers",
        title="Tin của Đồng Hới",
    )
    settle(portal)
    assert (
        get_feed(layer, "46/19786", headers={"If-None-Match": etag}).status_code == 304
    )


def test_filters_pages_and_the_emergency_feed(layer, portal):
    for number in range(5):
        commune_bulletin(
            portal, f"Tin thường {number}", effective_date=DateTime() - 1 + number / 100
        )
    province_bulletin(
        portal, "Cảnh báo lũ khẩn cấp", priority="emergency", category="disaster"
    )
    settle(portal)
    assert titles(get_feed(layer, "46/19786", feed="emergency.json")) == [
        "Cảnh báo lũ khẩn cấp"
    ]
    assert titles(get_feed(layer, "46/19786", category="disaster")) == [
        "Cảnh báo lũ khẩn cấp"
    ]
    assert titles(get_feed(layer, "46/19786", channel="radio")) == []
    first = get_feed(layer, "46/19786", size=2, priority="normal").json()
    assert [i["title"] for i in first["items"]] == ["Tin thường 4", "Tin thường 3"]
    second = get_feed_url(first["next_url"])
    assert [i["title"] for i in second["items"]] == ["Tin thường 2", "Tin thường 1"]
    third = get_feed_url(second["next_url"])
    assert [i["title"] for i in third["items"]] == [
        "Tin thường 0"
    ] and "next_url" not in third
    atom = etree.fromstring(
        get_feed(layer, "46/19786", feed="feed.atom", size=2).content
    )
    rels = {link.get("rel") for link in atom.findall(ATOM + "link")}
    assert {"self", "first", "next"} <= rels


def get_feed_url(url):
    import requests

    return requests.get(url, timeout=30).json()


@pytest.mark.parametrize(
    "params, word",
    [
        ({"priority": "secret"}, "priority"),
        ({"channel": "*:*"}, "channel"),
        ({"since": "-1"}, "since"),
        ({"since": "abc"}, "since"),
        ({"size": "100000"}, "size"),
        ({"page": "0"}, "page"),
    ],
)
def test_bad_parameters_get_a_clear_error(layer, portal, params, word):
    response = get_feed(layer, "46/19786", **params)
    assert response.status_code == 400
    assert word in response.json()["error"]["message"]


def test_the_three_formats_carry_the_same_entry(layer, portal):
    item = province_bulletin(
        portal,
        "Thông báo tiêm chủng mở rộng",
        description="Lịch tiêm tháng 12",
        category="health",
        priority="priority",
    )
    settle(portal)
    entry = get_feed(layer, "46/19786").json()["items"][0]
    assert entry["id"].replace("-", "").endswith(item.UID())
    assert entry["url"] == item.absolute_url()
    assert entry["summary"] == "Lịch tiêm tháng 12"
    assert entry["tags"] == ["Y tế, phòng chống dịch bệnh"]
    assert entry["_nguon"]["priority"] == "priority"
    assert entry["_nguon"]["unit"]["code"] == "46"
    atom = etree.fromstring(get_feed(layer, "46/19786", feed="feed.atom").content)
    atom_entry = atom.find(ATOM + "entry")
    assert atom_entry.findtext(ATOM + "title") == "Thông báo tiêm chủng mở rộng"
    assert atom_entry.find(ATOM + "category").get("term") == "health"
    rss = etree.fromstring(get_feed(layer, "46/19786", feed="feed.rss").content)
    assert rss.findtext("channel/item/title") == "Thông báo tiêm chủng mở rộng"
    assert rss.findtext("channel/item/link") == item.absolute_url()


def test_the_json_feed_says_which_items_are_essential(layer, portal):
    from nguon.publication.essential import is_essential

    ordinary = province_bulletin(portal, "Lịch sinh hoạt văn hóa", category="culture")
    province_bulletin(
        portal, "Lịch tiêm chủng bắt buộc", category="culture", essential=True
    )
    province_bulletin(portal, "Cảnh báo lũ quét", priority="emergency")
    assert not is_essential(ordinary)  # neither marked, nor the policy's, nor urgent
    settle(portal)
    found = {
        entry["title"]: entry["_nguon"]["essential"]
        for entry in get_feed(layer, "46/19786").json()["items"]
    }
    assert found["Lịch sinh hoạt văn hóa"] is False
    assert found["Lịch tiêm chủng bắt buộc"] is True  # its author's mark
    assert found["Cảnh báo lũ quét"] is True  # every emergency


def test_unit_pages_link_to_their_feeds(layer, portal):
    import requests

    page = requests.get(
        "/".join([portal.absolute_url(), "vn", "46", "19786"]), timeout=30
    ).text
    for media, view in (
        ("application/atom+xml", "feed.atom"),
        ("application/rss+xml", "feed.rss"),
        ("application/feed+json", "feed.json"),
    ):
        assert f'type="{media}"' in page and f'/vn/46/19786/{view}"' in page
