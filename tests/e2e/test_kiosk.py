"""The kiosk player in real headless Chromium against the site started by ``nguon-start``: it
rotates two notices, an emergency approved during the test takes over the screen within the
bound below, proof-of-play records arrive, and with the server stopped the player goes on
showing its content. The kiosk is paired by a one-time address (the code in its fragment) and
then holds a session cookie: its token is never in a URL. Screenshots are kept under
tests/artifacts/."""

from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.e2e.board_parts import shown
from tests.e2e.instance import Instance
from tests.e2e.instance import until
from tests.e2e.people import commune_with_users
from tests.e2e.people import session

import pytest
import time


pytestmark = pytest.mark.slow
TAKEOVER_BOUND = (
    10.0  # seconds from the approving request's answer to the emergency on screen
)


def _publish(editor, approver, container, **fields):
    created = editor.post(
        container,
        json={
            "@type": "BoardNotice",
            "category": "public-services",
            "display_duration": 3,
            **fields,
        },
    )
    assert created.status_code == 201, created.text
    url = created.json()["@id"]
    assert editor.post(f"{url}/@workflow/submit").status_code == 200
    assert approver.post(f"{url}/@workflow/publish").status_code == 200
    return created.json()["UID"], url


def test_the_kiosk_rotates_takes_over_for_an_emergency_reports_and_survives_the_server(
    tmp_path,
):
    (tmp_path / "site").mkdir()
    instance = Instance(tmp_path / "site").start()
    driver = None
    try:
        commune, users = commune_with_users(instance)
        admin, editor, approver = users["admins"], users["editors"], users["approvers"]
        board = admin.post(
            commune,
            json={
                "@type": "PublicBoard",
                "title": "Màn hình nhà văn hóa xã",
                "location": "Nhà văn hóa xã",
                "size_class": "lcd",
                "width": 1280,
                "height": 720,
                "opening_start": "00:00",
                "opening_end": "23:59",
            },
        )
        assert board.status_code == 201, board.text
        board_url = board.json()["@id"]
        token = admin.post(f"{board_url}/@board-credentials").json()["token"]
        playlist_url = f"{instance.url}/@board-playlist"

        def playlist():
            return (
                session("admin", "admin")
                .get(playlist_url, headers={"X-Board-Token": token})
                .json()
            )

        # The storm of the demo data is over: once the new site's items reached the board, its
        # emergencies are retracted.
        site_admin = session("admin", "admin")
        assert until(lambda: playlist()["emergency"], 120)
        while playlist()["emergency"]:
            for slide in playlist()["slides"]:
                found = site_admin.get(
                    f"{instance.url}/@search", params={"UID": slide["uid"]}
                ).json()
                item = found["items"][0]["@id"]
                assert site_admin.post(f"{item}/@workflow/retract").status_code == 200
            until(lambda: not playlist()["emergency"], 10)
        first, _url = _publish(
            editor,
            approver,
            commune,
            title="Lịch cắt điện ngày 2/12",
            text="Cắt điện từ 7h đến 11h tại thôn 1, thôn 2.",
        )
        second, _url = _publish(
            editor,
            approver,
            commune,
            title="Tiêm chủng mở rộng",
            text="Trạm y tế xã tiêm chủng cho trẻ em sáng thứ bảy.",
        )
        assert until(
            lambda: (
                {first, second} <= {s["uid"] for s in playlist()["slides"]}
                and not playlist()["emergency"]
            ),
            60,
        )

        driver = chromium(1280, 720)
        pairing = admin.post(f"{board_url}/@board-pairing").json()["url"]
        driver.get(pairing)
        assert until(
            lambda: "#" not in driver.current_url, 10
        )  # the code leaves the address bar
        seen = set()
        assert until(lambda: seen.add(shown(driver)) or {first, second} <= seen, 30), (
            seen
        )
        screenshot(driver, "kiosk-rotation")
        cookies = {c["name"]: c for c in driver.get_cookies()}
        assert (
            cookies["nguon_board"]["httpOnly"]
            and cookies["nguon_board"]["sameSite"] == "Strict"
        )
        assert (
            token not in driver.current_url
            and token not in cookies["nguon_board"]["value"]
        )

        alarm, alarm_url = _publish(
            editor,
            approver,
            commune,
            title="KHẨN CẤP: lũ quét",
            text="Bà con vùng trũng di dời ngay.",
            priority="emergency",
            category="disaster",
        )
        approved = time.time()
        assert until(lambda: shown(driver) == alarm, 30)
        delay = time.time() - approved
        print(f"emergency on screen {delay:.2f} s after its approval")
        assert delay <= TAKEOVER_BOUND
        screenshot(driver, "kiosk-emergency")
        assert until(
            lambda: shown(driver) == alarm, 5
        )  # it stays: nothing else is shown

        proofs = lambda: {
            r["item"] for r in admin.get(f"{board_url}/@board-proof").json()["items"]
        }  # noqa: E731
        assert until(lambda: {first, second} <= proofs(), 30)

        # The emergency is retracted: the rotation comes back; then the server stops.
        assert approver.post(f"{alarm_url}/@workflow/retract").status_code == 200
        assert until(lambda: shown(driver) in (first, second), 30)
        instance.kill()
        seen = set()
        assert until(lambda: seen.add(shown(driver)) or {first, second} <= seen, 30), (
            seen
        )
        screenshot(driver, "kiosk-offline")
        status = driver.execute_script(
            "return document.getElementById('kiosk-status').textContent"
        )
        assert "Mất kết nối" in status
    finally:
        if driver is not None:
            driver.quit()
        instance.kill()
