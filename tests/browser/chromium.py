"""A real headless Chromium (Debian's chromium + chromedriver) driven by Selenium, with
screenshots kept under tests/artifacts/ as test artefacts."""

from pathlib import Path
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

import shutil


ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def chromium(width=1280, height=1600, language="vi"):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={width},{height}",
        f"--lang={language}",
    ):
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"intl.accept_languages": language})
    return webdriver.Chrome(
        options=options, service=Service(shutil.which("chromedriver"))
    )


def screenshot(driver, name):
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path
