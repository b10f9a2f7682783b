"""Alerts on public boards, against the site: the takeover slide (one per language) with the
severity's colours at the board's resolution, Test and Exercise alerts only on boards marked
for tests, an Update replacing and a Cancel or the expiry clearing, the board channel of the
broadcast, the kiosk's broadcast settings, and receipts in the ledger."""

from DateTime import DateTime
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from io import BytesIO
from nguon.alerts import chain
from nguon.boards import playlist
from nguon.boards import takeover
from nguon.content.alert import expires_at
from nguon.content.timezone import LOCAL_ZONE
from nguon.devices.interfaces import IBroadcastChannel
from nguon.ledger.record import of_item
from nguon.messaging import topics
from nguon.outbox.worker import drain
from PIL import Image
from plone import api
from tests.boards.test_board_views import COMMUNE
from tests.boards.test_board_views import get
from tests.search.helpers import published
from tests.search.helpers import transition
from zope.component import getUtility

import json
import pytest
import requests
import transaction


def _settle(site):
    transaction.commit()
    drain(site["portal"])
    transaction.commit()


def alert(
    site, title="Lũ quét trên suối Tả Trạch", languages=(), settle=True, **fields
):
    """A published alert of the commune; ``settle``: the outbox delivered it everywhere."""
    fields = {
        "category": "disaster",
        "event": "Lũ quét",
        "cap_categories": {"Met"},
        "urgency": "Immediate",
        "severity": "Extreme",
        "certainty": "Likely",
        "alert_description": "Mưa lớn, nước suối lên nhanh.",
        "instruction": "Di chuyển lên chỗ cao ngay, không qua ngầm, tràn.",
        "area_description": "Xã Hương Phú",
        "expiration_date": DateTime() + 0.25,  # six hours
        **fields,
    }
    item = published(site["commune"], "Alert", *COMMUNE, title=title, **fields)
    for language, headline, instruction in languages:
        with api.env.adopt_user(username=COMMUNE[0]):
            api.content.create(
                container=item,
                type="AlertInfo",
                title=headline,
                language=language,
                event="Flash flood",
                alert_description="Heavy rain.",
                instruction=instruction,
            )
    if settle:
        _settle(site)
    return item


def slides_of(site, board=None):
    board = board or site["board"]
    return playlist.build(site["portal"], board, datetime.now(UTC))


def test_an_alert_takes_the_board_over_one_slide_per_language(site):
    item = alert(
        site,
        languages=[("en-US", "Flash flood on Ta Trach stream", "Move to high ground.")],
    )
    data = get(site, "@board-playlist").json()
    assert data["emergency"]
    assert [(s["uid"], s["language"]) for s in data["slides"]] == [
        (item.UID(), "vi-VN"),
        (item.UID(), "en-US"),
    ]
    found = data["slides"][0]["alert"]
    assert found["severity"] == "Extreme" and found["kind"] == "alert"
    assert found["colours"] == {"background": "#800000", "text": "#ffffff"}
    assert found["instruction"].startswith("Di chuyển lên chỗ cao")
    assert found["area"] == "Xã Hương Phú"
    local = expires_at(item).astimezone(LOCAL_ZONE).strftime("%H:%M %d/%m")
    assert found["until"] == f"Hiệu lực đến {local}"
    assert data["slides"][1]["text"] == "Move to high ground."
    for language in ("vi-VN", "en-US"):
        answer = get(site, f"@@board-slide/{item.UID()}", params={"language": language})
        assert answer.status_code == 200, answer.text
        picture = Image.open(BytesIO(answer.content)).convert("RGB")
        assert picture.size == (384, 192)
        assert picture.getpixel((1, 1)) == (128, 0, 0)  # the Extreme background


def test_the_broadcast_entry_is_what_the_kiosk_shows_and_has_no_floats(site):
    item = alert(site, severity="Moderate")
    channel = getUtility(IBroadcastChannel, "board")
    found = channel.entry(item)
    assert found == slides_of(site)["slides"][0]["alert"]
    assert found["uid"] == item.UID() and found["colours"]["background"] == "#ffd600"
    assert found["identifier"] == item.identifier and found["test"] is False

    def floats(value):
        if isinstance(value, dict):
            return any(floats(v) for v in value.values())
        if isinstance(value, list):
            return any(floats(v) for v in value)
        return isinstance(value, float)

    assert not floats(found)
    json.dumps(found)  # plain JSON


def test_a_plain_emergency_is_a_takeover_of_kind_emergency(site):
    from tests.boards.test_board_views import notice

    item = notice(site, "Khẩn cấp: vỡ đê", priority="emergency", category="disaster")
    found = getUtility(IBroadcastChannel, "board").entry(item)
    assert found["kind"] == "emergency" and found["headline"] == "Khẩn cấp: vỡ đê"
    assert found["colours"] == {"background": "#b00000", "text": "#ffffff"}


@pytest.mark.parametrize("status", ["Test", "Exercise"])
def test_test_alerts_reach_only_boards_marked_for_tests(site, status):
    item = alert(site, title=f"Tin {status.lower()}", cap_status=status)
    # the attack: a board not marked for tests asks for its playlist and the slide
    assert item.UID() not in {
        s["uid"] for s in get(site, "@board-playlist").json()["slides"]
    }
    assert get(site, f"@@board-slide/{item.UID()}").status_code == 404
    # a board marked for tests shows it
    site["board"].receives_tests = True
    transaction.commit()
    data = get(site, "@board-playlist").json()
    assert data["emergency"] and {s["uid"] for s in data["slides"]} == {item.UID()}
    assert data["slides"][0]["alert"]["test"] is True


def test_an_update_replaces_and_a_cancel_clears(site):
    first = alert(site, instruction="Chuẩn bị sơ tán.")
    assert {s["uid"] for s in slides_of(site)["slides"]} == {first.UID()}
    with api.env.adopt_user(username=COMMUNE[0]):
        update = chain.follow_up(first, "Update")
        update.instruction = "Sơ tán ngay."
    transition(COMMUNE[0], "submit", update)
    transition(COMMUNE[1], "publish", update)
    _settle(site)
    data = get(site, "@board-playlist").json()
    assert [s["uid"] for s in data["slides"]] == [update.UID()]
    assert data["slides"][0]["alert"]["instruction"] == "Sơ tán ngay."
    with api.env.adopt_user(username=COMMUNE[0]):
        cancel = chain.follow_up(update, "Cancel")
    transition(COMMUNE[0], "submit", cancel)
    transition(COMMUNE[1], "publish", cancel)
    _settle(site)
    data = get(site, "@board-playlist").json()
    assert not data["emergency"]
    assert {update.UID(), cancel.UID(), first.UID()}.isdisjoint(
        {s["uid"] for s in data["slides"]}
    )


def test_an_update_in_the_list_replaces_what_it_references_even_before_retraction():
    older = {"uid": "a", "kind": "alert", "sender": "s", "identifier": "1"}
    newer = {
        "uid": "b",
        "kind": "alert",
        "sender": "s",
        "identifier": "2",
        "references": ["s,1,2026-11-30T12:00:00+07:00"],
    }
    assert takeover.superseded([older, newer]) == {"a"}
    assert takeover.superseded([older]) == set()


def test_an_expired_alert_leaves_the_board_at_once(site):
    item = alert(site)
    board = site["board"]
    now = datetime.now(UTC)
    assert playlist.build(site["portal"], board, now)["emergency"]
    later = item.expiration_date.asdatetime() + timedelta(seconds=1)
    data = playlist.build(site["portal"], board, later)
    assert item.UID() not in {s["uid"] for s in data["slides"]}
    assert takeover.entry(item, later) is None


def test_a_retracted_alert_leaves_the_board(site):
    item = alert(site)
    transition(COMMUNE[1], "retract", item)
    _settle(site)
    assert not get(site, "@board-playlist").json()["emergency"]


def _session(site, board_token):
    return requests.post(
        f"{site['base']}/@kiosk-session",
        headers={"X-Board-Token": board_token, "Accept": "application/json"},
        timeout=30,
    )


def test_the_kiosk_session_names_the_broker_topics_and_keys(site, monkeypatch):
    monkeypatch.delenv("NGUON_MQTT_CREDENTIALS", raising=False)
    assert _session(site, site["token"]).json()["broadcast"] is None  # no broker
    monkeypatch.setenv("NGUON_MQTT_CREDENTIALS", "/nonexistent/publisher.json")
    monkeypatch.setenv("NGUON_MQTT_WS_PORT", "9101")
    found = _session(site, site["token"]).json()["broadcast"]
    assert found["url"].startswith("ws://") and found["url"].endswith(":9101/")
    assert found["topics"] == topics.subscriptions(["VN", "46", "19786"], "board")
    assert {t.split("/")[2] for t in found["topics"]} == {"public"}
    assert found["keys"][0]["public_key"] and found["duration"] == 12
    site["board"].receives_tests = True
    transaction.commit()
    found = _session(site, site["token"]).json()["broadcast"]
    assert {t.split("/")[2] for t in found["topics"]} == {"public", "test"}
    monkeypatch.setenv("NGUON_MQTT_WS_URL", "wss://canhbao.example.vn/mqtt")
    assert (
        _session(site, site["token"]).json()["broadcast"]["url"]
        == "wss://canhbao.example.vn/mqtt"
    )


def test_a_receipt_is_a_note_in_the_ledger_and_a_bad_status_refused(site):
    item = alert(site)
    admin = requests.Session()
    admin.headers.update({"X-Board-Token": site["token"], "Accept": "application/json"})
    at = datetime.now(UTC).isoformat()
    bad = admin.post(
        f"{site['base']}/@board-proof",
        json={
            "records": [
                {"item": item.UID(), "shown_at": at, "seconds": 0, "status": "aired"}
            ]
        },
    )
    assert bad.status_code == 400
    answer = admin.post(
        f"{site['base']}/@board-proof",
        json={
            "records": [
                {"item": item.UID(), "shown_at": at, "seconds": 0, "status": "received"}
            ]
        },
    )
    assert answer.status_code == 200, answer.text
    transaction.begin()
    kinds = [
        kind
        for _unit, channel, _at, _dev, kind, _d in of_item(site["portal"], item.UID())
    ]
    assert kinds == ["board-received"]


def test_the_units_people_preview_each_language_of_the_takeover(site):
    from nguon.testing import TREE_PASSWORD

    item = alert(site, languages=[("en-US", "Flash flood", "Move to high ground.")])
    auth = ("19786-editors", TREE_PASSWORD)
    board_url = site["board"].absolute_url()
    preview = requests.get(f"{board_url}/@@board-preview", auth=auth, timeout=30)
    assert preview.status_code == 200
    assert f"{item.UID()}?language=en-US" in preview.text
    unit = requests.get(
        f"{site['commune'].absolute_url()}/@@bang-tin", auth=auth, timeout=30
    )
    assert f"{item.UID()}?language=vi-VN" in unit.text
    pictures = [
        requests.get(
            f"{board_url}/@@board-preview-slide/{item.UID()}",
            params={"language": language},
            auth=auth,
            timeout=30,
        ).content
        for language in ("vi-VN", "en-US")
    ]
    assert (
        all(p.startswith(b"\x89PNG") for p in pictures) and pictures[0] != pictures[1]
    )
