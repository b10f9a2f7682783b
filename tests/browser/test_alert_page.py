"""An alert in a real headless Chromium: a citizen reads its page (severity band, what to do
first, every language, the CAP address), which axe finds accessible; the province's editor
presses *Cập nhật cảnh báo*, lands on the new Update's edit form, and a polygon that is not
closed is refused under the form at once, in Vietnamese. Screenshots in tests/artifacts/."""

from nguon.testing import TREE_PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.alerts.alert_support import add_language
from tests.alerts.alert_support import EDITOR
from tests.alerts.alert_support import make_alert
from tests.alerts.alert_support import publish
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in

import pytest
import transaction


def press(driver, selector):
    """Click a button as a person does, once it is scrolled into view (the toolbar and the
    theme's smooth scrolling otherwise cover it)."""
    button = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button
    )
    WebDriverWait(driver, 10).until(lambda d: button.is_displayed())
    button.click()


@pytest.fixture
def alert(tree_functional):
    alert = make_alert()
    add_language(alert)
    publish(alert)
    transaction.commit()
    return alert


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def test_a_citizen_reads_the_alert_and_an_official_updates_it(alert, browser):
    url = alert.absolute_url()
    browser.get(url)
    band = browser.find_element(By.CSS_SELECTOR, "#content .nguon-alert-band")
    assert "Đặc biệt nguy hiểm" in band.text
    sections = browser.find_elements(By.CSS_SELECTOR, "#content .nguon-alert-info")
    assert [s.get_attribute("lang") for s in sections] == ["vi", "en"]
    assert "Move to high ground now." in sections[1].text
    link = browser.find_element(By.CSS_SELECTOR, "a[type='application/cap+xml']")
    assert link.get_attribute("href") == f"{url}/alert.cap"
    assert not browser.find_elements(By.CSS_SELECTOR, ".nguon-alert-follow-up")
    screenshot(browser, "alert-page")
    assert_accessible(browser, "alert-page", include="#content")

    portal_url = url.split("/vn/")[0]
    log_in(browser, portal_url, EDITOR, TREE_PASSWORD)
    browser.get(url)
    press(browser, ".nguon-alert-follow-up button[value='Update']")
    WebDriverWait(browser, 30).until(lambda d: d.current_url.endswith("/edit"))
    assert browser.current_url != f"{url}/edit"
    polygon = browser.find_element(By.ID, "form-widgets-polygon")
    polygon.clear()
    polygon.send_keys("16.4,107.5 16.5,107.5 16.5,107.6 16.4,107.6")
    press(browser, "#form-buttons-save")
    WebDriverWait(browser, 30).until(
        lambda d: "Vùng đa giác không hợp lệ" in d.page_source
    )
    screenshot(browser, "alert-update-refused-polygon")
