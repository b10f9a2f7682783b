"""The citizen's feedback pages in a real Chromium on a phone's screen, checked with axe-core
(WCAG 2.1 A/AA, tests/browser/accessibility.py): the form on a commune and on a province,
the form after a refusal (the summary takes the focus, each message tied to its field), the
public list, one report and the author's page with its actions; and the author withdraws
the report from that page with the keyboard (the browser's own POST, whose ``Origin`` the
same-origin check reads). Screenshots in tests/artifacts/."""

from nguon.feedback import lifecycle
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot

import pytest
import transaction


TEXT = "Cống thoát nước trước chợ bị tắc, nước tràn lên đường mỗi khi mưa; gọi 0905 123 456."


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    report, code = lifecycle.file_report(
        "moi-truong", "19786", TEXT, contact={"kind": "email", "value": "a@example.vn"}
    )
    transaction.commit()
    return portal.absolute_url(), report, code


@pytest.fixture
def browser():
    driver = chromium(width=412, height=915)  # a phone's screen
    try:
        yield driver
    finally:
        driver.quit()


PAGES = (
    ("feedback-form-commune", "/vn/46/19786/gui-phan-anh"),
    ("feedback-form-province", "/vn/46/gui-phan-anh"),
    ("feedback-list", "/vn/46/phan-anh"),
    ("feedback-report", "/phan-anh/{id}"),
    ("feedback-follow", "/theo-doi-phan-anh?ma={code}"),
)


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_the_feedback_pages_have_no_serious_accessibility_violation(
    site, browser, name, path
):
    url, report, code = site
    browser.get(url + path.format(id=report.id, code=code))
    screenshot(browser, name)
    assert_accessible(browser, name, include="#content")


def test_a_refused_form_takes_the_reader_to_its_errors(site, browser):
    url, _report, _code = site
    browser.get(f"{url}/vn/46/19786/gui-phan-anh")
    browser.find_element(By.ID, "nguon-feedback-text").send_keys("Ngắn")
    # A browser without the widget's script: no proof of work is sent.
    browser.execute_script(
        "document.querySelector('altcha-widget').remove();"
        "document.querySelector('.nguon-feedback-form').noValidate = true;"
        "document.querySelector('.nguon-feedback-form').submit();"
    )
    summary = WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.ID, "nguon-feedback-summary")
    )[0]
    WebDriverWait(browser, 10).until(
        lambda d: (
            d.switch_to.active_element.get_attribute("id") == "nguon-feedback-summary"
        )
    )
    assert "Chưa có xác minh chống thư rác" in summary.text
    assert browser.find_element(By.ID, "nguon-feedback-text").get_attribute(
        "value"
    ) == ("Ngắn")
    screenshot(browser, "feedback-form-refused")
    assert_accessible(browser, "feedback-form-refused", include="#content")


def test_the_author_withdraws_with_the_keyboard(site, browser):
    url, report, code = site
    browser.get(f"{url}/theo-doi-phan-anh?ma={code}")
    browser.find_element(By.ID, "nguon-feedback-confirm").send_keys(Keys.SPACE)
    browser.switch_to.active_element.send_keys(Keys.TAB)
    assert browser.switch_to.active_element.text == "Rút phản ánh"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    # Plone's status message, above the page's main; the old page's body goes stale as
    # the browser leaves it.
    WebDriverWait(
        browser, 30, ignored_exceptions=(StaleElementReferenceException,)
    ).until(lambda d: "Đã rút phản ánh." in d.find_element(By.TAG_NAME, "body").text)
    transaction.begin()
    assert report.state == "withdrawn"
    screenshot(browser, "feedback-withdrawn")
