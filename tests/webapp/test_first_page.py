"""The commune's own address of the app, ``<site>/ung-dung/?xa=<unit code>`` (the link a
commune prints as a QR code), in a real headless Chromium at a phone's size on an emulated
3G network, on the tree site: the page arrives with the commune's items in it, so a phone
without JavaScript reads them and the app draws them at once without asking for the feed;
the app then remembers the commune, and reads it offline through its service worker, while
online the address still goes to the site. An item titled to break out of the page's
``<script>`` stays text, an unpublished item never appears, a logged-in editor gets the page
everyone gets, and any other ``xa`` gives the plain app page. Screenshots in tests/artifacts/.
"""

from nguon.testing import TREE_PASSWORD
from nguon.webapp.views import STATIC
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import screenshot
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import use_node
from tests.webapp.phone import FAST_3G
from tests.webapp.phone import network
from tests.webapp.test_app import ALERT
from tests.webapp.test_app import APPROVER
from tests.webapp.test_app import EDITOR
from tests.webapp.test_app import NEWS
from tests.webapp.test_app import POWER
from tests.webapp.test_app import text_of
from tests.webapp.test_app import wait

import json
import pytest
import re
import requests
import transaction


ATTACK = "</script><script>alert(1)</script><!--"
SECRET = "Dự thảo chưa duyệt: không được lộ"
FIRST_DATA = re.compile(
    r'<script type="application/json" id="nguon-first">(.*?)</script>', re.S
)


@pytest.fixture
def site(tree_solr, browser):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    publish(make_alert())
    for title, essential in ((NEWS, False), (POWER, True), (ATTACK, False)):
        published(
            commune,
            "Bulletin",
            EDITOR,
            APPROVER,
            title=title,
            description=f"Tóm tắt: {title}",
            priority="normal",
            essential=essential,
        )
    create(commune, "Bulletin", EDITOR, title=SECRET, description="Chưa gửi duyệt.")
    deliver(portal)
    network(browser, FAST_3G)
    yield portal
    network(browser)


def commune_url(portal, code="19786"):
    return f"{portal.absolute_url()}/ung-dung/?xa={code}"


def first_data(html):
    found = FIRST_DATA.search(html)
    return json.loads(found[1]) if found else None


def no_alert(browser):
    try:
        browser.switch_to.alert.dismiss()
    except NoAlertPresentException:
        return True
    return False


def test_an_item_titled_to_break_out_of_the_script_stays_text(site, browser):
    page = requests.get(commune_url(site), timeout=60)
    assert page.status_code == 200
    assert ATTACK not in page.text and "<script>alert(1)" not in page.text
    data = first_data(page.text)
    assert ATTACK in [item["title"] for item in data["feed"]["items"]]
    # The head's script and the app's module, the mark after the list, the data and the
    # script after it: no other.
    assert page.text.count("</script>") == 5
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--" in page.text

    browser.get(f"{site.absolute_url()}/ung-dung/")
    browser.execute_script("localStorage.clear()")
    browser.get(commune_url(site))
    wait(browser, lambda d: ATTACK in text_of(d, "section.latest"))
    assert no_alert(browser)
    assert browser.find_element(By.LINK_TEXT, ATTACK)


def test_the_page_carries_the_feed_and_nothing_unpublished(site):
    unit = site["vn"]["46"]["19786"]
    url = commune_url(site)
    page = requests.get(url, timeout=60)
    data = first_data(page.text)
    assert data["unit"] == {
        "code": "19786",
        "title": "Phường Thuận Hóa",
        "parent": "Thành phố Huế",
        "url": unit.absolute_url(),
    }
    feed = requests.get(f"{unit.absolute_url()}/feed.json?size=30", timeout=60)
    assert data["feed"] == feed.json()  # exactly the first page the app would read
    titles = {item["title"] for item in data["feed"]["items"]}
    assert {NEWS, POWER, ALERT, ATTACK} <= titles
    assert SECRET not in page.text
    # A logged-in editor of the commune, who may see the draft, gets the same page.
    own = requests.get(url, auth=(EDITOR, TREE_PASSWORD), timeout=60)
    assert own.status_code == 200 and own.content == page.content
    # Revalidated every time; its validator is its own, not the file's.
    plain = requests.get(f"{site.absolute_url()}/ung-dung/", timeout=60)
    assert page.headers["Cache-Control"] == "no-cache"
    assert page.headers["ETag"] != plain.headers["ETag"]
    assert "Accept-Language" in page.headers["Vary"]
    again = requests.get(
        url, headers={"If-None-Match": page.headers["ETag"]}, timeout=60
    )
    assert again.status_code == 304 and again.content == b""
    stale = requests.get(
        url, headers={"If-None-Match": plain.headers["ETag"]}, timeout=60
    )
    assert stale.status_code == 200 and stale.content == page.content


def test_other_codes_give_the_plain_app_page(site):
    plain = (STATIC / "index.html").read_bytes()
    hidden = site["vn"]["46"]["19777"]  # Phường Vỹ Dạ, made not public for this test
    roles = [r["name"] for r in hidden.rolesOfPermission("View") if r["selected"]]
    acquired = bool(hidden.acquiredRolesAreUsedBy("View"))
    hidden.manage_permission("View", ["Manager", "Site Administrator"], acquire=False)
    transaction.commit()
    try:
        for code in (
            "99999",  # no such unit
            "tin-tuc",  # not a unit
            "19777",  # not public
            "<script>alert(1)</script>",  # malformed: nothing of it comes back
            "19786'\"><b>",
        ):
            answer = requests.get(
                f"{site.absolute_url()}/ung-dung/", params={"xa": code}, timeout=60
            )
            assert answer.status_code == 200, code
            assert answer.content == plain, code
            assert answer.headers["Cache-Control"] == "no-cache"
    finally:
        hidden.manage_permission("View", roles, acquire=acquired)
        transaction.commit()
    # The plain page is as it was: no data, no items, its file's validator.
    answer = requests.get(f"{site.absolute_url()}/ung-dung/", timeout=60)
    assert answer.content == plain and "Vary" not in answer.headers


def test_a_phone_without_javascript_reads_the_commune(site, browser):
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        browser.get(commune_url(site))
        heading = browser.find_element(By.TAG_NAME, "h1").text
        assert heading.startswith("Phường Thuận Hóa")
        warnings = browser.find_element(By.CSS_SELECTOR, "section.warnings")
        first = warnings.find_element(By.CSS_SELECTOR, "li.warning")
        assert ALERT in first.text and "Di chuyển lên chỗ cao ngay." in first.text
        assert "band-Extreme" in first.get_attribute("class")
        rows = {
            row.find_element(By.TAG_NAME, "a").text: row
            for row in browser.find_elements(By.CSS_SELECTOR, "section.latest li")
        }
        assert {NEWS, POWER, ATTACK} <= set(rows)
        assert "Thiết yếu" in rows[POWER].text and "Thiết yếu" not in rows[NEWS].text
        link = rows[NEWS].find_element(By.TAG_NAME, "a").get_attribute("href")
        assert re.search(r"#/tin/[0-9a-f]{32}$", link), link
        # Without JavaScript the item opens on the site.
        assert rows[NEWS].find_element(By.LINK_TEXT, "Xem trên trang thông tin")
        assert SECRET not in browser.find_element(By.TAG_NAME, "main").text
        screenshot(browser, "app-commune-address-no-js")
    finally:
        browser.execute_cdp_cmd(
            "Emulation.setScriptExecutionDisabled", {"value": False}
        )


def test_the_app_draws_the_commune_at_once_and_remembers_it(site, browser):
    app = f"{site.absolute_url()}/ung-dung/"
    browser.get(app)
    browser.execute_script("localStorage.clear()")
    browser.get(commune_url(site))
    wait(
        browser,
        lambda d: d.execute_script(
            "return performance.getEntriesByName('nguon-items-shown').length"
        ),
    )
    assert ALERT in text_of(browser, "section.warnings")
    assert NEWS in text_of(browser, "section.latest")
    assert browser.find_element(By.ID, "push")  # the app's screen, not the page's
    # One round trip: the feed came in the page, none was asked for.
    asked = browser.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
    )
    assert not [name for name in asked if "feed.json" in name], asked
    assert browser.execute_script(
        "return performance.getEntriesByName('nguon-first-items').length"
    )
    kept = json.loads(browser.execute_script("return localStorage['nguon.unit']"))
    assert kept["code"] == "19786" and kept["title"] == "Phường Thuận Hóa"
    screenshot(browser, "app-commune-address")
    assert_accessible(browser, "app-commune-address")

    # Remembered: the app's own address opens on the commune.
    browser.get(app)
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Phường Thuận Hóa")
    assert no_alert(browser)


def test_the_worker_online_and_offline(site, browser):
    app = f"{site.absolute_url()}/ung-dung/"
    browser.get(app)
    browser.execute_script("localStorage.clear()")
    browser.get(commune_url(site))
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
    browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.serviceWorker.ready.then(() => done());"
    )
    browser.get(commune_url(site))
    wait(
        browser,
        lambda d: d.execute_script("return !!navigator.serviceWorker.controller"),
    )
    network(browser, FAST_3G)  # the worker's target now exists: shape it too
    # Online, in the worker's hands: the page still comes from the site, items in it.
    browser.get(commune_url(site))
    wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
    assert browser.execute_script("return !!document.getElementById('nguon-first')")

    network(browser, offline=True)
    try:
        browser.get(commune_url(site))  # the shell from the precache, the kept feed
        wait(browser, lambda d: NEWS in text_of(d, "section.latest"))
        assert not browser.execute_script(
            "return !!document.getElementById('nguon-first')"
        )
        assert ALERT in text_of(browser, "section.warnings")
        assert "Không có mạng" in text_of(browser, "#items")
        screenshot(browser, "app-commune-address-offline")
    finally:
        network(browser, FAST_3G)
