"""The header and the footer of the demo site in a real headless Chromium: the product's
logo, the province's name and the operating unit's contact, legible and accessible (axe on
the header and the footer). Screenshots are kept in tests/artifacts/."""

from selenium.webdriver.common.by import By
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot


def test_a_citizen_sees_the_province_the_product_and_whom_to_contact(
    demo_functional,
):
    driver = chromium()
    try:
        driver.get(demo_functional["portal"].absolute_url())
        logo = driver.find_element(By.CSS_SELECTOR, "#portal-logo img")
        assert logo.get_attribute("naturalWidth") not in (None, "0"), "logo loaded"
        header = driver.find_element(By.ID, "portal-logo").text
        assert "Thành phố Huế" in header and "Nguồn" in header
        footer = driver.find_element(By.ID, "portal-footer-wrapper")
        assert "Sở Văn hóa và Thể thao thành phố Huế" in footer.text
        assert "0234 3 000 000" in footer.text
        screenshot(driver, "branding-header-footer")
        driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")
        screenshot(driver, "branding-footer")
        assert_accessible(driver, "the header", include="#portal-logo")
        assert_accessible(driver, "the footer", include="#portal-footer-wrapper")
    finally:
        driver.quit()
