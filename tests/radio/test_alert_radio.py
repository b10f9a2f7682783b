"""Alerts on the radio against a site, with the real audio tools (ffmpeg, espeak-ng): the tone
then every language, a language nobody can read refused with its name, an edit of any
language remaking the audio, the same entry on ``@station-events`` and on the broadcast,
Test alerts only for test stations, quiet hours broken, receipts in the ledger.

On the tree site: a Huế (46) alert for the whole province; the station of Thuận Hóa (19786)
hears it, the one of Đồng Hới (18880, Quảng Trị) does not."""

from datetime import datetime
from datetime import UTC
from nguon.content.timezone import LOCAL_ZONE
from nguon.devices import credentials
from nguon.devices.interfaces import IBroadcastChannel
from nguon.ledger.coverage import coverage
from nguon.ledger.record import of_item
from nguon.outbox.worker import drain
from nguon.radio import audio
from nguon.radio import prepared
from nguon.radio import signing
from nguon.radio.asrun import STATUSES
from plone import api
from plone.namedfile.file import NamedBlobFile
from tests.alerts.alert_support import add_language
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.streams import power
from tests.streams import samples
from zope.component import getUtility

import pytest
import requests
import subprocess
import transaction


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=portal["vn"]["46"]["19786"],
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
            slots="FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0 | 10",
        )
        other = api.content.create(
            container=portal["vn"]["44"]["18880"],
            type="RadioStation",
            title="Đài truyền thanh phường Đồng Hới",
        )
    tokens = credentials.issue(station), credentials.issue(other)
    transaction.commit()
    return {
        "portal": portal,
        "base": portal.absolute_url(),
        "station": station,
        "token": tokens[0],
        "other_token": tokens[1],
    }


def settle(portal):
    transaction.commit()
    drain(portal, names=["syndication", "radio-audio"])
    transaction.commit()


def events(site, token=None):
    answer = requests.get(
        f"{site['base']}/@station-events",
        headers={
            "Accept": "application/json",
            "X-Station-Token": token or site["token"],
        },
        timeout=60,
    )
    return signing.verify(answer.json(), _key(site))["emergencies"]


def _key(site):
    import base64

    answer = requests.get(
        f"{site['base']}/@radio-signing-key",
        headers={"Accept": "application/json"},
        timeout=30,
    )
    return base64.b64decode(answer.json()["public_key"])


def delivery(item, tmp_path):
    record = prepared.prepared(item)
    path = tmp_path / "delivery.mp3"
    with record["file"].open() as opened:
        path.write_bytes(opened.read())
    return record, path


def test_an_alert_airs_the_tone_then_every_language(site, tmp_path):
    portal = site["portal"]
    alert = make_alert()
    add_language(alert, "en-US")
    add_language(
        alert,
        "zh-CN",
        title="香江山洪警报",
        event="山洪",
        alert_description="大雨，河水快速上涨。",
        instruction="请立即转移到高处。",
    )
    publish(alert)
    settle(portal)
    assert prepared.failure(alert) is None
    record, path = delivery(alert, tmp_path)
    assert abs(record["loudness"] - audio.TARGET_LUFS) < 1.5
    # The attention signal: 853 Hz and 960 Hz together for its first seconds, nothing else.
    tone = samples(path, 0.5, 3)
    low, high, off = power(tone, 853), power(tone, 960), power(tone, 700)
    assert low > 50 * off and high > 50 * off
    # Then speech, in three languages: far longer than the tone, and no tone in it.
    assert record["duration"] > audio.TONE_SECONDS + 3 * 4
    speech = samples(path, audio.TONE_SECONDS + 2, 6)
    assert power(speech, 853) < power(tone, 853) / 20


def test_a_language_without_voice_or_recording_is_refused_by_name_until_recorded(
    site, tmp_path
):
    portal = site["portal"]
    alert = make_alert()
    jrai = add_language(alert, "jra", title="Lũ quét", event="Lũ quét")
    settle(portal)  # a draft: its approvers see at once why it cannot air
    assert prepared.prepared(alert) is None
    refusal = prepared.failure(alert)
    assert "Tiếng Jrai" in refusal and "ghi âm" in refusal
    # A recording of the Jrai text (here: any real audio) and the alert can air.
    recording = tmp_path / "jrai.wav"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=3"]
        + [str(recording)],
        check=True,
    )
    with api.env.adopt_roles(["Manager"]):
        jrai.voice = NamedBlobFile(recording.read_bytes(), filename="jrai.wav")
        from zope.event import notify
        from zope.lifecycleevent import ObjectModifiedEvent

        notify(ObjectModifiedEvent(jrai))
    publish(alert)
    settle(portal)
    assert prepared.failure(alert) is None
    first = prepared.prepared(alert)["sha256"]
    listed = {e["uid"]: e for e in events(site)}
    assert listed[alert.UID()]["audio"]["sha256"] == first


def test_an_edit_of_any_language_makes_the_audio_again(site):
    portal = site["portal"]
    alert = make_alert()
    english = add_language(alert, "en-US")
    publish(alert)
    settle(portal)
    before = prepared.prepared(alert)["sha256"]
    with api.env.adopt_roles(["Manager"]):
        english.instruction = "Move to high ground now. Do not cross the river."
        from zope.event import notify
        from zope.lifecycleevent import ObjectModifiedEvent

        notify(ObjectModifiedEvent(english))
    settle(portal)
    assert prepared.prepared(alert)["sha256"] != before


def test_the_broadcast_entry_is_the_station_events_entry_with_its_repeats(site):
    portal = site["portal"]
    alert = publish(make_alert(repeat_times=4, repeat_minutes=15))
    settle(portal)
    (listed,) = events(site)
    assert listed["repeat"] == {"times": 4, "minutes": 15}
    assert set(listed) == {
        "uid",
        "title",
        "priority",
        "duration",
        "audio",
        "effective",
        "repeat",
    }
    entry = getUtility(IBroadcastChannel, "radio").entry(alert)
    assert entry == listed
    # Another province's station hears nothing of it.
    assert events(site, site["other_token"]) == []
    # While its audio is being made there is no entry yet.
    from zope.annotation.interfaces import IAnnotations

    del IAnnotations(alert)[prepared.KEY]
    assert getUtility(IBroadcastChannel, "radio").entry(alert) is None
    transaction.abort()


def test_a_test_alert_reaches_only_a_station_marked_for_tests(site):
    portal = site["portal"]
    alert = publish(make_alert(cap_status="Test"))
    settle(portal)
    headers = {"X-Station-Token": site["token"]}
    # The attack: an unmarked station asks for the test alert's audio directly.
    audio_answer = requests.get(
        f"{site['base']}/@@station-audio/{alert.UID()}", headers=headers, timeout=30
    )
    assert audio_answer.status_code == 404
    assert events(site) == []
    schedule = requests.get(
        f"{site['base']}/@station-schedule",
        headers={**headers, "Accept": "application/json"},
        timeout=30,
    ).json()["schedule"]
    assert schedule["emergencies"] == [] and schedule["receives_tests"] is False
    assert schedule["lineage"] == ["VN", "46", "19786"]
    site["station"].receives_tests = True
    transaction.commit()
    assert [e["uid"] for e in events(site)] == [alert.UID()]
    assert (
        requests.get(
            f"{site['base']}/@@station-audio/{alert.UID()}", headers=headers, timeout=30
        ).status_code
        == 200
    )


def test_an_alert_breaks_quiet_hours_and_days_off(site):
    portal = site["portal"]
    station = site["station"]
    today = datetime.now(LOCAL_ZONE).date().isoformat()
    station.quiet_start, station.quiet_end = "00:00", "23:59"
    station.holidays = today
    transaction.commit()
    alert = publish(make_alert())
    settle(portal)
    schedule = requests.get(
        f"{site['base']}/@station-schedule",
        headers={"X-Station-Token": site["token"], "Accept": "application/json"},
        timeout=30,
    ).json()["schedule"]
    assert [e["uid"] for e in schedule["emergencies"]] == [alert.UID()]
    assert [e["uid"] for e in events(site)] == [alert.UID()]


def test_a_received_report_is_a_receipt_in_the_ledger_not_a_proof(site):
    portal = site["portal"]
    alert = publish(make_alert())
    settle(portal)
    assert "received" in STATUSES
    answer = requests.post(
        f"{site['base']}/@station-asrun",
        headers={"Accept": "application/json", "X-Station-Token": site["token"]},
        json={
            "records": [
                {
                    "item": alert.UID(),
                    "status": "received",
                    "at": datetime.now(UTC).isoformat(),
                }
            ]
        },
        timeout=60,
    )
    assert answer.json() == {"stored": 1}
    transaction.begin()
    kinds = {row[4]: row for row in of_item(portal, alert.UID())}
    assert kinds["radio-received"][:2] == ("19786", "radio")
    pairs = {(p.unit, p.channel): p for p in coverage(portal, alert.UID(), None).pairs}
    # An emergency is always an obligation; arrival is not airing: the pair still waits.
    assert pairs[("19786", "radio")].status == "pending"
    refused = requests.post(
        f"{site['base']}/@station-asrun",
        headers={"Accept": "application/json", "X-Station-Token": site["token"]},
        json={"records": [{"item": alert.UID(), "status": "heard", "at": "now"}]},
        timeout=60,
    )
    assert refused.status_code == 400
