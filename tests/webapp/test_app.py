"""The citizen app (<site>/ung-dung/) in a real headless Chromium with a phone's screen and a
throttled network, on the tree site with the real Solr: she chooses her commune by typing its
name without diacritics, reads the warning in force first in the boards' severity colours and
the commune's items, opens one, turns on large type; searches without diacritics; the app is
installable (manifest, service worker with the app's scope, no installability error); cut
off from the network she still reads; "Nhận cảnh báo" answers gracefully whatever the site
offers, and the service worker shows, replaces and clears a warning pushed with the payload
of the Web Push contract. axe finds no serious violation. Screenshots in tests/artifacts/."""

from nguon.webapp.views import STATIC
from nguon.webpush.store import state
from PIL import Image
from plone import api
from selenium.common.exceptions import NoSuchElementException
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import screenshot
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import use_node
from tests.webapp.phone import FAST_3G
from tests.webapp.phone import network

import json
import pytest
import requests
import transaction


ALERT = "Lũ quét trên sông Hương"
NEWS = "Lịch thu gom rác tuần này"
POWER = "Thông báo lịch cắt điện tháng 12"
EDITOR, APPROVER = "19786-editors", "19786-approvers"


@pytest.fixture
def site(tree_solr, browser):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    # The stand-in push service of the subscription test is on the loopback.
    api.portal.set_registry_record(
        "nguon.syndication.allowed_networks", ["127.0.0.0/8"]
    )
    commune = portal["vn"]["46"]["19786"]
    publish(make_alert())
    for title, description in (
        (NEWS, "Xe thu gom rác đi qua các tổ dân phố từ 17 giờ."),
        (POWER, "Điện lực Thuận Hóa cắt điện để bảo dưỡng lưới điện."),
    ):
        published(
            commune,
            "Bulletin",
            EDITOR,
            APPROVER,
            title=title,
            description=description,
            priority="normal",
            essential=title == POWER,  # its author marks it essential information
        )
    deliver(portal)
    network(browser, FAST_3G)
    yield portal
    network(browser)


def app_url(portal):
    return f"{portal.absolute_url()}/ung-dung/"


def wait(browser, condition, seconds=60):
    # The app draws a screen again as its data arrives (the feed's copy, then the
    # network's): an element read while it is replaced is looked for again.
    return WebDriverWait(
        browser, seconds, ignored_exceptions=(StaleElementReferenceException,)
    ).until(condition)


def press(browser, element):
    """Click as a person does: scrolled to the middle, clear of the bottom navigation."""
    browser.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def text_of(browser, selector):
    """The text of the first element ``selector`` finds, read again if the app redrew it
    between finding and reading ("" if there is none)."""
    for _attempt in range(5):
        found = browser.find_elements(By.CSS_SELECTOR, selector)
        try:
            return found[0].text if found else ""
        except StaleElementReferenceException:
            continue
    return ""


def choose_commune(browser, portal):
    browser.get(app_url(portal))
    browser.execute_script("localStorage.clear()")
    browser.get(app_url(portal) + "#/chon")
    box = wait(browser, lambda d: d.find_element(By.ID, "find-q"))
    box.send_keys("thuan hoa")

    def choose(driver):
        # The list is drawn again as the answers to each keystroke arrive: retry until the
        # one clicked is the one on screen.
        try:
            button = driver.find_element(By.CSS_SELECTOR, "#found button.unit")
            if "Phường Thuận Hóa" not in button.text:
                return False
            assert "Thành phố Huế" in button.text
            button.click()
            return True
        except (NoSuchElementException, StaleElementReferenceException):
            return False

    wait(browser, choose)
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))


def test_a_citizen_chooses_her_commune_and_reads(site, browser):
    choose_commune(browser, site)
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Phường Thuận Hóa")
    warnings = browser.find_element(By.CSS_SELECTOR, "section.warnings")
    first = warnings.find_element(By.CSS_SELECTOR, "li.warning")
    assert ALERT in first.text and "ĐẶC BIỆT NGUY HIỂM" in first.text
    assert "Di chuyển lên chỗ cao ngay." in first.text
    assert "band-Extreme" in first.get_attribute("class")
    colour = browser.execute_script(
        "return getComputedStyle(arguments[0]).backgroundColor", first
    )
    assert (
        colour == "rgb(128, 0, 0)"
    )  # the boards' Extreme (nguon.alerts.browser.BANDS)
    latest = browser.find_element(By.CSS_SELECTOR, "section.latest").text
    assert POWER in latest
    times = [
        t.get_attribute("datetime")
        for t in browser.find_elements(By.CSS_SELECTOR, "section.latest time")
    ]
    assert len(times) == 2 and times == sorted(times, reverse=True)  # newest first
    rows = {
        row.find_element(By.TAG_NAME, "a").text: row.text
        for row in browser.find_elements(By.CSS_SELECTOR, "section.latest li")
    }
    assert "Thiết yếu" in rows[POWER] and "Thiết yếu" not in rows[NEWS], rows
    screenshot(browser, "app-commune")
    assert_accessible(browser, "app-commune")

    # Remembered: the next visit opens on the commune.
    browser.get(app_url(site))
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))

    press(browser, browser.find_element(By.LINK_TEXT, NEWS))
    wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == NEWS)
    article = browser.find_element(By.TAG_NAME, "article").text
    assert "Phường Thuận Hóa" in article
    assert browser.find_element(By.ID, "share").text == "Chia sẻ"
    large = browser.find_element(By.ID, "large")
    press(browser, large)
    assert large.get_attribute("aria-pressed") == "true"
    size = browser.execute_script(
        "return getComputedStyle(document.documentElement).fontSize"
    )
    assert size == "22px"
    screenshot(browser, "app-item-large-type")
    assert_accessible(browser, "app-item-large-type")
    press(browser, large)


def test_she_searches_without_diacritics(site, browser):
    choose_commune(browser, site)
    press(browser, browser.find_element(By.LINK_TEXT, "Xã, phường"))
    wait(browser, lambda d: d.find_element(By.ID, "find-q"))
    screenshot(browser, "app-choose-commune")
    assert_accessible(browser, "app-choose-commune")
    browser.find_element(By.LINK_TEXT, "Tra cứu").click()
    box = wait(browser, lambda d: d.find_element(By.ID, "search-q"))
    box.send_keys("thong bao cat dien")
    browser.find_element(By.CSS_SELECTOR, "#search button[type=submit]").click()
    hit = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#hits a.hit"))
    assert hit.text == POWER
    marks = {m.text.lower() for m in browser.find_elements(By.CSS_SELECTOR, "mark")}
    assert {"cắt", "điện"} <= marks
    screenshot(browser, "app-search")
    assert_accessible(browser, "app-search")


def test_installable_and_readable_offline(site, browser):
    choose_commune(browser, site)
    url = app_url(site)
    manifest_url = browser.execute_script(
        "return document.querySelector('link[rel=manifest]').href"
    )
    response = requests.get(manifest_url, timeout=30)
    assert response.headers["Content-Type"].startswith("application/manifest+json")
    manifest = response.json()
    assert manifest["short_name"] == "Nguồn"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "vi"
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in manifest["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    assert requests.compat.urljoin(manifest_url, manifest["start_url"]) == url

    scope = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.ready.then(r => done(r.scope))"
        ".catch(e => done('error: ' + e));"
    )
    assert scope == url
    page = requests.get(url, timeout=30)
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.content == (STATIC / "index.html").read_bytes()  # byte for byte
    again = requests.get(
        url, headers={"If-None-Match": page.headers["ETag"]}, timeout=30
    )
    assert again.status_code == 304 and again.content == b""
    worker = requests.get(f"{url}sw.js", timeout=30)
    assert worker.headers["Content-Type"].startswith("text/javascript")
    # Controlled by the worker once reloaded; Chromium finds nothing against installing.
    browser.get(url)
    wait(
        browser,
        lambda d: d.execute_script("return !!navigator.serviceWorker.controller"),
    )
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
    errors = browser.execute_cdp_cmd("Page.getInstallabilityErrors", {})
    assert errors["installabilityErrors"] == []

    network(browser, offline=True)
    try:
        assert not browser.execute_async_script(
            "const done = arguments[arguments.length - 1];"
            "fetch('../@find-unit?q=vy+da&limit=3', {headers: {Accept: 'application/json'}})"
            ".then(() => done(true)).catch(() => done(false));"
        ), "the network is not cut"
        browser.get(url)
        wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
        assert ALERT in text_of(browser, "section.warnings")
        assert "Không có mạng" in text_of(browser, "#items")
        press(browser, browser.find_element(By.PARTIAL_LINK_TEXT, ALERT))
        wait(browser, lambda d: d.find_element(By.TAG_NAME, "h1").text == ALERT)
        assert "Di chuyển lên chỗ cao ngay." in text_of(browser, ".instruction")
        screenshot(browser, "app-offline")
    finally:
        network(browser, FAST_3G)


def test_warnings_subscription_and_the_pushed_warning(site, browser):
    choose_commune(browser, site)
    origin = site.absolute_url().split("/", 3)
    origin = f"{origin[0]}//{origin[2]}"
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["notifications"]}
    )
    # A headless Chromium reaches no push service: the browser's side of the subscription
    # is a stand-in with a real P-256 key; the app's side and the site's are real.
    browser.execute_script(STAND_IN)
    button = browser.find_element(By.ID, "push")
    assert button.text == "Nhận cảnh báo"
    press(browser, button)
    message = wait(browser, lambda d: text_of(d, "#status"))
    assert message.startswith("Đã bật"), message
    assert button.text == "Tắt nhận cảnh báo"
    assert button.get_attribute("aria-pressed") == "true"
    transaction.begin()
    assert list(state(site).subscriptions("19786")) == [ENDPOINT]
    press(browser, button)
    wait(browser, lambda d: text_of(d, "#status").startswith("Đã tắt"))
    assert button.text == "Nhận cảnh báo"
    transaction.begin()
    assert not list(state(site).subscriptions("19786"))

    # The service worker against the contract's payload (pushes delivered through DevTools).
    payload = {
        "kind": "alert",
        "action": "new",
        "uid": "0123456789abcdef0123456789abcdef",
        "identifier": "nguon,46,1",
        "title": ALERT,
        "body": "Di chuyển lên chỗ cao ngay.",
        "severity": "Extreme",
        "unit": "19786",
        "url": f"{site.absolute_url()}/vn/46/lu-quet",
        "expires": "2099-01-01T00:00:00+07:00",
    }
    shown = deliver_push(browser, origin, payload)
    assert [n["tag"] for n in shown] == [payload["uid"]]
    assert shown[0]["title"] == f"Đặc biệt nguy hiểm: {ALERT}"
    assert shown[0]["body"] == payload["body"]
    assert shown[0]["url"] == payload["url"]
    update = {**payload, "action": "update", "title": "Lũ quét: mở rộng vùng sơ tán"}
    shown = deliver_push(browser, origin, update)
    assert [n["title"] for n in shown] == [
        "Đặc biệt nguy hiểm: Lũ quét: mở rộng vùng sơ tán"
    ]
    shown = deliver_push(browser, origin, {**payload, "action": "cancel"}, count=0)
    assert shown == []


def test_a_phone_brought_to_another_commune_moves_its_warnings_there(site, browser):
    """A phone subscribed to Thuận Hóa opens Vỹ Dạ's own address (its QR code, ?xa=) and
    taps «Nhận cảnh báo» there: the site keeps the phone's subscription at Vỹ Dạ only, so
    no warning of the commune it left keeps reaching it with nothing on it to stop them."""
    choose_commune(browser, site)
    origin = site.absolute_url().split("/", 3)
    origin = f"{origin[0]}//{origin[2]}"
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["notifications"]}
    )
    browser.execute_script(STAND_IN)
    press(browser, browser.find_element(By.ID, "push"))
    wait(browser, lambda d: text_of(d, "#status").startswith("Đã bật"))
    transaction.begin()
    assert list(state(site).subscriptions("19786")) == [ENDPOINT]

    browser.get(app_url(site) + "?xa=19777")
    button = wait(browser, lambda d: d.find_element(By.ID, "push"))
    assert "Phường Vỹ Dạ" in browser.find_element(By.TAG_NAME, "main").text
    assert button.text == "Nhận cảnh báo"  # this commune's warnings are not on yet
    browser.execute_script(STAND_IN)
    press(browser, button)
    wait(browser, lambda d: text_of(d, "#status").startswith("Đã bật"))
    transaction.begin()
    assert list(state(site).subscriptions("19777")) == [ENDPOINT]
    assert not list(state(site).subscriptions("19786"))
    press(browser, button)
    wait(browser, lambda d: text_of(d, "#status").startswith("Đã tắt"))
    transaction.begin()
    assert not list(state(site).subscriptions("19777"))


ENDPOINT = "https://127.0.0.1:9/push/ung-dung-test"
STAND_IN = (
    """
const b64 = (bytes) => btoa(String.fromCharCode(...bytes))
  .replace(/[+]/g, '-').replace(/[/]/g, '_').replace(/=+$/, '');
let current = null;
PushManager.prototype.getSubscription = async function () { return current; };
PushManager.prototype.subscribe = async function () {
  const pair = await crypto.subtle.generateKey(
    {name: 'ECDH', namedCurve: 'P-256'}, true, ['deriveBits']);
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const auth = crypto.getRandomValues(new Uint8Array(16));
  current = {
    endpoint: '%s', expirationTime: null,
    toJSON() { return {endpoint: this.endpoint, expirationTime: null,
                       keys: {p256dh: b64(raw), auth: b64(auth)}}; },
    unsubscribe: async () => { current = null; return true; },
  };
  return current;
};
"""
    % ENDPOINT
)


def notifications(browser):
    return browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list =>"
        " done(list.map(n => ({tag: n.tag, title: n.title, body: n.body,"
        " url: n.data && n.data.url}))));"
    )


def deliver_push(browser, origin, payload, count=1):
    """Deliver ``payload`` as a push message to the app's worker, then wait for ``count``
    notifications. DevTools names registrations by a number that only its events tell
    (which Selenium does not read) and ignores an unknown one: the browser holds the app's
    registration alone, so the first few numbers are all given the message."""
    browser.execute_cdp_cmd("ServiceWorker.enable", {})
    for number in range(5):
        browser.execute_cdp_cmd(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": origin,
                "registrationId": str(number),
                "data": json.dumps(payload),
            },
        )
    return wait(
        browser,
        lambda d: (lambda shown: (shown,) if len(shown) == count else None)(
            notifications(d)
        ),
        30,
    )[0]


def test_a_report_written_offline_is_sent_when_the_network_returns(
    site, browser, tmp_path
):
    photo = tmp_path / "den-duong.jpg"
    Image.new("RGB", (3000, 2000), (90, 120, 160)).save(photo, quality=95)
    choose_commune(browser, site)
    press(browser, browser.find_element(By.LINK_TEXT, "Phản ánh"))
    wait(
        browser,
        lambda d: d.find_elements(
            By.CSS_SELECTOR, "#r-category option[value]:not([value=''])"
        ),
    )
    network(browser, offline=True)
    try:
        browser.find_element(By.ID, "r-text").send_keys(
            "Đèn đường tổ 5 hỏng đã hai tuần, buổi tối rất tối."
        )
        browser.find_element(By.ID, "r-contact").send_keys("dan@example.vn")
        browser.find_element(By.ID, "r-photos").send_keys(str(photo))
        press(
            browser,
            browser.find_element(By.CSS_SELECTOR, "#report button[type=submit]"),
        )
        wait(browser, lambda d: "Chưa có mạng" in text_of(d, "#status"))
        assert "Đang chờ gửi" in text_of(browser, "#mine")
        screenshot(browser, "app-report-queued")
        assert_accessible(browser, "app-report-queued")
    finally:
        network(browser, FAST_3G)
    # Back online: the app solves the proof of work and files it through POST @feedback.
    wait(browser, lambda d: "Đã gửi phản ánh số" in text_of(d, "#mine"), 90)
    assert "Đang chờ gửi" not in text_of(browser, "#mine")
    assert "Mã theo dõi" in text_of(browser, "#mine")
    transaction.begin()
    code = browser.execute_script(
        "return JSON.parse(localStorage.getItem('nguon.reports'))[0].code"
    )
    mine = requests.post(
        f"{site.absolute_url()}/@feedback-mine",
        json={"code": code, "action": "view"},
        headers={"Accept": "application/json"},
        timeout=30,
    )
    assert mine.status_code == 200, mine.text
    assert "Đèn đường tổ 5" in json.dumps(mine.json(), ensure_ascii=False)
    assert (
        len(mine.json()["photos"]) == 1
    )  # made 1600 px wide on the phone, then cleaned

    # She follows it from the app; its state then reads offline too.
    press(browser, browser.find_element(By.CSS_SELECTOR, "#mine button.status-of"))
    wait(browser, lambda d: "Đã tiếp nhận" in text_of(d, "#mine .report-state"))
    network(browser, offline=True)
    try:
        browser.get(app_url(site) + "#/phan-anh")
        wait(browser, lambda d: "Đã tiếp nhận" in text_of(d, "#mine .report-state"))
    finally:
        network(browser, FAST_3G)
