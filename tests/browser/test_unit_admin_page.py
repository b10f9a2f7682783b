"""A unit admin's everyday task in a real headless Chromium on the tree site: Phường Thuận
Hóa's admin logs in, opens the unit's members page, adds a newly hired editor to the editors'
group and takes a departed one out, all in Vietnamese; the page has no serious WCAG 2.1 AA
violation in its content. Screenshots in tests/artifacts/."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone import api
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in

import pytest
import transaction


ADMIN = tree_user("19786", "admins")
NEWCOMER = "nguyen.van.moi"


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    api.user.create(
        username=NEWCOMER,
        email=f"{NEWCOMER}@nguon.invalid",
        password=TREE_PASSWORD,
        properties={"fullname": "Nguyễn Văn Mới"},
    )
    transaction.commit()
    return portal


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


# While the browser leaves the page a form was sent from, what was read of it goes stale.
LEAVING = (StaleElementReferenceException,)


def _members(browser, title):
    """The members listed under the group ``title``; None while the page shows no such group
    (the next page is still being built after a form was sent)."""
    section = next(
        (
            s
            for s in browser.find_elements(By.CSS_SELECTOR, ".nguon-unit-group")
            if s.find_element(By.CSS_SELECTOR, "h3").text == title
        ),
        None,
    )
    if section is None:
        return None
    return [
        cell.text
        for cell in section.find_elements(By.CSS_SELECTOR, "tr td:first-child")
    ]


def test_a_unit_admin_adds_and_removes_an_editor(site, browser):
    portal_url = site.absolute_url()
    log_in(browser, portal_url, ADMIN, TREE_PASSWORD)
    browser.get(f"{portal_url}/vn/46/19786/@@unit-members")
    assert browser.find_element(By.CSS_SELECTOR, "h2").text == (
        "Thành viên các nhóm của đơn vị"
    )
    editors = tree_user("19786", "editors")
    assert _members(browser, "Biên tập viên") == [editors]

    form = browser.find_element(By.CSS_SELECTOR, "form.nguon-add-member")
    form.find_element(By.ID, "nguon-member-user").send_keys(NEWCOMER)
    Select(form.find_element(By.ID, "nguon-member-kind")).select_by_visible_text(
        "Biên tập viên"
    )
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30, ignored_exceptions=LEAVING).until(
        lambda d: NEWCOMER in (_members(d, "Biên tập viên") or ())
    )
    screenshot(browser, "unit-admin-members")
    assert_accessible(browser, "unit-admin-members", include="#content")

    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, ".nguon-unit-group tr")
        if r.find_element(By.CSS_SELECTOR, "td").text == editors
    )
    row.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 30, ignored_exceptions=LEAVING).until(
        lambda d: _members(d, "Biên tập viên") == [NEWCOMER]
    )
    transaction.begin()  # read what the browser's requests committed
    assert NEWCOMER in [
        user.getId() for user in api.user.get_users(groupname="unit-19786-editors")
    ]
