"""The public search page in a real headless Chromium, on the real Solr: a citizen types
without diacritics, reads highlighted snippets, narrows by a facet, opens the item; an editor
who logs in also finds her draft. A screenshot is kept in tests/artifacts/."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import use_node

import pytest


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    items = []
    for title, description, category in (
        (
            "Thông báo lịch cắt điện tháng 12",
            "Điện lực Thuận Hóa cắt điện để bảo dưỡng lưới điện.",
            "public-services",
        ),
        (
            "Cảnh báo mưa lớn và nguy cơ ngập úng",
            "Người dân chủ động phòng tránh, không đi qua ngầm tràn.",
            "disaster",
        ),
        (
            "Lịch cắt điện khu vực chợ Đông Ba",
            "Tạm ngừng cấp điện từ 7 giờ đến 11 giờ.",
            "public-services",
        ),
    ):
        items.append(
            published(
                commune,
                "Bulletin",
                EDITOR,
                APPROVER,
                title=title,
                description=description,
                category=category,
            )
        )
    draft = create(
        commune,
        "Bulletin",
        EDITOR,
        title="Dự thảo thông báo cắt điện đột xuất",
        description="Chưa duyệt.",
        category="public-services",
    )
    deliver(portal)
    return portal, items, draft


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def test_a_citizen_searches_without_diacritics_and_narrows_by_a_facet(site, browser):
    portal, published, draft = site
    browser.get(f"{portal.absolute_url()}/@@tra-cuu")
    box = browser.find_element(By.ID, "nguon-q")
    box.send_keys("thong bao cat dien")
    box.submit()

    titles = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, ".nguon-hit-title")
    ]
    assert titles[0] == "Thông báo lịch cắt điện tháng 12"
    assert "Dự thảo thông báo cắt điện đột xuất" not in titles
    marks = [
        m.text for m in browser.find_elements(By.CSS_SELECTOR, ".nguon-snippet mark")
    ]
    assert {"cắt", "điện"} <= {mark.lower() for mark in marks}
    assert "kết quả" in browser.find_element(By.CSS_SELECTOR, ".nguon-total").text
    screenshot(browser, "citizen-search")

    browser.get(f"{portal.absolute_url()}/@@tra-cuu")
    category = browser.find_element(By.CSS_SELECTOR, "[data-facet=category]")
    assert "Phòng chống thiên tai" in category.text
    category.find_element(By.PARTIAL_LINK_TEXT, "Phòng chống thiên tai").click()
    titles = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, ".nguon-hit-title")
    ]
    assert titles == ["Cảnh báo mưa lớn và nguy cơ ngập úng"]

    browser.find_element(By.CSS_SELECTOR, ".nguon-hit-title").click()
    assert (
        browser.find_element(By.CSS_SELECTOR, "h1").text
        == "Cảnh báo mưa lớn và nguy cơ ngập úng"
    )


def test_an_editor_who_logs_in_finds_her_draft(site, browser):
    portal, published, draft = site
    browser.get(f"{portal.absolute_url()}/login")
    browser.find_element(By.ID, "__ac_name").send_keys(EDITOR)
    browser.find_element(By.ID, "__ac_password").send_keys(TREE_PASSWORD)
    browser.find_element(
        By.CSS_SELECTOR,
        "form#login_form button[type=submit], form#login_form input[type=submit], #buttons-login",
    ).click()
    WebDriverWait(browser, 30).until(
        lambda driver: driver.get_cookie("__ac") is not None
    )
    browser.get(f"{portal.absolute_url()}/@@tra-cuu?q=cat+dien")
    titles = [
        a.text for a in browser.find_elements(By.CSS_SELECTOR, ".nguon-hit-title")
    ]
    assert "Dự thảo thông báo cắt điện đột xuất" in titles
    screenshot(browser, "citizen-search-editor")
