"""A station's as-run report in the delivery ledger (nguon.radio.delivery): what it proves
for the station's own unit, what it says when it failed, why a unit has no proof, and what a
station cannot make it say.

On the tree site: an essential province bulletin (Huế, 46) for its communes Thuận Hóa (19786,
with a station) and Vỹ Dạ (19777, none); Đồng Hới (18880, Quảng Trị) has a station too."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.devices import credentials
from nguon.ledger.coverage import coverage
from nguon.ledger.record import of_item
from nguon.ledger.store import ledger
from nguon.outbox.worker import drain
from nguon.radio import asrun
from nguon.radio import prepared
from plone import api
from plone.namedfile.file import NamedBlobFile
from tests.search.helpers import published

import pytest
import requests
import transaction


PROVINCE = ("46-editors", "46-approvers")


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=portal["vn"]["46"]["19786"],
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
        )
        other = api.content.create(
            container=portal["vn"]["44"]["18880"],
            type="RadioStation",
            title="Đài truyền thanh phường Đồng Hới",
        )
    tokens = credentials.issue(station), credentials.issue(other)
    item = published(
        portal["vn"]["46"],
        "Bulletin",
        *PROVINCE,
        title="Thông báo lịch cắt nước toàn tỉnh",
        description="Cắt nước từ 8h đến 11h ngày 2/12.",
        channels={"radio"},
        essential=True,
        target_scope="subtree",
    )
    transaction.commit()
    return {
        "portal": portal,
        "base": portal.absolute_url(),
        "station": station,
        "other": other,
        "token": tokens[0],
        "other_token": tokens[1],
        "item": item,
    }


def _ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def post(site, records, token=None):
    return requests.post(
        f"{site['base']}/@station-asrun",
        headers={
            "Accept": "application/json",
            "X-Station-Token": token or site["token"],
        },
        json=records if not isinstance(records, list) else {"records": records},
        timeout=60,
    )


def pairs(site, now=None):
    transaction.begin()
    found = coverage(site["portal"], site["item"].UID(), now)
    return {(p.unit, p.channel): p for p in found.pairs}


def test_a_finished_broadcast_delivers_the_station_units_radio_pair(site):
    uid = site["item"].UID()
    answer = post(
        site,
        [
            {"item": uid, "status": "started", "at": _ago(seconds=95)},
            {
                "item": uid,
                "status": "finished",
                "at": _ago(seconds=5),
                "clusters": ["LOA-001", "LOA-002"],
            },
        ],
    )
    assert answer.json() == {"stored": 2}
    found = pairs(site)
    assert found[("19786", "radio")].status == "delivered"
    assert found[("19786", "radio")].proof["device"] == site["station"].UID()
    assert found[("19786", "radio")].proof["kind"] == "radio-aired"
    records = {row[4]: row for row in of_item(site["portal"], uid)}
    assert set(records) == {"radio-started", "radio-aired"}
    unit, channel, _at, device, _kind, detail = records["radio-aired"]
    assert (unit, channel, device) == ("19786", "radio", site["station"].UID())
    assert 89 <= detail["seconds"] <= 91  # from its own "started" record
    assert detail["status"] == "finished"
    assert detail["clusters"] == ("LOA-001", "LOA-002")
    # Vỹ Dạ has no station: the item cannot reach it on the radio, and coverage says so.
    assert found[("19777", "radio")].status == "failed"
    assert "chưa có đài" in found[("19777", "radio")].reason.default


def test_a_failed_broadcast_fails_the_pair_with_the_stations_words(site):
    uid = site["item"].UID()
    assert post(site, [{"item": uid, "status": "started", "at": _ago(seconds=60)}]).ok
    found = pairs(site)
    assert found[("19786", "radio")].status == "pending"  # started proves nothing
    assert "chờ đài phát" in found[("19786", "radio")].reason.default
    message = "Mất điện cụm loa tổ 3, dừng giữa chừng"
    interrupted = {
        "item": uid,
        "status": "interrupted",
        "at": _ago(seconds=30),
        "message": message,
    }
    assert post(site, [interrupted]).ok
    found = pairs(site)
    assert found[("19786", "radio")].status == "failed"
    assert found[("19786", "radio")].reason == message
    # Aired later after all: the proof wins over the earlier failure.
    assert post(site, [{"item": uid, "status": "finished", "at": _ago(seconds=1)}]).ok
    assert pairs(site)[("19786", "radio")].status == "delivered"


def test_an_offline_station_is_the_reason_when_nothing_aired(site):
    tomorrow = datetime.now(UTC) + timedelta(days=1)
    found = pairs(site, now=tomorrow)
    assert found[("19786", "radio")].status == "failed"
    assert "mất kết nối từ" in found[("19786", "radio")].reason.default
    assert found[("19786", "radio")].reason.mapping["since"]
    assert found[("19786", "radio")].since is not None


def test_without_a_started_record_the_seconds_are_the_items_audio(site):
    portal = site["portal"]
    drain(portal)  # the change log, then the delivery audio (espeak-ng, ffmpeg)
    transaction.commit()
    duration = prepared.prepared(site["item"])["duration"]
    uid = site["item"].UID()
    assert post(site, [{"item": uid, "status": "finished", "at": _ago(seconds=2)}]).ok
    transaction.begin()
    (row,) = of_item(portal, uid)
    assert row[5]["seconds"] == pytest.approx(duration, abs=0.01)


def test_a_station_cannot_prove_delivery_to_a_unit_it_does_not_belong_to(site):
    uid = site["item"].UID()
    # The attack: Thuận Hóa's station names Vỹ Dạ in its report; Đồng Hới's station, in
    # another province, reports the item as aired.
    forged = {"item": uid, "status": "finished", "at": _ago(seconds=3)}
    assert post(site, [{**forged, "unit": "19777", "station": "x"}]).ok
    assert post(site, [forged], token=site["other_token"]).ok
    found = pairs(site)
    assert found[("19777", "radio")].status == "failed"  # still no station there
    assert found[("19786", "radio")].status == "delivered"  # its own unit, as it is
    units = sorted((row[0], row[3]) for row in of_item(site["portal"], uid))
    assert units == sorted(
        [("19786", site["station"].UID()), ("18880", site["other"].UID())]
    )


def test_a_replayed_report_counts_once(site):
    uid = site["item"].UID()
    report = [
        {"item": uid, "status": "started", "at": _ago(seconds=40)},
        {"item": uid, "status": "finished", "at": _ago(seconds=10)},
    ]
    for _attempt in range(3):
        assert post(site, report).json() == {"stored": 2}
    transaction.begin()
    store = ledger(site["portal"])
    assert len(of_item(site["portal"], uid)) == 2
    deliveries = [
        count
        for (code, figure, channel, period), count in store.counters.items()
        if (code, figure, channel) == ("19786", "deliveries", "radio")
        and period.startswith("d")
    ]
    assert deliveries == [1]
    assert store.obligations[uid].proofs[("19786", "radio")][1] == "radio-aired"


def test_garbage_is_refused_whole_and_an_unknown_item_is_kept(site):
    portal, uid = site["portal"], site["item"].UID()
    good = {"item": uid, "status": "finished", "at": _ago(seconds=3)}
    for garbage in (
        [good, {"item": uid, "status": "aired-ish", "at": _ago(seconds=2)}],
        [good, {"item": uid, "status": "finished", "at": "2099-01-01T00:00:00Z"}],
        [good, "not a record"],
        {"records": {"item": uid}},
    ):
        answer = post(site, garbage)
        assert answer.status_code == 400, garbage
        assert answer.json()["message"]  # a clear error, in the one error shape
    transaction.begin()
    assert of_item(portal, uid) == []  # all or nothing: the device sends it again
    assert pairs(site)[("19786", "radio")].status != "delivered"
    # An item the site does not know (deleted, or never here): the report and its ledger
    # record are kept under the UID the station gave.
    unknown = "0123456789abcdef0123456789abcdef"
    answer = post(
        site, [{"item": unknown, "status": "finished", "at": _ago(seconds=1)}]
    )
    assert answer.json() == {"stored": 1}
    transaction.begin()
    assert [r["item"] for r in asrun.of_station(portal, site["station"].UID())] == [
        unknown
    ]
    assert [(row[0], row[4]) for row in of_item(portal, unknown)] == [
        ("19786", "radio-aired")
    ]


def test_refused_audio_is_the_reason_where_a_station_waits(site):
    portal = site["portal"]
    broken = published(
        portal["vn"]["46"]["19786"],
        "RadioItem",
        "19786-editors",
        "19786-approvers",
        title="Bản tin có tệp âm thanh hỏng",
        essential=True,
        audio=NamedBlobFile(
            b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 3000,
            filename="ban-tin.mp3",
            contentType="audio/mpeg",
        ),
    )
    transaction.commit()
    drain(portal)  # the audio consumer refuses the file
    transaction.commit()
    found = coverage(portal, broken.UID())
    (pair,) = found.pairs
    assert (pair.unit, pair.status) == ("19786", "failed")
    assert "Âm thanh của tin không dùng được" in pair.reason.default
    assert pair.reason.mapping["error"] == prepared.failure(broken)
