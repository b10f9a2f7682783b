"""The station API against a site: credentials, the signed schedule of approved radio items
for the station's unit, delivery audio, emergencies, as-run reports, refused input."""

from argparse import Namespace
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.devices import keys
from nguon.outbox.worker import drain
from nguon.radio import cli as radio_keys
from nguon.radio import prepared
from nguon.radio import signing
from nguon.station.acceptance import accept
from nguon.station.acceptance import Refused
from nguon.station.agent import pinned_key
from nguon.testing import TREE_PASSWORD
from plone import api
from plone.namedfile.file import NamedBlobFile
from tests.search.helpers import create
from tests.search.helpers import published

import base64
import hashlib
import pytest
import requests
import transaction


COMMUNE_EDITOR, COMMUNE_APPROVER = "19786-editors", "19786-approvers"
PROVINCE_EDITOR, PROVINCE_APPROVER = "46-editors", "46-approvers"


@pytest.fixture
def layer(tree_functional):
    return tree_functional


@pytest.fixture
def site(layer):
    portal = layer["portal"]
    commune = portal["vn"]["46"]["19786"]
    with api.env.adopt_user(username="19786-admins"):
        station = api.content.create(
            container=commune,
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
            clusters="Cụm 1 | Tổ dân phố 3 | LOA-001 | hoạt động\nCụm 2 | Tổ dân phố 5 | LOA-002 | hoạt động",
            slots="FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0 | 10",
            quiet_start="21:00",
            quiet_end="06:00",
        )
    other = api.content.create(
        container=portal["vn"]["44"]["18880"],
        type="RadioStation",
        title="Đài truyền thanh phường Đồng Hới",
    )
    transaction.commit()
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    token = admin.post(f"{station.absolute_url()}/@station-credentials").json()["token"]
    with api.env.adopt_roles(["Manager"]):
        from nguon.devices import credentials

        other_token = credentials.issue(other)
    transaction.commit()
    return {
        "portal": portal,
        "station": station,
        "token": token,
        "other_token": other_token,
        "base": portal.absolute_url(),
    }


def _ago(**delta):
    return (datetime.now(UTC) - timedelta(**delta)).isoformat()


def call(site, service, token=None, method="get", **options):
    headers = {"Accept": "application/json", **options.pop("headers", {})}
    if token is not False:
        headers["X-Station-Token"] = site["token"] if token is None else token
    return getattr(requests, method)(
        f"{site['base']}/{service}", headers=headers, timeout=60, **options
    )


def settle(portal):
    transaction.commit()
    drain(portal)
    transaction.commit()


def radio_items(portal):
    commune, province = portal["vn"]["46"]["19786"], portal["vn"]["46"]
    local = published(
        commune,
        "RadioItem",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch tiêm chủng tháng 12",
        script="Trạm y tế phường tiêm chủng mở rộng vào ngày 5/12 từ 7h30.",
    )
    wide = published(
        province,
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Thông báo đổ rác đúng giờ",
        description="Thu gom rác từ 17h hằng ngày.",
        channels={"radio", "web"},
        target_scope="subtree",
    )
    alarm = published(
        province,
        "RadioItem",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Cảnh báo lũ khẩn cấp",
        priority="emergency",
        category="disaster",
        script="Nước sông Hương đang lên nhanh, bà con vùng trũng di dời ngay.",
        target_scope="subtree",
    )
    settle(portal)
    return local, wide, alarm


def test_the_signed_schedule_holds_the_approved_items_of_the_station_unit(site):
    portal = site["portal"]
    local, wide, alarm = radio_items(portal)
    published(
        portal["vn"]["44"]["18880"],
        "RadioItem",
        "18880-editors",
        "18880-approvers",
        title="Tin của Đồng Hới",
        script="Tin riêng của phường Đồng Hới.",
    )
    settle(portal)
    key = call(site, "@radio-signing-key", token=False).json()
    envelope = call(site, "@station-schedule").json()
    schedule = signing.verify(envelope, base64.b64decode(key["public_key"]))
    assert schedule["station"] == site["station"].UID() and schedule["unit"] == "19786"
    aired = {item["uid"] for slot in schedule["slots"] for item in slot["items"]}
    assert {local.UID(), wide.UID()} <= aired
    assert [e["uid"] for e in schedule["emergencies"]] == [alarm.UID()]
    assert alarm.UID() not in aired
    titles = {item["title"] for slot in schedule["slots"] for item in slot["items"]}
    assert "Tin của Đồng Hới" not in titles
    for slot in schedule["slots"]:
        assert sum(item["duration"] for item in slot["items"]) <= 600
    assert [c["device_id"] for c in schedule["clusters"]] == ["LOA-001", "LOA-002"]
    later = call(site, "@station-schedule").json()["schedule"]
    assert later["sequence"] > schedule["sequence"]


def test_audio_is_served_to_the_station_it_is_for_and_matches_its_checksum(site):
    local, _wide, _alarm = radio_items(site["portal"])
    schedule = call(site, "@station-schedule").json()["schedule"]
    item = next(
        i
        for slot in schedule["slots"]
        for i in slot["items"]
        if i["uid"] == local.UID()
    )
    audio = requests.get(
        item["audio"]["url"], headers={"X-Station-Token": site["token"]}, timeout=60
    )
    assert audio.status_code == 200 and audio.headers["Content-Type"] == "audio/mpeg"
    assert hashlib.sha256(audio.content).hexdigest() == item["audio"]["sha256"]
    other = requests.get(
        item["audio"]["url"],
        headers={"X-Station-Token": site["other_token"]},
        timeout=60,
    )
    assert other.status_code == 404
    assert requests.get(item["audio"]["url"], timeout=60).status_code == 401


@pytest.mark.parametrize("token", [False, "", "sai", "abc.def"])
def test_the_station_api_refuses_a_missing_or_wrong_token(site, token):
    for service in ("@station-schedule", "@station-events"):
        answer = call(site, service, token=token)
        assert (
            answer.status_code == 401
            and "X-Station-Token" in answer.json()["error"]["message"]
        )


def test_a_new_token_revokes_the_old_one(site):
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    fresh = admin.post(f"{site['station'].absolute_url()}/@station-credentials").json()[
        "token"
    ]
    assert call(site, "@station-schedule").status_code == 401
    assert call(site, "@station-schedule", token=fresh).status_code == 200
    editor = requests.post(
        f"{site['station'].absolute_url()}/@station-credentials",
        auth=(COMMUNE_EDITOR, TREE_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert editor.status_code in (401, 403)


def test_emergencies_are_a_cheap_poll_and_signed(site):
    _local, _wide, alarm = radio_items(site["portal"])
    first = call(site, "@station-events")
    key = base64.b64decode(
        call(site, "@radio-signing-key", token=False).json()["public_key"]
    )
    events = signing.verify(first.json(), key)
    assert [e["uid"] for e in events["emergencies"]] == [alarm.UID()]
    assert (
        events["kind"] == "emergencies" and events["station"] == site["station"].UID()
    )
    again = call(
        site, "@station-events", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304


def test_as_run_reports_are_stored_and_bad_ones_refused(site):
    local, _wide, _alarm = radio_items(site["portal"])
    good = {
        "records": [
            {
                "item": local.UID(),
                "status": "started",
                "at": _ago(seconds=9),
                "clusters": ["LOA-001"],
            },
            {
                "item": local.UID(),
                "status": "finished",
                "at": _ago(seconds=1),
                "clusters": ["LOA-001"],
            },
        ]
    }
    assert call(site, "@station-asrun", method="post", json=good).json() == {
        "stored": 2
    }
    for bad in (
        {"records": []},
        {
            "records": [
                {"item": local.UID(), "status": "exploded", "at": "2026-11-30T06:00:01"}
            ]
        },
        {"records": [{"item": local.UID(), "status": "started", "at": "hôm qua"}]},
        {"records": "x"},
        [],
    ):
        answer = call(site, "@station-asrun", method="post", json=bad)
        assert answer.status_code == 400, bad
    assert (
        call(site, "@station-asrun", method="post", token="sai", json=good).status_code
        == 401
    )
    log = requests.get(
        f"{site['station'].absolute_url()}/@station-asrun",
        auth=("19786-admins", TREE_PASSWORD),
        headers={"Accept": "application/json"},
        timeout=30,
    ).json()
    assert [(r["status"], r["clusters"]) for r in log["items"]] == [
        ("finished", ["LOA-001"]),
        ("started", ["LOA-001"]),
    ]


def test_a_corrupt_recording_is_refused_with_a_message_and_never_scheduled(site):
    portal = site["portal"]
    commune = portal["vn"]["46"]["19786"]
    broken = create(
        commune,
        "RadioItem",
        COMMUNE_EDITOR,
        title="Bản ghi hỏng",
        audio=NamedBlobFile(
            b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 3000,
            filename="ban-ghi.mp3",
            contentType="audio/mpeg",
        ),
    )
    settle(portal)
    assert prepared.prepared(broken) is None
    assert "âm thanh" in prepared.failure(broken)
    schedule = call(site, "@station-schedule").json()["schedule"]
    assert broken.UID() not in {
        i["uid"] for slot in schedule["slots"] for i in slot["items"]
    }


def test_in_quiet_hours_an_emergency_airs_and_a_normal_item_does_not(site):
    station = site["station"]
    station.slots = "FREQ=HOURLY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23;BYMINUTE=0,30 | 10"
    station.quiet_start, station.quiet_end = (
        "00:00",
        "23:59",
    )  # the whole day but a minute
    transaction.commit()
    local, _wide, alarm = radio_items(site["portal"])
    schedule = call(site, "@station-schedule").json()["schedule"]
    assert schedule["slots"] == []  # normal items wait
    assert [e["uid"] for e in schedule["emergencies"]] == [
        alarm.UID()
    ]  # the emergency airs
    assert schedule["quiet_hours"] == ["00:00", "23:59"]


def test_a_slot_with_more_items_than_fit_moves_the_rest_to_the_next_slot(site):
    portal = site["portal"]
    station = site["station"]
    station.slots = "FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0 | 1"  # one minute per slot
    transaction.commit()
    commune = portal["vn"]["46"]["19786"]
    script = (
        "Ủy ban nhân dân phường Thuận Hóa thông báo lịch tiếp công dân của lãnh đạo phường "
        "trong tháng mười hai tại trụ sở, đề nghị bà con đến đúng giờ và mang theo giấy tờ."
    ) * 2
    uids = [
        published(
            commune,
            "RadioItem",
            COMMUNE_EDITOR,
            COMMUNE_APPROVER,
            title=f"Tin dài số {number}",
            script=script,
        ).UID()
        for number in range(4)
    ]
    settle(portal)
    schedule = call(site, "@station-schedule").json()["schedule"]
    first, second = schedule["slots"][0], schedule["slots"][1]
    assert sum(item["duration"] for item in first["items"]) <= 60
    assert first["deferred"] and set(first["deferred"]) <= set(uids)
    assert first["deferred"][0] in [item["uid"] for item in second["items"]]


def test_the_operator_may_reorder_and_drop_normal_items_only(site):
    local, wide, alarm = radio_items(site["portal"])
    editor = requests.Session()
    editor.auth = (COMMUNE_EDITOR, TREE_PASSWORD)
    editor.headers["Accept"] = "application/json"
    url = f"{site['station'].absolute_url()}/@station-playlist"
    assert (
        editor.post(url, json={"item": wide.UID(), "dropped": True}).status_code == 200
    )
    assert (
        editor.post(url, json={"item": alarm.UID(), "dropped": True}).status_code == 400
    )
    assert (
        editor.post(url, json={"item": "khong-co", "pinned": True}).status_code == 400
    )
    refused = editor.post(url, json={"item": local.UID(), "order": -1})
    assert refused.status_code == 400  # in the one error shape, with the reason
    assert (
        refused.json()["type"] == "BadRequest"
        and "«order»" in refused.json()["message"]
    )
    listing = editor.get(url).json()
    aired = {item["uid"] for slot in listing["slots"] for item in slot["items"]}
    assert wide.UID() not in aired and local.UID() in aired
    assert [e["uid"] for e in listing["emergencies"]] == [alarm.UID()]
    anonymous = requests.post(
        url,
        json={"item": local.UID(), "dropped": True},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert anonymous.status_code == 401


def test_editors_hear_what_will_air_and_read_why_a_recording_cannot(site):
    local, _wide, _alarm = radio_items(site["portal"])
    editor = requests.Session()
    editor.auth = (COMMUNE_EDITOR, TREE_PASSWORD)
    page = editor.get(local.absolute_url(), timeout=30).text
    assert "Âm thanh sẽ phát" in page and "LUFS" in page and "@@radio-audio" in page
    audio = editor.get(f"{local.absolute_url()}/@@radio-audio", timeout=30)
    assert audio.headers["Content-Type"] == "audio/mpeg" and len(audio.content) > 1000
    broken = create(
        site["portal"]["vn"]["46"]["19786"],
        "RadioItem",
        COMMUNE_EDITOR,
        title="Bản ghi lỗi",
        audio=NamedBlobFile(
            b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff" * 3000,
            filename="loi.mp3",
            contentType="audio/mpeg",
        ),
    )
    settle(site["portal"])
    page = editor.get(broken.absolute_url(), timeout=30).text
    assert "Âm thanh không phát được" in page
    anonymous = requests.get(local.absolute_url(), timeout=30).text
    assert "Âm thanh sẽ phát" not in anonymous


def test_a_rotated_key_signs_beside_the_old_one_until_its_time(site, capsys):
    portal, station = site["portal"], site["station"].UID()
    old = call(site, "@radio-signing-key", token=False).json()
    radio_keys.rotate(
        portal, Namespace(now=False, retire_at=None)
    )  # the default overlap
    published = call(site, "@radio-signing-key", token=False).json()
    new, retiring = published["keys"]
    assert published["key_id"] == new["key_id"] != old["key_id"] == retiring["key_id"]
    assert new["not_after"] is None and retiring["not_after"]
    assert (
        f"--public-key {old['public_key']}@{retiring['not_after']}"
        in capsys.readouterr().out
    )
    envelope = call(site, "@station-schedule").json()
    old_pin = pinned_key(f"{old['public_key']}@{retiring['not_after']}")
    assert accept(
        envelope, [old_pin], signing.SCHEDULE, station
    )  # not yet re-pinned: still airs
    assert accept(envelope, [pinned_key(new["public_key"])], signing.SCHEDULE, station)
    after = datetime.fromisoformat(retiring["not_after"]) + timedelta(seconds=1)
    transaction.begin()
    assert keys.private_keys(portal, after) == [
        keys.signing_key(portal)["private"]
    ]  # it stops


def test_a_compromised_key_is_rotated_at_once(site):
    portal, station = site["portal"], site["station"].UID()
    old = call(site, "@radio-signing-key", token=False).json()
    radio_keys.rotate(portal, Namespace(now=True, retire_at=None))
    published = call(site, "@radio-signing-key", token=False).json()
    assert [k["key_id"] for k in published["keys"]] == [published["key_id"]]
    envelope = call(site, "@station-schedule").json()
    with pytest.raises(Refused, match="khóa khác"):
        accept(envelope, [pinned_key(old["public_key"])], signing.SCHEDULE, station)
    with pytest.raises(ValueError):
        keys.rotate(portal, datetime.now(UTC) - timedelta(hours=1))


def test_a_station_refuses_another_stations_schedule_and_emergencies_as_a_schedule(
    site,
):
    """The attack through the real API: station B is served station A's genuine documents."""
    radio_items(site["portal"])
    pins = base64.b64decode(
        call(site, "@radio-signing-key", token=False).json()["public_key"]
    )
    other_station = site["other_token"].split(".", 1)[0]
    mine = call(site, "@station-schedule").json()
    events = call(site, "@station-events").json()
    with pytest.raises(Refused, match="đài khác"):
        accept(mine, pins, signing.SCHEDULE, other_station)
    with pytest.raises(Refused, match="không phải «schedule»"):
        accept(events, pins, signing.SCHEDULE, site["station"].UID())
    assert accept(mine, pins, signing.SCHEDULE, site["station"].UID())


def test_the_as_run_log_is_pruned_by_age_and_read_in_bounded_batches(site):
    local, _wide, _alarm = radio_items(site["portal"])
    stale = {"item": local.UID(), "status": "finished", "at": _ago(days=400)}
    assert call(site, "@station-asrun", method="post", json={"records": [stale]}).ok
    records = [
        {"item": local.UID(), "status": "started", "at": _ago(minutes=minute)}
        for minute in range(30)
    ]
    assert call(
        site, "@station-asrun", method="post", json={"records": records}
    ).json() == {"stored": 30}
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    url = f"{site['station'].absolute_url()}/@station-asrun"
    first = admin.get(url, params={"b_size": 10}).json()
    assert (
        first["items_total"] == 30 and len(first["items"]) == 10
    )  # the stale record went
    assert (
        first["items"][0]["at"] > first["items"][-1]["at"]
        and "next" in first["batching"]
    )
    for params in (
        {"b_size": 10**9},
        {"b_start": -1},
    ):  # the attack: everything at once
        assert admin.get(url, params=params).status_code == 400
    ahead = {"item": local.UID(), "status": "started", "at": _ago(days=-400)}
    refused = call(site, "@station-asrun", method="post", json={"records": [ahead]})
    assert (
        refused.status_code == 400 and "một ngày" in refused.json()["error"]["message"]
    )


def test_audio_is_streamed_from_its_blob_with_ranges(site):
    from nguon.radio.browser import StationAudio
    from plone.namedfile.utils import filestream_range_iterator

    local, _wide, _alarm = radio_items(site["portal"])
    url = f"{site['base']}/@@station-audio/{local.UID()}"
    whole = requests.get(url, headers={"X-Station-Token": site["token"]}, timeout=60)
    part = requests.get(
        url,
        headers={"X-Station-Token": site["token"], "Range": "bytes=100-199"},
        timeout=60,
    )
    assert part.status_code == 206 and part.content == whole.content[100:200]
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(whole.content)}"
    # In the process: the view answers a file iterator over the blob, not the audio's bytes.
    request = site["portal"].REQUEST
    request.environ["HTTP_X_STATION_TOKEN"] = site["token"]
    view = StationAudio(site["portal"], request)
    view.traversed = local.UID()
    assert isinstance(view(), filestream_range_iterator)
