"""What the citizen app's browser tests share: a phone (tests/webapp/phone.py), one per
test module, closed at its end."""

from tests.webapp.phone import phone

import pytest


@pytest.fixture(scope="module")
def browser():
    driver = phone()
    try:
        yield driver
    finally:
        driver.quit()
