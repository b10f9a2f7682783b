"""Log a Chromium driver in through Plone's login form, as a person would."""

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def log_in(driver, portal_url, user, password):
    driver.get(f"{portal_url}/login")
    driver.find_element(By.ID, "__ac_name").send_keys(user)
    driver.find_element(By.ID, "__ac_password").send_keys(password)
    driver.find_element(
        By.CSS_SELECTOR,
        "form#login_form button[type=submit], form#login_form input[type=submit],"
        " #buttons-login",
    ).click()
    WebDriverWait(driver, 30).until(lambda d: d.get_cookie("__ac") is not None)
