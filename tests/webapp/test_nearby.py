"""The citizen app's "Dùng vị trí của tôi" (``webapp/src/nearby.js``) in a real headless
Chromium with a phone's screen, its position set through the DevTools protocol
(``Browser.grantPermissions``/``setPermission``, ``Emulation.setGeolocationOverride``): the
nearest communes of the tree site, asked of the real ``@find-unit``, listed as buttons that
choose; a clear sentence when the position is refused, unavailable, too slow or not offered.

The module is loaded as its source from ``webapp/src/`` by a page of this test, on a small
server that also passes ``@find-unit`` on to the site (same origin, as in the app, whose
``api.js`` finds the site as the page's parent folder). The app's own page hooks the module
into the screen that chooses the commune (docs/app.md)."""

from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from pathlib import Path
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import screenshot
from tests.webapp.phone import FAST_3G
from tests.webapp.phone import network

import pytest
import requests
import threading


SOURCE = Path(__file__).resolve().parents[2] / "webapp" / "src"
THUAN_HOA = (16.4556, 107.584)  # the shipped point of Phường Thuận Hóa (19786)
PAGE = """<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chọn xã, phường</title><link rel="stylesheet" href="src/style.css"></head>
<body><main id="main"><h1>Chọn xã, phường của bạn</h1><div id="near"></div></main>
<script type="module">
  if (location.search.includes('nogeo')) {
    Object.defineProperty(navigator, 'geolocation', { value: undefined });
  }
  if (location.search.includes('slow')) {
    // What Chromium answers when no fix comes within the module's timeout (20 s).
    navigator.geolocation.getCurrentPosition = (ok, fail) =>
      fail({ code: 3, message: 'Timeout expired' });
  }
  const { nearby } = await import('./src/nearby.js');
  nearby(document.querySelector('#near'), (item) => { window.chosen = item; });
  window.ready = true;
</script></body></html>"""


def _server(site_url):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            path, _, query = self.path.partition("?")
            if path == "/ung-dung/nearby.html":
                return self.answer(200, "text/html; charset=utf-8", PAGE.encode())
            if path.startswith("/ung-dung/src/"):
                name = path.rsplit("/", 1)[1]
                kind = {"js": "text/javascript", "css": "text/css"}.get(
                    name.rpartition(".")[2]
                )
                file = SOURCE / name
                if kind and "/" not in name and file.is_file():
                    return self.answer(200, kind, file.read_bytes())
            if path == "/@find-unit":
                found = requests.get(
                    f"{site_url}/@find-unit?{query}",
                    headers={"Accept": "application/json"},
                    timeout=60,
                )
                return self.answer(
                    found.status_code, found.headers["Content-Type"], found.content
                )
            return self.answer(404, "text/plain", b"not found")

        def answer(self, status, kind, body):
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def origin(tree_functional, browser):
    server = _server(tree_functional["portal"].absolute_url())
    network(browser, FAST_3G)
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        network(browser)
        browser.execute_cdp_cmd("Emulation.clearGeolocationOverride", {})
        browser.execute_cdp_cmd("Browser.resetPermissions", {})
        server.shutdown()
        server.server_close()


def _open(browser, origin, query=""):
    browser.get(f"{origin}/ung-dung/nearby.html{query}")
    WebDriverWait(browser, 60).until(lambda d: d.execute_script("return window.ready"))
    browser.find_element(By.ID, "near-me").click()


def _said(browser):
    found = browser.find_element(By.ID, "near-found")
    return found.text.strip()


def _wait_for_text(browser, text):
    WebDriverWait(browser, 60).until(lambda d: text in _said(d))
    return _said(browser)


def test_the_nearest_communes_are_listed_and_one_is_chosen(browser, origin):
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]}
    )
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride",
        {"latitude": THUAN_HOA[0], "longitude": THUAN_HOA[1], "accuracy": 50},
    )
    _open(browser, origin)
    WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#near-found button.unit")
    )
    units = browser.find_elements(By.CSS_SELECTOR, "#near-found button.unit")
    texts = [unit.text for unit in units]
    # The tree site's three communes, nearest first (the central unit and the provinces
    # are not communes), with their distance in Vietnamese (a decimal comma).
    assert [text.splitlines()[0] for text in texts] == [
        "Phường Thuận Hóa",
        "Phường Vỹ Dạ",
        "Phường Đồng Hới",
    ]
    assert texts[0].splitlines()[1] == "Thành phố Huế · cách khoảng 0 km"
    assert texts[1].splitlines()[1] == "Thành phố Huế · cách khoảng 3,8 km"
    assert "Tỉnh Quảng Trị · cách khoảng" in texts[2]
    assert "Các xã, phường gần bạn nhất:" in _said(browser)
    screenshot(browser, "app-nearby")
    assert_accessible(browser, "the nearest communes", include="#main")
    units[1].click()
    chosen = browser.execute_script("return window.chosen")
    assert chosen["code"] == "19777" and chosen["@id"].endswith("/vn/46/19777")
    assert chosen["parent_title"] == "Thành phố Huế"


def test_a_refused_position_says_what_to_do(browser, origin):
    browser.execute_cdp_cmd(
        "Browser.setPermission",
        {
            "origin": origin,
            "permission": {"name": "geolocation"},
            "setting": "denied",
        },
    )
    _open(browser, origin)
    said = _wait_for_text(browser, "Bạn chưa cho phép ứng dụng dùng vị trí.")
    assert "tìm xã, phường theo tên" in said
    assert browser.find_element(By.ID, "near-me").is_enabled()  # may try again


def test_an_unknown_position_says_to_turn_on_location(browser, origin):
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]}
    )
    # No coordinates: Chromium emulates "position unavailable".
    browser.execute_cdp_cmd("Emulation.setGeolocationOverride", {})
    _open(browser, origin)
    _wait_for_text(browser, "Chưa xác định được vị trí. Hãy bật định vị (GPS)")


def test_a_slow_position_and_a_phone_without_location(browser, origin):
    browser.execute_cdp_cmd(
        "Browser.grantPermissions", {"origin": origin, "permissions": ["geolocation"]}
    )
    _open(browser, origin, "?slow")
    _wait_for_text(browser, "Xác định vị trí lâu quá.")
    _open(browser, origin, "?nogeo")
    _wait_for_text(browser, "Điện thoại hoặc trình duyệt này không cho biết vị trí.")


def test_the_app_chooses_the_commune_where_the_phone_is(
    tree_functional, origin, browser
):
    """The built app's chooser (#/chon) offers the button: a tap lists the nearest
    communes, and one tap on the first opens its screen and keeps it on the phone."""
    app = f"{tree_functional['portal'].absolute_url()}/ung-dung/"
    site = app.split("/", 3)
    browser.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": f"{site[0]}//{site[2]}", "permissions": ["geolocation"]},
    )
    browser.execute_cdp_cmd(
        "Emulation.setGeolocationOverride",
        {"latitude": THUAN_HOA[0], "longitude": THUAN_HOA[1], "accuracy": 50},
    )
    browser.get(app)
    browser.execute_script("localStorage.clear()")
    browser.get(app + "#/chon")
    WebDriverWait(browser, 60).until(lambda d: d.find_elements(By.ID, "near-me"))
    browser.find_element(By.ID, "near-me").click()
    first = WebDriverWait(browser, 60).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#near-found button.unit")
    )[0]
    assert first.text.splitlines()[0] == "Phường Thuận Hóa"
    first.click()
    WebDriverWait(browser, 60).until(
        lambda d: "Phường Thuận Hóa" in d.find_element(By.TAG_NAME, "h1").text
    )
    kept = browser.execute_script(
        "return JSON.parse(localStorage.getItem('nguon.unit'))"
    )
    assert kept["code"] == "19786"
