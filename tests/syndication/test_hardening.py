"""Hostile inputs at the feeds and pushes of a real site: each test makes the attack, then
shows it refused with a clear answer and nothing lost."""

from lxml import etree
from nguon.publication.store import storage
from nguon.sync.poller import catch_up
from nguon.syndication import compaction
from plone.app.textfield.value import RichTextValue
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import create
from tests.syndication.helpers import get_feed
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition
from tests.syndication.helpers import unit_url
from tests.syndication.receivers import CommuneSite
from tests.syndication.test_push import push
from tests.syndication.test_push import subscribe

import pytest
import time
import transaction


ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = (
    "feed.atom",
    "feed.rss",
    "feed.json",
    "emergency.atom",
    "emergency.rss",
    "emergency.json",
)
YEAR = 365 * 24 * 3600


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


def test_one_pasted_vertical_tab_does_not_take_down_the_feeds(layer, portal):
    province_bulletin(
        portal,
        "Lịch cắt điện\x0b toàn tỉnh",
        priority="emergency",
        description="Từ 7 giờ\x0c đến 11 giờ\x00",
    )
    settle(portal)
    for commune in ("46/19786", "46/19777", "46"):
        for feed in FEEDS:
            response = get_feed(layer, commune, feed=feed)
            assert response.status_code == 200, (commune, feed, response.text[:300])
            if feed.endswith("json"):
                assert response.json()["items"][0]["title"] == "Lịch cắt điện toàn tỉnh"
            else:
                assert "Lịch cắt điện toàn tỉnh" in etree.tostring(
                    etree.fromstring(response.content), encoding="unicode"
                )
        changes = get_feed(layer, commune, feed="feed.atom", since=0)
        assert (
            changes.status_code == 200 and etree.fromstring(changes.content) is not None
        )


def test_a_link_to_a_private_draft_never_becomes_its_address_in_a_feed_or_push(
    layer, portal, tmp_path
):
    commune = portal["vn"]["46"]["19786"]
    draft = create(
        commune, "Bulletin", COMMUNE_EDITOR, title="Dự thảo kỷ luật cán bộ mật"
    )
    public = province_bulletin(portal, "Thông báo công khai đã duyệt")
    html = (
        f'<p>Xem <a href="resolveuid/{draft.UID()}">văn bản kèm</a> và '
        f'<a href="resolveuid/{public.UID()}">thông báo</a>.</p>'
        f'<p><img src="resolveuid/{draft.UID()}/@@images/image" alt="ảnh"/></p>'
    )
    site = CommuneSite(tmp_path, f"{unit_url(layer, '46', '19786')}/feed.json").start()
    try:
        assert subscribe(layer, "46/19786", site).status_code == 201
        published(
            commune,
            "Bulletin",
            COMMUNE_EDITOR,
            COMMUNE_APPROVER,
            title="Tin có liên kết",
            text=RichTextValue(html, "text/html", "text/x-html-safe"),
        )
        settle(portal)
        sent = push(portal)
        assert sent and all(p.ok for p in sent)
        bodies = [p.body.decode() for p in sent]
    finally:
        site.stop()
    draft_path = "/".join(draft.getPhysicalPath()[2:])
    for feed in FEEDS[:3]:
        bodies.append(get_feed(layer, "46/19786", feed=feed).text)
        bodies.append(get_feed(layer, "46/19786", feed=feed, since=0).text)
    for body in bodies:
        assert "văn bản kèm" in body  # the text stays…
        assert (
            draft.getId() not in body
            and draft_path not in body
            and draft.UID() not in body
        )
        assert "Dự thảo kỷ luật" not in body  # …its address and title never appear
    # A link to what anonymous may see is still resolved to its address.
    assert (
        public.absolute_url()
        in get_feed(layer, "46/19786").json()["items"][0]["content_html"]
    )


@pytest.mark.parametrize(
    "params",
    [
        {"page": "1000000"},
        {"page": "-1"},
        {"since": "9" * 400},
        {"since": "1e3"},
        {"page": "１"},
        {"size": "0x10"},
    ],
)
def test_deep_pages_and_strange_cursors_get_a_clear_400(layer, portal, params):
    response = get_feed(layer, "46/19786", **params)
    assert response.status_code == 400
    assert next(iter(params)) in response.json()["error"]["message"]


def test_a_rare_filter_scans_a_bounded_slice_and_gives_a_continuation(
    layer, portal, monkeypatch
):
    from nguon.publication import feeds

    monkeypatch.setattr(feeds, "SCAN", 2)
    for number in range(3):
        province_bulletin(portal, f"Tin thường {number}")
    province_bulletin(portal, "Cảnh báo lũ", priority="emergency")
    settle(portal)
    since, pages, found = 0, 0, []
    while True:
        document = get_feed(layer, "46/19786", priority="emergency", since=since).json()
        found += [item["title"] for item in document["items"]]
        pages += 1
        if "next_url" not in document:
            break
        since = document["_nguon"]["cursor"]
    assert found == ["Cảnh báo lũ"] and pages >= 2


def test_a_cursor_older_than_the_compacted_log_is_told_to_resync(
    layer, portal, tmp_path
):
    store = storage(portal)
    kept = province_bulletin(portal, "Tin còn hiệu lực")
    gone = province_bulletin(portal, "Tin sẽ thu hồi")
    settle(portal)
    site = CommuneSite(tmp_path, f"{unit_url(layer, '46', '19786')}/feed.json")
    catch_up(site.feed_url, site.mirror)
    old_cursor = site.mirror.cursor
    assert site.titles() == ["Tin còn hiệu lực", "Tin sẽ thu hồi"]
    transition(PROVINCE_APPROVER, "retract", gone)
    settle(portal)
    # A year later the log is compacted: the tombstone of "gone" is dropped.
    assert compaction.compact(portal, now=time.time() + YEAR) >= 3
    transaction.commit()
    assert store.horizon > old_cursor
    # The attack on the reader: a cursor older than the horizon would miss the tombstone.
    for feed in FEEDS[:3]:
        response = get_feed(
            layer, "46/19786", feed=feed, since=old_cursor, priority="normal"
        )
        assert response.status_code == 410
        full = f"{unit_url(layer, '46', '19786')}/{feed}?priority=normal"
        assert response.headers["Link"] == f'<{full}>; rel="first"'
        error = response.json()["error"]
        assert error["resync"] == full and str(old_cursor) in error["message"]
    assert get_feed(layer, "46/19786", since=store.horizon).status_code == 200
    # The reference consumer reads everything again and drops what went away meanwhile.
    catch_up(site.feed_url, site.mirror)
    assert site.titles() == ["Tin còn hiệu lực"]
    assert site.mirror.cursor >= store.horizon and kept.UID() in site.mirror.items()


def test_a_dead_subscription_behind_the_horizon_gets_a_resync_push(
    layer, portal, tmp_path
):
    store = storage(portal)
    site = CommuneSite(tmp_path, f"{unit_url(layer, '46', '19786')}/feed.json").start()
    assert subscribe(layer, "46/19786", site).status_code == 201
    gone = province_bulletin(portal, "Tin sẽ thu hồi khi xã ngừng nhận")
    settle(portal)
    assert all(p.ok for p in push(portal))
    sid = next(iter(store.subscriptions))
    store.deliveries[
        sid
    ].state = "dead"  # dead-lettered: compaction does not wait for it
    transition(PROVINCE_APPROVER, "retract", gone)
    province_bulletin(portal, "Tin mới sau khi dọn")
    settle(portal)
    assert compaction.compact(portal, now=time.time() + YEAR) > 0
    transaction.commit()
    store.deliveries[sid].resume()
    sent = push(portal)
    assert (
        len(sent) == 1
        and sent[0].ok
        and sent[0].delivery_id.endswith(f"resync-{store.sequence}")
    )
    assert site.mirror.get("resync") == site.feed_url
    assert store.deliveries[sid].cursor == store.sequence
    catch_up(
        site.feed_url, site.mirror
    )  # the consumer's next round reads everything again
    assert site.titles() == ["Tin mới sau khi dọn"]
    site.stop()


def test_compaction_never_passes_an_active_subscriber(layer, portal, tmp_path):
    store = storage(portal)
    site = CommuneSite(tmp_path, f"{unit_url(layer, '46', '19786')}/feed.json").start()
    try:
        assert subscribe(layer, "46/19786", site).status_code == 201
        transaction.commit()  # see the subscription the site's request stored
        cursor = store.deliveries[next(iter(store.subscriptions))].cursor
        province_bulletin(portal, "Tin chưa gửi được")
        settle(portal)
        compaction.compact(
            portal, retention=0
        )  # every event is old enough, none is dropped
        transaction.commit()
        assert store.horizon <= cursor
        assert [p.ok for p in push(portal)] == [True]
        assert site.titles() == ["Tin chưa gửi được"]
    finally:
        site.stop()


def test_the_push_thread_compacts_on_schedule(layer, portal):
    store = storage(portal)
    assert compaction.due(portal, now=store.compacted_at + compaction.EVERY)
    compaction.compact(portal)
    assert not compaction.due(portal, now=time.time() + 60)
