"""A warning end to end, with the real parts: the site started by ``nguon-start`` with its
bundled Mosquitto, a real Icecast with two commune stations on ``nguon-station --broker``
driving real Liquidsoap, two kiosks in real Chromium connected to the broker over WebSockets,
and the independent tools of the XML world (xmllint for the OASIS schema, xmlsec1 for the
signature).

Quảng Trị (44) warns its whole area of a flash flood, in Vietnamese and English. Commune A of
Quảng Trị has a station and a board; commune H of Huế (46) has the same, outside the area.
Once approved: A's station airs the attention tone then the message (heard in its stream),
A's board is taken over, the province's Atom index and the alert's CAP address serve it, the
CAP document is valid against the schema and its signature verifies with the published
certificate; H's station and board receive nothing. An Update changes what A's station airs
and A's board shows; a Cancel clears both (its next round never airs). The receipts and
proofs are in the delivery ledger.
"""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from tests.browser.chromium import screenshot
from tests.e2e.board_parts import kiosk
from tests.e2e.board_parts import shown
from tests.e2e.board_parts import takeover
from tests.e2e.equipment import emergencies_on_air
from tests.e2e.equipment import emergencies_on_board
from tests.e2e.equipment import new_board
from tests.e2e.equipment import new_station
from tests.e2e.equipment import retract
from tests.e2e.instance import Instance
from tests.e2e.instance import until
from tests.e2e.people import communes
from tests.e2e.people import member
from tests.e2e.people import session
from tests.e2e.people import unit_url
from tests.e2e.radio_parts import agent_log
from tests.e2e.radio_parts import Icecast
from tests.e2e.radio_parts import loud_spans
from tests.e2e.radio_parts import record
from tests.e2e.radio_parts import signing_key
from tests.e2e.radio_parts import start_agent
from tests.streams import attention_tone
from tests.streams import mounted
from tests.streams import samples
from zoneinfo import ZoneInfo

import lxml.etree
import nguon.cap
import pytest
import requests
import subprocess
import time


pytestmark = pytest.mark.slow
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
XSD = Path(nguon.cap.__file__).parent / "schema" / "CAP-v1.2.xsd"
CAP = {"cap": "urn:oasis:names:tc:emergency:cap:1.2"}
ATOM = {"atom": "http://www.w3.org/2005/Atom"}
INSTRUCTION = "Di chuyển ngay người và tài sản lên chỗ cao, không qua ngầm tràn."
UPDATED = "Nước đã lên tới cầu Đông Hà: sơ tán ngay các hộ ven sông Hiếu."


def _alert(editor, province):
    """A flash-flood warning for the whole province, with an English version."""
    created = editor.post(
        province,
        json={
            "@type": "Alert",
            "title": "Cảnh báo lũ quét trên sông Thạch Hãn",
            "category": "disaster",
            "event": "Lũ quét",
            "cap_categories": ["Met"],
            "urgency": "Immediate",
            "severity": "Extreme",
            "certainty": "Likely",
            "response_types": ["Evacuate"],
            "alert_description": "Mưa rất to trên thượng nguồn, nước sông lên nhanh.",
            "instruction": INSTRUCTION,
            "expires": (datetime.now(ZONE) + timedelta(hours=6)).isoformat(),
            "target_scope": "subtree",
            "repeat_times": 3,
            "repeat_minutes": 2,
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    english = editor.post(
        url,
        json={
            "@type": "AlertInfo",
            "title": "Flash flood warning on the Thach Han river",
            "language": "en-US",
            "event": "Flash flood",
            "alert_description": "Very heavy rain upstream, the river is rising fast.",
            "instruction": "Move to higher ground now.",
        },
    )
    assert english.status_code == 201, english.text
    return url, created.json()["UID"]


def _approve(editor, approver, url):
    """Submitted by its author, published by the province's approver; the time of the
    approving request's answer."""
    submitted = editor.post(f"{url}/@workflow/submit")
    assert submitted.status_code == 200, submitted.text
    published = approver.post(f"{url}/@workflow/publish")
    assert published.status_code == 200, published.text
    return time.time()


def _follow_up(editor, approver, url, kind, **changes):
    """An Update or Cancel made with the alert's button (``@alert-update``,
    ``@alert-cancel``), changed, approved; its address, UID and approval time."""
    made = editor.post(f"{url}/@alert-{kind}")
    assert made.status_code == 201, made.text
    new = made.json()["@id"]
    if changes:
        patched = editor.patch(new, json=changes)
        assert patched.status_code == 204, patched.text
    uid = editor.get(new).json()["UID"]
    return new, uid, _approve(editor, approver, new)


def _asrun(admin, station_url, uid):
    """The station's as-run records of ``uid``: ``[(status, at)]``, oldest first."""
    found = admin.get(f"{station_url}/@station-asrun", params={"b_size": 100}).json()
    return sorted(
        (r["status"], datetime.fromisoformat(r["at"]).timestamp())
        for r in found["items"]
        if r["item"] == uid
    )


def _started(admin, station_url, uid):
    return [at for status, at in _asrun(admin, station_url, uid) if status == "started"]


def _ended(admin, station_url, uid):
    """``[(status, at)]`` of the airings of ``uid`` that ended: finished or cut."""
    return [
        (status, at)
        for status, at in _asrun(admin, station_url, uid)
        if status in ("finished", "interrupted")
    ]


def _received(admin, board_url, uid):
    found = admin.get(f"{board_url}/@board-proof", params={"b_size": 100}).json()
    return [r for r in found["items"] if r["item"] == uid and r["status"] == "received"]


def _cap_document(url, folder):
    """The alert's CAP address as anyone reads it, kept in ``folder``."""
    answer = requests.get(f"{url}/alert.cap", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("application/cap+xml")
    path = folder / "alert.cap.xml"
    path.write_bytes(answer.content)
    return path, lxml.etree.fromstring(answer.content)


def _valid_and_signed(path, instance, folder):
    """xmllint validates against the OASIS schema, xmlsec1 verifies the signature with the
    certificate the site publishes (neither is the code that wrote it)."""
    valid = subprocess.run(
        ["xmllint", "--noout", "--schema", str(XSD), str(path)],
        capture_output=True,
        text=True,
    )
    assert valid.returncode == 0, valid.stderr
    [current] = [
        key
        for key in requests.get(
            f"{instance.url}/@cap-keys",
            headers={"Accept": "application/json"},
            timeout=30,
        ).json()["keys"]
        if key["retiring_at"] is None
    ]
    certificate = folder / "cap-key.pem"
    certificate.write_text(current["certificate"])
    verified = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(certificate), str(path)],
        capture_output=True,
        text=True,
    )
    assert verified.returncode == 0, verified.stderr
    tampered = folder / "tampered.cap.xml"
    tampered.write_bytes(path.read_bytes().replace(b"Immediate", b"Expected", 1))
    refused = subprocess.run(
        ["xmlsec1", "--verify", "--pubkey-cert-pem", str(certificate), str(tampered)],
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0


def _indexed(unit):
    """The CAP addresses the unit's Atom index lists."""
    answer = requests.get(f"{unit}/alerts.atom", timeout=30)
    assert answer.status_code == 200, answer.text
    feed = lxml.etree.fromstring(answer.content)
    return set(
        feed.xpath(
            "//atom:entry/atom:link[@type='application/cap+xml']/@href",
            namespaces=ATOM,
        )
    )


def _tone(recording, record_from, started):
    """The stream carried the attention tone within seconds of ``started`` (the as-run
    time; the stream lags the player by its encoder and Icecast)."""
    offset = started - record_from
    assert any(
        attention_tone(samples(recording, offset + lag, 1.5)) for lag in (0, 1, 2, 3)
    ), offset


def _message(recording, record_from, started, ended):
    """After the tone (4 s) and its pause, the stream carried the message until the as-run
    ``ended`` time: sound through most of that span."""
    begin, end = started + 5.5 - record_from, ended - record_from
    heard = sum(max(0.0, min(b, end) - max(a, begin)) for a, b in loud_spans(recording))
    assert end - begin > 8 and heard > 0.6 * (end - begin), (begin, end, heard)


def test_an_alert_reaches_its_province_on_air_and_on_screen_and_nowhere_else(tmp_path):
    (tmp_path / "site").mkdir()
    instance = Instance(tmp_path / "site").start()
    began = time.monotonic()

    def phase(name):
        print(f"{name}: {time.monotonic() - began:.0f} s", flush=True)

    icecast, drivers, processes = None, {}, []
    try:
        site_admin = session("admin", "admin")
        editor, approver = session("quangtri.bientap"), session("quangtri.duyet")
        province = unit_url(instance, "44")
        [a] = communes(instance, 1)
        [h] = communes(instance, 1, province="46")
        admin = {
            a: member(instance, a, "admins", "xa-a.quantri"),
            h: member(instance, h, "admins", "xa-h.quantri"),
        }
        placeholder = datetime.now(ZONE) + timedelta(hours=2)
        station, board, token = {}, {}, {}
        for x, name in ((a, "A"), (h, "H")):
            station[x] = new_station(
                admin[x], x, f"Đài truyền thanh xã {name}", placeholder
            )
            board[x] = new_board(admin[x], x, f"Bảng tin xã {name}")
            token[x] = (
                admin[x].post(f"{board[x][0]}/@board-credentials").json()["token"]
            )
        for x in (a, h):  # the demo's emergencies would air and take the boards over
            retract(site_admin, instance, emergencies_on_air(site_admin, station[x][0]))
            retract(site_admin, instance, emergencies_on_board(instance, token[x]))
        phase("equipment made, the demo's emergencies over")

        icecast = Icecast(tmp_path / "icecast")
        key = signing_key(instance)
        broker = f"127.0.0.1:{instance.env['NGUON_MQTT_PORT']}"
        mount = {a: "/xa-a.mp3", h: "/xa-h.mp3"}
        for x, name in ((a, "a"), (h, "h")):
            processes.append(
                start_agent(
                    instance,
                    station[x][2],
                    key,
                    icecast,
                    mount[x],
                    tmp_path / name,
                    broker=broker,
                )
            )
            drivers[x] = kiosk(admin[x], board[x][0])
        assert until(
            lambda: all(mounted(icecast.stream(m)) for m in mount.values()), 60
        )
        assert until(
            lambda: all(f"qua {broker}" in agent_log(tmp_path / n) for n in "ah"), 60
        ), agent_log(tmp_path / "a")
        phase("stations on air and kiosks connected to the broker")

        record_from = time.time()
        recording = tmp_path / "a.wav"
        processes.append(record(icecast.stream(mount[a]), 420, recording))
        url, uid = _alert(editor, province)
        approved = _approve(editor, approver, url)
        phase("alert approved")

        # A's board and A's station: the board at once, the station as soon as it holds the
        # signed list (its audio is made from the moment the alert was written).
        assert until(lambda: (takeover(drivers[a]) or {}).get("uid") == uid, 30)
        phase(f"on A's board {time.time() - approved:.1f} s after approval")
        assert takeover(drivers[a])["source"] == "broadcast"
        assert INSTRUCTION in takeover(drivers[a])["text"]
        screenshot(drivers[a], "alert-kiosk")
        assert until(lambda: _started(admin[a], station[a][0], uid), 120, pause=1)
        [aired] = _started(admin[a], station[a][0], uid)
        phase(f"on A's air {aired - approved:.1f} s after approval")
        assert until(lambda: _ended(admin[a], station[a][0], uid), 120, pause=1)
        [(how, ended)] = _ended(admin[a], station[a][0], uid)
        assert how == "finished"  # the tone, then Vietnamese, then English, all of it
        phase(f"aired whole in {ended - aired:.0f} s")

        # Out: the CAP address, valid and signed, and the province's Atom index.
        folder = tmp_path / "cap"
        folder.mkdir()
        path, document = _cap_document(url, folder)
        _valid_and_signed(path, instance, folder)
        assert document.xpath("string(cap:msgType)", namespaces=CAP) == "Alert"
        assert document.xpath("cap:info/cap:language/text()", namespaces=CAP) == [
            "vi-VN",
            "en-US",
        ]
        codes = document.xpath(
            "cap:info[1]/cap:area/cap:geocode[cap:valueName='VN-DVHC']/cap:value/text()",
            namespaces=CAP,
        )
        assert "44" in codes and "46" not in codes
        assert f"{url}/alert.cap" in _indexed(province)
        assert f"{url}/alert.cap" not in _indexed(unit_url(instance, "46"))

        # Nothing in Huế: neither its board nor its station (both connected all along).
        assert takeover(drivers[h]) is None and shown(drivers[h]) != uid
        assert _asrun(admin[h], station[h][0], uid) == []
        # Each of A's devices reported it held the signed alert: receipts in the ledger.
        assert until(
            lambda: "received" in {s for s, _ in _asrun(admin[a], station[a][0], uid)},
            30,
        )
        assert until(lambda: _received(admin[a], board[a][0], uid), 30)
        phase("CAP, index and Huế checked")

        # Update: what both show changes; the first alert leaves every channel.
        update_url, update_uid, _at = _follow_up(
            editor, approver, url, "update", instruction=UPDATED, repeat_minutes=1
        )
        assert until(lambda: (takeover(drivers[a]) or {}).get("uid") == update_uid, 30)
        assert UPDATED in takeover(drivers[a])["text"]
        assert until(lambda: _started(admin[a], station[a][0], update_uid), 120)
        update_aired = _started(admin[a], station[a][0], update_uid)[0]
        assert site_admin.get(url).json()["review_state"] == "retracted"
        phase("the Update on A's board and air")

        # Cancel, while the Update is on air and before its second round (a minute after it
        # took effect): the station cuts it, the board clears.
        _cancel_url, _cancel_uid, cancelled = _follow_up(
            editor, approver, update_url, "cancel"
        )
        assert until(lambda: takeover(drivers[a]) is None, 30)
        assert shown(drivers[a]) != update_uid
        phase("the Cancel cleared A's board")
        assert until(lambda: _ended(admin[a], station[a][0], update_uid), 30)
        [(how, cut)] = _ended(admin[a], station[a][0], update_uid)
        assert how == "interrupted" and cut - cancelled < 10, (how, cut - cancelled)
        phase(f"the Cancel cut A's air {cut - cancelled:.1f} s after approval")
        # The second round would have aired a minute after the first: it never does.
        time.sleep(max(0.0, update_aired + 75 - time.time()))
        assert _started(admin[a], station[a][0], update_uid) == [update_aired]
        assert cancelled < update_aired + 60, "the Cancel came after the second round"
        assert _started(admin[h], station[h][0], update_uid) == []
        phase("the Update's next round never aired")

        # What the stream carried: the tone then the message; the Update's tone, then the cut.
        processes[-1].terminate()
        processes[-1].wait(30)
        _tone(recording, record_from, aired)
        _message(recording, record_from, aired, ended)
        _tone(recording, record_from, update_aired)

        # The ledger: A's station and board proved the alert; A is all that reached.
        def delivered():
            pairs = editor.get(f"{url}/@coverage").json()["pairs"]
            return {
                (p["unit"], p["channel"]): p["proof"]["device"]
                for p in pairs
                if p["status"] == "delivered"
            }

        code_a = site_admin.get(a).json()["code"]
        assert until(
            lambda: (
                delivered()
                == {(code_a, "radio"): station[a][1], (code_a, "board"): board[a][1]}
            ),
            120,
            pause=2,
        ), delivered()
        phase("receipts and proofs in the ledger")
    except BaseException:
        for name in "ah":
            print(f"agent {name}:", agent_log(tmp_path / name))
        raise
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
                process.wait(20)
        for driver in drivers.values():
            driver.quit()
        if icecast is not None:
            icecast.stop()
        instance.kill()
