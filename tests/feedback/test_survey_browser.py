"""A survey in a real headless Chromium, on a phone's screen: a citizen without an account
answers Huế's survey (the ALTCHA widget solves its proof of work in the browser), the city's
approver publishes the results from the results page, and anyone then reads them. Both pages
pass axe's WCAG 2.1 A/AA checks. Screenshots in tests/artifacts/."""

from nguon.feedback import surveys
from nguon.testing import TREE_PASSWORD
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in
from tests.feedback.test_surveys import APPROVER
from tests.feedback.test_surveys import new_survey

import pytest
import transaction


@pytest.fixture
def browser():
    driver = chromium(width=412, height=915)
    try:
        yield driver
    finally:
        driver.quit()


def _click(driver, selector):
    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.click()


def test_a_citizen_answers_and_the_approver_publishes_the_results(
    tree_functional, browser
):
    portal = tree_functional["portal"]
    survey = new_survey()
    transaction.commit()
    url = survey.absolute_url()

    browser.get(url)
    assert_accessible(browser, "survey-form", include="#content")
    _click(browser, "input[name=q1][value='2']")
    _click(browser, "input[name='q2:list'][value='1']")
    _click(browser, "input[name='q2:list'][value='3']")
    _click(browser, "input[name=q3][value='4']")
    browser.find_element(By.ID, "survey-q4-text").send_keys(
        "Loa ở tổ 5 nhỏ quá, gọi tôi 0912 345 678."
    )
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            "const f = document.querySelector('.nguon-survey input[name=altcha]');"
            "return f && f.value.length > 20;"
        )
    )
    screenshot(browser, "survey-form-phone")
    _click(browser, ".nguon-survey button[name='form.answer']")
    WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".nguon-survey-thanks")
    )
    transaction.begin()
    results = surveys.results(survey)
    assert results["total"] == 1
    assert [o["count"] for o in results["questions"][1]["options"]] == [1, 0, 1]
    assert "0912" not in results["questions"][3]["texts"][0]["text"]

    # The city's approver reads the live results and publishes them.
    log_in(browser, portal.absolute_url(), APPROVER, TREE_PASSWORD)
    browser.get(f"{url}/ket-qua")
    assert browser.find_element(By.CSS_SELECTOR, ".nguon-survey-total").text == "1"
    assert_accessible(browser, "survey-results", include="#content")
    _click(browser, "button[name='form.publish']")
    WebDriverWait(browser, 30).until(
        lambda d: "Đã công bố kết quả khảo sát." in d.page_source
    )
    screenshot(browser, "survey-results-phone")
    # The one answer's option, its share written with a decimal comma as in Vietnam.
    assert "100,0%" in browser.page_source
    transaction.begin()
    assert survey.results_public is True
