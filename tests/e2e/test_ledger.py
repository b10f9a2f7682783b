"""Essential information end to end, with the real parts: the site started by ``nguon-start``,
a real Icecast, two commune stations on ``nguon-station`` driving real Liquidsoap, a kiosk in
a real Chromium and a real SMTP server (aiosmtpd).

Quảng Trị publishes a bulletin its author marks as essential, for every unit under it, on
radio and boards. Commune A has a station and a board, commune B a station, commune C a
station that called once and then went silent; no other commune of the province has either.
A's and B's stations air the bulletin at their slot (their streams carry it) and A's board
shows it. The coverage page under the item, as its author reads it, and ``@coverage`` say
exactly who got it, on which channel, by which device and when, and why nobody else did: no
station, no board, C's station offline since its one call. C's admin gets the alarm mail."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from email.header import decode_header
from email.header import make_header
from tests.browser.chromium import ARTIFACTS
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.e2e.board_parts import shown
from tests.e2e.equipment import emergencies_on_air
from tests.e2e.equipment import emergencies_on_board
from tests.e2e.equipment import new_board
from tests.e2e.equipment import new_station
from tests.e2e.equipment import retract
from tests.e2e.equipment import slots
from tests.e2e.instance import BIN
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
from tests.e2e.radio_parts import scheduled
from tests.e2e.radio_parts import signing_key
from tests.e2e.radio_parts import start_agent
from tests.mail import smtp_server
from tests.streams import mounted
from zoneinfo import ZoneInfo

import lxml.html
import os
import pytest
import subprocess
import time


pytestmark = pytest.mark.slow
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
# NGUON_DEVICE_OFFLINE_MINUTES: a device silent this long is offline. Longer than the minute
# between two writes of a device's last-seen time, so that the live devices never look offline.
OFFLINE_MINUTES = 1.25
# The channels as the page names them.
RADIO, BOARD = "Đài truyền thanh", "Bảng tin điện tử"
DELIVERED, FAILED = "Đã đến", "Không đến được"
NO_STATION = "Đơn vị chưa có đài truyền thanh trên hệ thống."
NO_BOARD = "Đơn vị chưa có bảng tin điện tử trên hệ thống."
OFFLINE = "Mọi đài truyền thanh của đơn vị mất kết nối từ {since}."


def _send_mail_to(smtp, site_admin, instance):
    """The site's mail settings, as its administrator sets them in the mail control panel."""
    answer = site_admin.patch(
        f"{instance.url}/@controlpanels/mail",
        json={
            "smtp_host": smtp.hostname,
            "smtp_port": smtp.port,
            "email_from_address": "nguon@nguon.invalid",
            "email_from_name": "Hệ thống thông tin nguồn",
        },
    )
    assert answer.status_code == 204, answer.text


def _check_once(instance, token, key):
    """The station's agent fetches and verifies its schedule once (``nguon-station check``),
    as a station does when it is installed; then nothing calls for it again."""
    done = subprocess.run(
        [
            str(BIN / "nguon-station"),
            "check",
            "--site",
            instance.url,
            "--public-key",
            key,
        ],
        env={**os.environ, "NGUON_STATION_TOKEN": token},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def _publish_essential(editor, approver, province):
    created = editor.post(
        province,
        json={
            "@type": "Bulletin",
            "title": "Thông báo ngừng cấp nước",
            "description": "Ngừng cấp nước sáng thứ bảy để sửa đường ống chính.",
            "text": {
                "data": "<p>Bà con chủ động trữ nước từ tối thứ sáu.</p>",
                "content-type": "text/html",
                "encoding": "utf-8",
            },
            "category": "public-services",
            "essential": True,
            "target_scope": "subtree",
            "channels": ["radio", "board"],
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert editor.post(f"{url}/@workflow/submit").status_code == 200
    published = approver.post(f"{url}/@workflow/publish")
    assert published.status_code == 200, published.text
    return url, created.json()["UID"]


def _html(reader, url):
    page = reader.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    return page.text


def _page_rows(page):
    """The coverage table of the page: one dict per row, keyed by the column headings."""
    table = lxml.html.fromstring(page).get_element_by_id("nguon-stat-do-phu")
    headings = [th.text_content().strip() for th in table.xpath("./thead/tr/th")]
    return [
        dict(
            zip(
                headings,
                (cell.text_content().strip() for cell in tr.xpath("./th|./td")),
                strict=True,
            )
        )
        for tr in table.xpath("./tbody/tr")
    ]


def _delivered(reader, url):
    """``{(unit code, channel): device}`` of the pairs ``@coverage`` says are delivered."""
    answer = reader.get(f"{url}/@coverage").json()
    return {
        (pair["unit"], pair["channel"]): pair["proof"]["device"]
        for pair in answer["pairs"]
        if pair["status"] == "delivered"
    }


def _subject(message):
    return str(make_header(decode_header(message["Subject"])))


def _text(message):
    return message.get_payload(decode=True).decode(message.get_content_charset())


def _same_time(one, other):
    """Two ISO times name the same moment (the ledger keeps milliseconds)."""
    gap = datetime.fromisoformat(one) - datetime.fromisoformat(other)
    return abs(gap.total_seconds()) < 0.001


def _at(iso):
    """A UTC ISO time as a reason says it: Vietnam's wall clock, to the minute."""
    return datetime.fromisoformat(iso).astimezone(ZONE).strftime("%d/%m/%Y %H:%M")


def _wall_clock(iso):
    """A UTC ISO time as the page's time column shows it."""
    return datetime.fromisoformat(iso).astimezone(ZONE).strftime("%d/%m/%Y %H:%M")


def _exactly_who_and_why(cover, expected, silent_unit, called):
    """``@coverage``: every commune of the province on radio and board; delivered exactly
    where ``expected`` (``{(unit code, channel): device}``) says, by that device; failed
    everywhere else: ``silent_unit``'s station offline since its one call (between the
    times ``called``), no station or no board in the other communes."""
    pairs = {(p["unit"], p["channel"]): p for p in cover["pairs"]}
    receivers = {unit for unit, _channel in pairs}
    assert {unit for unit, _channel in expected} | {silent_unit} <= receivers
    assert set(pairs) == {(u, ch) for u in receivers for ch in ("radio", "board")}
    assert cover["counts"] == {
        "delivered": len(expected),
        "pending": 0,
        "failed": len(pairs) - len(expected),
    }
    assert not cover["delivered"]
    for (unit, channel), device in expected.items():
        proof = pairs[(unit, channel)]["proof"]
        assert proof["device"] == device
        assert (
            proof["kind"] == {"radio": "radio-aired", "board": "board-shown"}[channel]
        )
        assert pairs[(unit, channel)]["reason"] is None
    silent = pairs[(silent_unit, "radio")]
    assert silent["status"] == "failed"
    assert called[0] <= datetime.fromisoformat(silent["since"]) <= called[1]
    assert silent["reason"] == OFFLINE.format(since=_at(silent["since"]))
    for pair, each in pairs.items():
        if pair in expected or pair == (silent_unit, "radio"):
            continue
        assert each["status"] == "failed", each
        assert each["reason"] == (NO_STATION if pair[1] == "radio" else NO_BOARD)


def _asrun(admin, station_url, uid):
    """The station's as-run records of the item, by status."""
    found = admin.get(f"{station_url}/@station-asrun").json()["items"]
    return {r["status"]: r for r in found if r["item"] == uid}


def _the_page_says_the_same(editor, item_url, cover):
    """The item's author sees how far it reached under the item, and follows the link to
    the coverage page, whose table says what ``@coverage`` says (kept under
    tests/artifacts/)."""
    [notice] = lxml.html.fromstring(_html(editor, item_url)).find_class(
        "nguon-coverage-viewlet"
    )
    assert {str(cover["counts"]["delivered"]), str(len(cover["pairs"]))} <= set(
        notice.text_content().split()
    )
    [link] = notice.xpath(".//a/@href")
    assert link == f"{item_url}/@@do-phu"
    page = _html(editor, link)
    (ARTIFACTS / "ledger-coverage.html").write_text(page)
    assert cover["title"] in page
    rows = {(row["Đơn vị"], row["Kênh"]): row for row in _page_rows(page)}
    assert len(rows) == len(cover["pairs"])
    for pair in cover["pairs"]:
        row = rows[
            (pair["unit_title"], {"radio": RADIO, "board": BOARD}[pair["channel"]])
        ]
        assert (
            row["Tình trạng"]
            == {"delivered": DELIVERED, "failed": FAILED}[pair["status"]]
        )
        assert row["Lý do"] == (pair["reason"] or "")
        assert row["Từ lúc"] == (_wall_clock(pair["since"]) if pair["since"] else "")
        assert row["Thiết bị ghi nhận"] == (
            (pair["proof"] or {}).get("device_title") or ""
        )


def _the_stream_carried_it(recording, asrun, record_from):
    """The recording of the station's stream has sound while its as-run says the item
    played (from "started" to "finished")."""
    aired = [
        datetime.fromisoformat(asrun[status]["at"]).timestamp() - record_from
        for status in ("started", "finished")
    ]
    spans = loud_spans(recording)
    assert any(start < aired[1] and end > aired[0] for start, end in spans), (
        spans,
        aired,
    )


def test_an_essential_bulletin_reaches_two_stations_and_a_board_and_says_why_not_the_rest(
    tmp_path,
):
    (tmp_path / "site").mkdir()
    with smtp_server() as smtp:
        began = time.monotonic()

        def phase(name):
            print(f"{name}: {time.monotonic() - began:.0f} s", flush=True)

        instance = Instance(
            tmp_path / "site", NGUON_DEVICE_OFFLINE_MINUTES=str(OFFLINE_MINUTES)
        ).start()
        phase("site started")
        icecast = driver = None
        processes = []
        try:
            site_admin = session("admin", "admin")
            _send_mail_to(smtp, site_admin, instance)
            editor, approver = session("quangtri.bientap"), session("quangtri.duyet")
            province = unit_url(instance, "44")
            a, b, c = communes(instance, 3)
            unit = {x: site_admin.get(x).json() for x in (a, b, c)}
            code = {x: unit[x]["code"] for x in (a, b, c)}
            title = {x: unit[x]["title"] for x in (a, b, c)}
            admin = {
                x: member(instance, x, "admins", f"{name}.quantri")
                for x, name in ((a, "xa-a"), (b, "xa-b"), (c, "xa-c"))
            }

            # The stations first get a slot hours away; the real one is set once both live
            # ones hold the bulletin (below). C's station calls once, when it is installed;
            # the demo's emergencies are retracted; then A's board and A's and B's stations
            # start calling as soon as they exist (a device that never calls is offline too).
            placeholder = datetime.now(ZONE) + timedelta(hours=2)
            station = {
                c: new_station(admin[c], c, "Đài truyền thanh xã C", placeholder)
            }
            key = signing_key(instance)
            called = [datetime.now(UTC)]
            _check_once(instance, station[c][2], key)
            called.append(datetime.now(UTC))
            phase("C's station called once")
            retract(site_admin, instance, emergencies_on_air(site_admin, station[c][0]))
            board_url, board_uid = new_board(admin[a], a, "Bảng tin nhà văn hóa xã A")
            board_token = (
                admin[a].post(f"{board_url}/@board-credentials").json()["token"]
            )
            retract(site_admin, instance, emergencies_on_board(instance, board_token))
            phase("the demo's emergencies retracted")

            icecast = Icecast(tmp_path / "icecast")
            mount = {a: "/xa-a.mp3", b: "/xa-b.mp3"}
            for x, name in ((a, "a"), (b, "b")):
                station[x] = new_station(
                    admin[x], x, f"Đài truyền thanh xã {name.upper()}", placeholder
                )
                processes.append(
                    start_agent(
                        instance, station[x][2], key, icecast, mount[x], tmp_path / name
                    )
                )
            driver = chromium(1280, 720)
            driver.get(admin[a].post(f"{board_url}/@board-pairing").json()["url"])
            assert until(lambda: "#" not in driver.current_url, 10)
            assert until(
                lambda: all(mounted(icecast.stream(m)) for m in mount.values()), 60
            )

            phase("stations on air, kiosk paired")
            item_url, uid = _publish_essential(editor, approver, province)
            assert until(
                lambda: all(uid in scheduled(instance, station[x][2]) for x in (a, b)),
                120,
            )  # its audio is ready: each operator puts it first in the slot
            for x in (a, b):
                pinned = admin[x].post(
                    f"{station[x][0]}/@station-playlist",
                    json={"item": uid, "pinned": True, "order": 0},
                )
                assert pinned.status_code == 200, pinned.text
            # The slot, 30 s away: time for both agents to fetch it.
            slot = (datetime.now(ZONE) + timedelta(seconds=30)).replace(microsecond=0)
            for x in (a, b):
                changed = admin[x].patch(station[x][0], json={"slots": slots(slot)})
                assert changed.status_code == 204, changed.text
            assert until(
                lambda: all(
                    uid in scheduled(instance, station[x][2], slot) for x in (a, b)
                ),
                30,
            )
            phase(f"bulletin in both stations' slot at {slot:%H:%M:%S}")
            record_from = time.time()
            recording = {
                x: tmp_path / f"{name}.wav" for x, name in ((a, "a"), (b, "b"))
            }
            recorders = [
                record(
                    icecast.stream(mount[x]),
                    slot.timestamp() - record_from + 30,
                    recording[x],
                )
                for x in (a, b)
            ]
            processes.extend(recorders)

            assert until(lambda: shown(driver) == uid, 60)
            screenshot(driver, "ledger-kiosk")
            phase("on A's board")
            expected = {
                (code[a], "radio"): station[a][1],
                (code[b], "radio"): station[b][1],
                (code[a], "board"): board_uid,
            }
            assert until(
                lambda: _delivered(editor, item_url) == expected,
                slot.timestamp() - time.time() + 120,
                pause=2,
            ), _delivered(editor, item_url)
            phase("delivered on A's and B's radio and A's board")

            def alarms():
                return [
                    m for m in smtp.messages if _subject(m).startswith("[Cảnh báo]")
                ]

            assert until(alarms, 240, pause=2)
            phase("alarm mail received")
            for recorder in recorders:
                recorder.wait(timeout=120)

            cover = editor.get(f"{item_url}/@coverage").json()
            _exactly_who_and_why(cover, expected, code[c], called)
            asrun = {x: _asrun(admin[x], station[x][0], uid) for x in (a, b)}
            pairs = {(p["unit"], p["channel"]): p for p in cover["pairs"]}
            for x in (a, b):  # the time of the proof: the "finished" as-run record
                proof = pairs[(code[x], "radio")]["proof"]
                assert _same_time(proof["at"], asrun[x]["finished"]["at"])
            shows = admin[a].get(f"{board_url}/@board-proof", params={"b_size": 100})
            assert _same_time(  # and the board's first proof of play
                pairs[(code[a], "board")]["proof"]["at"],
                min(r["shown_at"] for r in shows.json()["items"] if r["item"] == uid),
            )
            _the_page_says_the_same(editor, item_url, cover)
            for x in (a, b):
                _the_stream_carried_it(recording[x], asrun[x], record_from)
            # C's admin, and nobody else, was told that C's station went silent.
            assert len(alarms()) == 1, [(m["X-RcptTo"], _subject(m)) for m in alarms()]
            [alarm] = alarms()
            assert alarm["X-RcptTo"] == "xa-c.quantri@nguon.invalid"
            assert _subject(alarm) == (
                "[Cảnh báo] Đài truyền thanh «Đài truyền thanh xã C» mất kết nối"
            )
            body = _text(alarm)
            assert f"của {title[c]} không kết nối với hệ thống từ" in body
            assert station[c][0] in body
        except BaseException:
            for folder in ("a", "b"):
                print(f"agent {folder}:", agent_log(tmp_path / folder))
            raise
        finally:
            for process in processes:
                if process.poll() is None:
                    process.terminate()
                    process.wait(20)
            if driver is not None:
                driver.quit()
            if icecast is not None:
                icecast.stop()
            instance.kill()
