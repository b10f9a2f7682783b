"""A citizen in a real headless Chromium: opens the home and sees the warning in force first,
finds her commune by typing its name without diacritics, opens its page and reads the
warning there too; a draft emergency is never shown. Screenshots in tests/artifacts/; axe-core
finds no serious violation in the pages' content."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import create
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle

import pytest


WARNING = "Cảnh báo lũ khẩn cấp: sơ tán khỏi vùng trũng"
DRAFT = "Dự thảo cảnh báo sạt lở"


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    province, commune = portal["vn"]["46"], portal["vn"]["46"]["19786"]
    published(
        province,
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title=WARNING,
        description="Nước sông Hương đang lên nhanh; người dân vùng trũng di chuyển tới nơi an toàn.",
        priority="emergency",
        category="disaster",
        target_scope="subtree",
    )
    published(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch thu gom rác tuần này",
        description="Xe thu gom rác đi qua các tổ dân phố từ 17 giờ.",
    )
    create(commune, "Bulletin", COMMUNE_EDITOR, title=DRAFT, priority="emergency")
    settle(portal)
    return portal


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def test_a_citizen_sees_the_warning_first_and_finds_her_commune(site, browser):
    browser.get(site.absolute_url())
    main = browser.find_element(By.ID, "content")
    first_section = main.find_element(By.CSS_SELECTOR, "section")
    assert "nguon-warnings" in first_section.get_attribute("class").split()
    assert WARNING in first_section.text
    assert "Thành phố Huế" in first_section.text
    assert DRAFT not in browser.page_source
    screenshot(browser, "citizen-home")
    assert_accessible(browser, "citizen-home", include="#content")

    box = browser.find_element(By.ID, "nguon-find-q")
    box.send_keys("thuan hoa")
    link = WebDriverWait(browser, 30).until(
        lambda driver: driver.find_element(By.CSS_SELECTOR, "#nguon-find-suggestions a")
    )
    assert link.text == "Phường Thuận Hóa"
    screenshot(browser, "citizen-find-commune")
    link.click()

    WebDriverWait(browser, 30).until(
        lambda driver: (
            driver.find_element(By.CSS_SELECTOR, "h1").text == "Phường Thuận Hóa"
        )
    )
    warnings = browser.find_element(By.CSS_SELECTOR, "#content section.nguon-warnings")
    assert WARNING in warnings.text
    latest = browser.find_element(By.CSS_SELECTOR, "#content section.nguon-latest")
    assert "Lịch thu gom rác tuần này" in latest.text
    assert DRAFT not in browser.page_source
    # No navigation tree of every unit down the side; breadcrumbs say where one is.
    assert not browser.find_elements(By.CSS_SELECTOR, ".portletNavigationTree")
    assert "Thành phố Huế" in browser.find_element(By.ID, "portal-breadcrumbs").text
    screenshot(browser, "citizen-commune-page")
    assert_accessible(browser, "citizen-commune-page", include="#content")


def test_without_scripts_the_find_box_answers_with_a_page(site, browser):
    browser.get(f"{site.absolute_url()}/@@tim-don-vi?q=vy+da")
    results = browser.find_element(By.CSS_SELECTOR, ".nguon-find-results")
    assert results.find_element(By.TAG_NAME, "a").text == "Phường Vỹ Dạ"
    browser.get(f"{site.absolute_url()}/vn/@@don-vi-truc-thuoc")
    names = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, ".nguon-unit-list a")
    ]
    assert names == ["Thành phố Huế", "Tỉnh Quảng Trị"]
    screenshot(browser, "citizen-units-list")
    assert_accessible(browser, "citizen-units-list", include="#content")
