"""The kiosk player in a real headless Chromium with a real Mosquitto (tests/messaging.py):

- the browser's canonical JSON is byte for byte the site's (``radio.signing.canonical``) and
  WebCrypto verifies the site's Ed25519 signatures, and refuses a changed document;
- lists on the board's topic that are tampered with, signed for another place, signed by a
  key the board does not pin, expired or older than the one it holds are refused, and show
  nothing; an alert published through ``nguon.devices.broadcast`` takes the board over from
  the broker's list alone (the change log is not even updated), its receipt reaches the
  ledger, and the Cancel's empty list clears the board.

Screenshots under tests/artifacts/boards/."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.alerts import chain
from nguon.devices import broadcast
from nguon.devices import keys
from nguon.ledger.record import of_item
from nguon.messaging import envelope
from nguon.messaging import topics
from nguon.messaging.publisher import Publisher
from nguon.outbox.worker import drain
from nguon.radio import signing
from nguon.testing import TREE_PASSWORD
from plone import api
from tests.boards.test_board_alerts import alert
from tests.boards.test_board_views import COMMUNE
from tests.browser.chromium import ARTIFACTS
from tests.browser.chromium import chromium
from tests.e2e.board_parts import kiosk
from tests.e2e.board_parts import refused
from tests.e2e.board_parts import takeover
from tests.e2e.instance import until
from tests.search.helpers import transition

import json
import pytest
import requests
import transaction


SCREENS = ARTIFACTS / "boards"

TRICKY = {
    "headline": 'Người dân "vùng trũng" \\ di dời — ngay\n\tbây giờ \u0001 \u007f \u2028 😀 𝄞',
    "sequence": 1764506400123,
    "negative": -5,
    "empty": {},
    "list": [1, {"b": None, "a": True, "Z": False}, "đ"],
    "\uffff": "last of the BMP",
    "𝄞": "astral key: after U+FFFF by code point",
    "Ä": "x",
    "a": "y",
}


@pytest.fixture(autouse=True)
def forget_retained(mosquitto):
    """Each test's lists leave the broker with it: the retained lists of the commune's board
    topics are removed (an empty retained message), so no later test's kiosk gets them."""
    yield
    codes = ["VN", "46", "19786"]
    names = set(topics.subscriptions(codes, "board", tests=True))
    Publisher(mosquitto.broker).publish([(name, b"") for name in sorted(names)])


def _screenshot(driver, name):
    SCREENS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENS / f"{name}.png"))


@pytest.fixture
def lcd(site):
    """An LCD board of the commune (a kiosk browser), its admin's session."""
    with api.env.adopt_user(username="19786-admins"):
        board = api.content.create(
            container=site["commune"],
            type="PublicBoard",
            title="Màn hình nhà văn hóa phường",
            location="Nhà văn hóa",
            size_class="lcd",
            width=1280,
            height=720,
            opening_start="00:00",
            opening_end="23:59",
        )
    transaction.commit()
    admin = requests.Session()
    admin.auth = ("19786-admins", TREE_PASSWORD)
    admin.headers["Accept"] = "application/json"
    return {**site, "board": board, "admin": admin}


def test_the_browser_checks_signatures_as_the_site_makes_them(site):
    portal = site["portal"]
    driver = chromium(800, 450)
    try:
        driver.get(f"{site['base']}/@@kiosk")
        assert until(lambda: driver.execute_script("return !!window.nguonKiosk"), 10)
        text = driver.execute_script(
            "return window.nguonKiosk.canonical(arguments[0]);", TRICKY
        )
        assert text.encode("utf-8") == signing.canonical(TRICKY)
        signed = signing.sign(
            TRICKY, keys.private_keys(portal), kind="broadcast", station="t"
        )
        pins = keys.published(portal)

        def verify(envelope_):
            return driver.execute_async_script(
                "var done = arguments[arguments.length - 1];"
                "window.nguonKiosk.verify(arguments[0], arguments[1], Date.now())"
                ".then(function (p) { done({ok: p}); })"
                ".catch(function (e) { done({error: e.message}); });",
                envelope_,
                pins,
            )

        assert verify(signed) == {"ok": signed["schedule"]}
        changed = json.loads(json.dumps(signed))
        changed["schedule"]["headline"] = "Tin giả"
        assert "nội dung đã bị sửa" in verify(changed)["error"]
        other = signing.sign(
            TRICKY, [signing.new_private_key()], kind="broadcast", station="t"
        )
        assert "khóa khác khóa đã ghim" in verify(other)["error"]
    finally:
        driver.quit()


def _publish(mosquitto, topic, payload):
    Publisher(mosquitto.broker).publish([(topic, payload)])


def _list(portal, topic, items, sequence, now=None, private_keys=None, signed_for=None):
    doc = envelope.document(signed_for or topic, items, sequence, now)
    return doc, envelope.sign(doc, private_keys or keys.private_keys(portal))


def test_the_kiosk_takes_over_from_the_broker_and_refuses_what_is_not_the_sites(
    lcd, mosquitto
):
    portal, admin, board = lcd["portal"], lcd["admin"], lcd["board"]
    own = topics.topic("public", "board", "19786", False)
    driver = kiosk(admin, board.absolute_url())
    try:
        # The attacks first: each list on the board's own topic is refused, nothing shows.
        fake = {
            "uid": "f" * 32,
            "kind": "alert",
            "headline": "Tin giả",
            "languages": [],
        }
        now = datetime.now(UTC)
        _doc, tampered = _list(portal, own, [], envelope.next_sequence(None, now))
        tampered["schedule"]["items"] = [fake]
        elsewhere = topics.topic("public", "board", "18880", False)
        _doc, replayed = _list(
            portal,
            own,
            [fake],
            envelope.next_sequence(None, now) + 1,
            signed_for=elsewhere,
        )
        _doc, stranger = _list(
            portal,
            own,
            [fake],
            envelope.next_sequence(None, now) + 2,
            private_keys=[signing.new_private_key()],
        )
        old_time = now - envelope.VALIDITY - timedelta(minutes=1)
        _doc, expired = _list(
            portal, own, [fake], envelope.next_sequence(None, now) + 3, now=old_time
        )
        for payload in (tampered, replayed, stranger, expired):
            _publish(mosquitto, own, envelope.encode(payload))
        assert until(lambda: len(refused(driver)) >= 4, 30), refused(driver)
        reasons = [r["reason"] for r in refused(driver)]
        assert "nội dung đã bị sửa" in reasons[0]
        assert "nơi khác" in reasons[1]
        assert "khóa khác khóa đã ghim" in reasons[2]
        assert "hết hạn" in reasons[3]
        assert takeover(driver) is None

        # The alert, published through the broadcast only: the board shows it at once.
        item = alert(
            lcd,
            languages=[
                ("en-US", "Flash flood on Ta Trach stream", "Move to high ground.")
            ],
            settle=False,
        )
        transaction.commit()
        results = drain(portal, names=["broadcast"])
        transaction.commit()
        assert results["broadcast"].unavailable is None
        assert until(lambda: (takeover(driver) or {}).get("uid") == item.UID(), 30)
        shown = takeover(driver)
        assert shown["source"] == "broadcast" and shown["language"] == "vi-VN"
        assert "Di chuyển lên chỗ cao ngay" in shown["text"]
        assert "ĐẶC BIỆT NGUY HIỂM" in shown["text"]
        colours = driver.execute_script(
            "var s = getComputedStyle(document.getElementById('kiosk-takeover'));"
            "return [s.backgroundColor, s.color];"
        )
        assert colours == ["rgb(128, 0, 0)", "rgb(255, 255, 255)"]
        overflow = driver.execute_script(
            "var t = document.getElementById('kiosk-takeover');"
            "return t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1;"
        )
        assert not overflow
        assert until(  # set in the slides' typeface, served by the site
            lambda: driver.execute_script(
                "return document.fonts.check(\"700 20px 'Be Vietnam Pro'\");"
            ),
            10,
        )
        _screenshot(driver, "kiosk-alert-takeover")
        assert until(lambda: (takeover(driver) or {}).get("language") == "en-US", 40)
        _screenshot(driver, "kiosk-alert-takeover-en")

        # An older list than the one it holds is refused: the alert stays.
        count = len(refused(driver))
        (listed,) = [
            t for t in broadcast.topics_of(item, datetime.now(UTC)) if "/board/" in t
        ]
        _doc, older = _list(portal, listed, [], envelope.next_sequence(None, now) + 4)
        _publish(mosquitto, listed, envelope.encode(older))
        assert until(lambda: len(refused(driver)) > count, 30)
        assert "cũ hơn" in refused(driver)[-1]["reason"]
        assert (takeover(driver) or {}).get("uid") == item.UID()

        # The receipt reaches the ledger.
        def received():
            transaction.begin()
            return [
                record
                for record in of_item(portal, item.UID())
                if record[4] == "board-received" and record[3] == board.UID()
            ]

        assert until(lambda: received(), 30)

        # The Cancel retracts the alert; the broker's empty list clears the board.
        with api.env.adopt_user(username=COMMUNE[0]):
            cancel = chain.follow_up(item, "Cancel")
        transition(COMMUNE[0], "submit", cancel)
        transition(COMMUNE[1], "publish", cancel)
        transaction.commit()
        drain(portal, names=["broadcast"])
        transaction.commit()
        assert until(lambda: takeover(driver) is None, 30)
        _screenshot(driver, "kiosk-alert-cleared")
    finally:
        driver.quit()


def test_without_the_broker_the_kiosk_shows_the_takeover_from_its_playlist(
    lcd, monkeypatch
):
    monkeypatch.delenv("NGUON_MQTT_CREDENTIALS")  # this site does not broadcast
    item = alert(lcd, severity="Moderate")
    driver = kiosk(lcd["admin"], lcd["board"].absolute_url(), 540, 960, broker=False)
    try:
        assert until(lambda: (takeover(driver) or {}).get("uid") == item.UID(), 30)
        shown = takeover(driver)
        assert shown["source"] == "playlist" and "CÓ THỂ GÂY HẠI" in shown["text"]
        overflow = driver.execute_script(
            "var t = document.getElementById('kiosk-takeover');"
            "return t.scrollHeight > t.clientHeight + 1 || t.scrollWidth > t.clientWidth + 1;"
        )
        assert not overflow
        _screenshot(driver, "kiosk-alert-polled-portrait")
        assert (
            driver.execute_script(
                "return document.getElementById('kiosk').getAttribute('data-broker');"
            )
            is None
        )
    finally:
        driver.quit()


def test_an_exercise_reaches_the_kiosk_marked_for_tests_only(lcd, mosquitto):
    portal, admin = lcd["portal"], lcd["admin"]
    with api.env.adopt_user(username="19786-admins"):
        tester = api.content.create(
            container=lcd["commune"],
            type="PublicBoard",
            title="Màn hình thử nghiệm",
            location="Phòng kỹ thuật",
            size_class="lcd",
            width=800,
            height=480,
            opening_start="00:00",
            opening_end="23:59",
            receives_tests=True,
        )
    transaction.commit()
    public = kiosk(admin, lcd["board"].absolute_url(), 800, 480)
    test = None
    try:
        test = kiosk(admin, tester.absolute_url(), 800, 480)
        exercise = alert(
            lcd, title="Diễn tập sơ tán", cap_status="Exercise", settle=False
        )
        transaction.commit()
        drain(portal, names=["broadcast"])
        assert until(lambda: (takeover(test) or {}).get("uid") == exercise.UID(), 30)
        _screenshot(test, "kiosk-alert-exercise")
        # A real alert after it: the public kiosk shows that one, and never held the exercise.
        actual = alert(lcd, title="Lũ quét thật", settle=False)
        transaction.commit()
        drain(portal, names=["broadcast"])
        assert until(lambda: (takeover(public) or {}).get("uid") == actual.UID(), 30)
        held = public.execute_script(
            "return window.nguonKiosk.held().map(function (i) { return i.uid; });"
        )
        assert held == [actual.UID()]
        topics_ = public.execute_script(
            "return JSON.parse(localStorage.getItem('nguon-broadcast')).topics;"
        )
        assert topics_ and all("/public/" in t for t in topics_)
    finally:
        public.quit()
        if test is not None:
            test.quit()
