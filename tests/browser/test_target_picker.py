"""The target picker in a real headless Chromium: an editor of Phường Thuận Hóa writes a
bulletin, finds Thành phố Huế by typing "hue" (no diacritics), reads that choosing it makes
the approval climb to the city, picks it, saves, and reads on the item's page who will
receive it, on which channels, and who must approve it; axe finds no serious violation in the
picker or the summary. Screenshots in tests/artifacts/."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot

import pytest


EDITOR = tree_user("19786", "editors")


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def _log_in(driver, portal_url):
    driver.get(f"{portal_url}/login")
    driver.find_element(By.ID, "__ac_name").send_keys(EDITOR)
    driver.find_element(By.ID, "__ac_password").send_keys(TREE_PASSWORD)
    driver.find_element(
        By.CSS_SELECTOR,
        "form#login_form button[type=submit], form#login_form input[type=submit],"
        " #buttons-login",
    ).click()
    WebDriverWait(driver, 30).until(lambda d: d.get_cookie("__ac") is not None)


def _wait(driver, css, text=None, starts=False):
    """The first shown element matching ``css`` whose text holds (or begins with) ``text``."""

    def wanted(element):
        if not element.is_displayed():
            return False
        if text is None:
            return True
        return element.text.startswith(text) if starts else text in element.text

    return WebDriverWait(driver, 20).until(
        lambda d: next(filter(wanted, d.find_elements(By.CSS_SELECTOR, css)), False)
    )


def test_an_editor_picks_a_unit_by_typing_without_diacritics(tree_functional, browser):
    portal_url = tree_functional["portal"].absolute_url()
    _log_in(browser, portal_url)
    browser.get(f"{portal_url}/vn/46/19786/++add++Bulletin")

    picker = _wait(browser, ".nguon-target-picker")
    textarea = browser.find_element(By.ID, "form-widgets-target_units")
    assert not textarea.is_displayed()  # the codes are kept, out of sight

    browser.find_element(By.ID, "form-widgets-IBasic-title").send_keys(
        "Thông báo lịch tiêm chủng cho cả thành phố"
    )
    Select(browser.find_element(By.ID, "form-widgets-category")).select_by_value(
        "health"
    )
    search = picker.find_element(By.CSS_SELECTOR, ".nguon-picker-search")
    search.send_keys("quang tri")
    status = _wait(browser, ".nguon-picker-status", "đơn vị")
    search.clear()
    search.send_keys("hue")
    option = _wait(browser, ".nguon-picker-option", "Thành phố Huế", starts=True)
    assert "Tỉnh, thành phố" in option.text
    screenshot(browser, "target-picker-search")
    assert_accessible(browser, "the target picker", include=".nguon-target-picker")
    assert "Phường Thuận Hóa → Thành phố Huế" in option.text, option.text
    option.click()

    chosen = _wait(browser, ".nguon-picker-chosen li", "Thành phố Huế")
    assert chosen.get_attribute("data-code") == "46"
    assert textarea.get_attribute("value") == "46"
    scope = Select(browser.find_element(By.ID, "form-widgets-target_scope"))
    assert scope.first_selected_option.get_attribute("value") == "chosen"
    assert "các đơn vị trực thuộc được chọn" in status.text

    browser.find_element(By.ID, "form-buttons-save").click()
    summary = _wait(browser, ".nguon-reach-preview", "Thành phố Huế")
    assert "Khi phát hành, tin sẽ đến: Thành phố Huế" in summary.text
    assert "Trang thông tin điện tử" in summary.text
    assert "Phường Thuận Hóa → Thành phố Huế" in summary.text
    screenshot(browser, "target-picker-summary")
    assert_accessible(
        browser, "the summary before submission", include=".nguon-reach-preview"
    )

    # The edit form shows the chosen unit by name, and removing it empties the field.
    item_url = f"{portal_url}/vn/46/19786/thong-bao-lich-tiem-chung-cho-ca-thanh-pho"
    # Its page names the units, not their codes.
    assert (
        "Thành phố Huế" in browser.find_element(By.ID, "form-widgets-target_units").text
    )
    browser.get(f"{item_url}/edit")
    chosen = _wait(browser, ".nguon-picker-chosen li", "Thành phố Huế")
    chosen.find_element(By.CSS_SELECTOR, ".nguon-picker-remove").click()
    textarea = browser.find_element(By.ID, "form-widgets-target_units")
    assert textarea.get_attribute("value") == ""
    # By keyboard: type, go down to the unit offered, pick it with Enter.
    search = browser.find_element(By.CSS_SELECTOR, ".nguon-picker-search")
    search.send_keys("vy da")
    _wait(browser, ".nguon-picker-option", "Phường Vỹ Dạ", starts=True)
    search.send_keys(Keys.ARROW_DOWN)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    _wait(browser, ".nguon-picker-chosen li", "Phường Vỹ Dạ")
    assert textarea.get_attribute("value") == "19777"
