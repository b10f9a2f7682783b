"""The statistics page and an item's coverage in a real headless Chromium on the tree site
(docs/statistics.md): the province admin logs in, opens Huế's statistics for the year, reads
that Vỹ Dạ is worst, opens the numbers behind the chart, follows the gap to the emergency's
coverage and reads why Vỹ Dạ's station did not air it. Screenshots in tests/artifacts/;
axe-core finds no serious WCAG 2.1 AA violation in the pages' content."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in
from tests.integration.test_ledger import _publish
from tests.integration.test_statistics import deliveries

import pytest
import transaction


ADMIN = tree_user("46", "admins")


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    item = deliveries(portal)
    _publish("19786", title="Lịch tiếp dân", category="culture", target_scope="unit")
    transaction.commit()
    return portal, item


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def into_view(browser, element):
    """Bring the element to the middle of the window and wait until it is there and nothing
    covers it (the theme scrolls smoothly, and Plone's scripts may move the page)."""

    def reachable(driver):
        return driver.execute_script(
            "var e = arguments[0]; e.scrollIntoView({block: 'center'});"
            "var r = e.getClientRects()[0];"
            "var hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
            "return hit !== null && (hit === e || e.contains(hit));",
            element,
        )

    WebDriverWait(browser, 30, poll_frequency=0.2).until(reachable)


def click(browser, element):
    """Click as a person does, on an element in view."""
    into_view(browser, element)
    element.click()


def test_the_province_reads_its_statistics_and_an_items_coverage(site, browser):
    portal, item = site
    log_in(browser, portal.absolute_url(), ADMIN, TREE_PASSWORD)
    browser.get(f"{portal.absolute_url()}/vn/46/@@thong-ke?period=year")
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "Thống kê: Thành phố Huế"
    charts = browser.find_elements(By.CSS_SELECTOR, "#content svg[role=img]")
    assert len(charts) == 3
    assert "Phường Vỹ Dạ: 0,0%" in charts[0].find_element(
        By.TAG_NAME, "desc"
    ).get_attribute("textContent")
    coverage = browser.find_element(
        By.CSS_SELECTOR, "[data-indicator=coverage_radio] dd"
    )
    assert coverage.text == "50,0%"
    screenshot(browser, "statistics-province-top")
    # The numbers behind the chart, one click away.
    table = browser.find_element(By.ID, "nguon-stat-don-vi")
    assert not table.is_displayed()
    click(browser, browser.find_element(By.CSS_SELECTOR, "#don-vi details summary"))
    screenshot(browser, "statistics-province-numbers")
    assert table.is_displayed()
    first = table.find_element(By.CSS_SELECTOR, "tbody tr")
    assert first.find_element(By.TAG_NAME, "th").text == "Phường Vỹ Dạ"
    gap = browser.find_element(By.CSS_SELECTOR, "#nguon-stat-lo-hong tbody tr")
    assert "Tệp âm thanh hỏng" in gap.text
    into_view(browser, gap.find_element(By.TAG_NAME, "th"))
    screenshot(browser, "statistics-province-gaps")
    assert_accessible(browser, "statistics-province", include="#content")

    click(browser, gap.find_element(By.LINK_TEXT, "Bão số 9 đổ bộ"))
    WebDriverWait(browser, 30).until(lambda d: "@@do-phu" in d.current_url)
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "Độ phủ: Bão số 9 đổ bộ"
    rows = [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "th, td")]
        for row in browser.find_elements(By.CSS_SELECTOR, "#nguon-stat-do-phu tbody tr")
    ]
    assert len(rows) == 4
    aired = next(
        row for row in rows if row[0] == "Phường Thuận Hóa" and row[2] == "Đã đến"
    )
    assert aired[1] == "Đài truyền thanh" and aired[5:] == [
        "Đài đã phát xong",
        "tram-19786",
    ]
    refused = next(row for row in rows if row[3] == "Tệp âm thanh hỏng")
    assert refused[:3] == ["Phường Vỹ Dạ", "Đài truyền thanh", "Không đến được"]
    screenshot(browser, "statistics-item-coverage")
    assert_accessible(browser, "statistics-item-coverage", include="#content")

    # The item itself says how far it reached and leads here.
    browser.get(item.absolute_url())
    viewlet = browser.find_element(By.CSS_SELECTOR, ".nguon-coverage-viewlet")
    assert "1 trên 4" in viewlet.text
    screenshot(browser, "statistics-item-viewlet")
