"""The ALTCHA widget as the site serves it (``++resource++nguon-feedback``, built by
``make altcha``), in a real headless Chromium: it solves a challenge of the site in the
browser, says so in Vietnamese, and the site accepts the payload it puts in the form."""

from nguon.feedback import challenge as pow
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot

import json


FORM = """
const form = document.createElement("form");
form.id = "abuse-test";
const widget = document.createElement("altcha-widget");
widget.setAttribute("name", "altcha");
widget.setAttribute("language", "vi");
widget.setAttribute("auto", "onload");
widget.setAttribute("challenge", arguments[0]);
form.appendChild(widget);
document.body.prepend(form);
"""

LOAD = """
const done = arguments[arguments.length - 1];
const load = (src) => new Promise((resolve, reject) => {
  const script = document.createElement("script");
  script.src = src;
  script.onload = resolve;
  script.onerror = reject;
  document.head.appendChild(script);
});
load(arguments[0] + "/altcha-vi.js")
  .then(() => load(arguments[0] + "/altcha.min.js"))
  .then(() => done(true), () => done(false));
"""


def payload_of(driver):
    field = driver.find_elements(By.CSS_SELECTOR, "#abuse-test input[name=altcha]")
    return field[0].get_attribute("value") if field else None


def test_the_served_widget_solves_a_site_challenge_in_chromium(functional):
    portal = functional["portal"]
    made = pow.challenge(portal, functional["request"])
    driver = chromium()
    try:
        driver.get(portal.absolute_url())
        driver.set_script_timeout(30)
        resources = portal.absolute_url() + "/++resource++nguon-feedback"
        assert driver.execute_async_script(LOAD, resources), "the widget loads"
        driver.execute_script(FORM, json.dumps(made))
        payload = WebDriverWait(driver, 60).until(payload_of)
        widget = driver.find_element(By.CSS_SELECTOR, "#abuse-test altcha-widget")
        WebDriverWait(driver, 10).until(lambda _d: "Đã xác minh" in widget.text)
        screenshot(driver, "feedback-altcha-widget")
    finally:
        driver.quit()
    assert pow.verify(portal, payload)
