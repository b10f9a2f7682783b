"""A citizen's report from the public form to the published answer, in a real headless
Chromium, with a real SMTP server (aiosmtpd), on the small tree (Huế 46 > Thuận Hóa 19786).

A citizen without an account files a report at Thuận Hóa with a photo that carries GPS
coordinates and a phone number in its text; the ALTCHA widget solves its proof of work in
the browser; the report lands at the ward; its public page and photo carry neither the
number nor the coordinates; the citizen verifies their address with the mailed code; the
ward's editor writes the answer from a template on the desk; the ward's approver publishes
it; the report is closed and the citizen's mail brings the answer. A second report, left
unanswered, is escalated to the city when its due date passes on a clock the test controls,
and the city's approver finds it on the city's desk. Screenshots in tests/artifacts/."""

from datetime import timedelta
from nguon.feedback import lifecycle
from nguon.feedback.store import feedback_store
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in
from tests.feedback.photos import has_gps
from tests.feedback.photos import jpeg_with_gps
from tests.mail import smtp_server
from tests.mail import use_server
from tests.rest import json_session

import pytest
import re
import requests
import transaction


PHONE = "0912 345 678"
CITIZEN = "nguoidan@example.vn"


@pytest.fixture
def mail(tree_functional):
    with smtp_server() as server:
        use_server(server)
        transaction.commit()
        yield server


@pytest.fixture
def browser():
    driver = chromium(width=412, height=915)  # a phone's screen
    try:
        yield driver
    finally:
        driver.quit()


def _mails_to(server, address, count, timeout=30):
    WebDriverWait(None, timeout, poll_frequency=0.2).until(
        lambda _d: (
            len([m for m in server.messages if address in m["X-RcptTo"]]) >= count
        )
    )
    return [m for m in server.messages if address in m["X-RcptTo"]]


def _body(message):
    part = message.get_payload(decode=True)
    if part is None:
        part = message.get_payload(0).get_payload(decode=True)
    return part.decode("utf-8")


def _press(driver, selector):
    """Press a button (scrolled into view; on a phone's screen the theme's fixed footer
    may lie over it, so the press is the button's own click)."""
    button = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", button
    )


def _synced(report):
    """``report`` as the server last committed it."""
    transaction.begin()
    return report


def _only_report(portal):
    transaction.begin()
    reports = list(feedback_store(portal).reports.values())
    assert len(reports) == 1
    return reports[0]


def test_a_citizens_report_from_the_form_to_the_published_answer(
    tree_functional, mail, browser, tmp_path
):
    portal = tree_functional["portal"]
    site = portal.absolute_url()
    photo = tmp_path / "den-duong.jpg"
    photo.write_bytes(jpeg_with_gps(lat=16.4637, lon=107.5909))
    assert has_gps(photo.read_bytes())

    # The citizen, on a phone, without an account.
    browser.get(f"{site}/vn/46/19786/gui-phan-anh")
    Select(browser.find_element(By.ID, "nguon-feedback-category")).select_by_value(
        "giao-thong"
    )
    browser.find_element(By.ID, "nguon-feedback-text").send_keys(
        f"Đèn đường trước số 12 Lê Lợi tắt ba đêm liền, cần sửa gấp. Gọi tôi: {PHONE}."
    )
    browser.find_element(By.ID, "nguon-feedback-gallery").send_keys(str(photo))
    browser.find_element(By.ID, "nguon-feedback-contact").send_keys(CITIZEN)
    # The widget solves the proof of work by itself and puts its payload in the form.
    WebDriverWait(browser, 60).until(
        lambda d: d.execute_script(
            "const f = document.querySelector('input[name=altcha]');"
            "return f && f.value.length > 20;"
        )
    )
    screenshot(browser, "feedback-form-phone")
    _press(browser, "#content form button[type=submit]")
    follow = WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "a.nguon-feedback-follow")
    )[0]
    follow_url = follow.get_attribute("href")
    screenshot(browser, "feedback-filed")

    # It landed at the ward; what is published carries neither the number nor the GPS.
    report = _only_report(portal)
    assert report.handler == "19786" and report.place == "19786"
    assert PHONE in report.text and PHONE not in report.public_text
    public = requests.get(f"{site}/phan-anh/{report.id}", timeout=30)
    assert public.status_code == 200 and "Lê Lợi" in public.text
    assert PHONE not in public.text and "0912345678" not in public.text
    assert CITIZEN not in public.text
    published_photo = requests.get(f"{site}/phan-anh/{report.id}/anh/1", timeout=30)
    assert published_photo.status_code == 200
    assert published_photo.headers["Content-Type"] == "image/jpeg"
    assert not has_gps(published_photo.content)
    assert b"Exif" not in published_photo.content[:4096]

    # The first mail carries the follow-up link and the verification code.
    first = _body(_mails_to(mail, CITIZEN, 1)[0])
    assert follow_url in first
    code = re.search(r"\b(\d{6})\b", first).group(1)
    browser.get(follow_url)
    browser.find_element(By.ID, "nguon-feedback-verification").send_keys(code)
    _press(browser, "#nguon-feedback-verification ~ button[type=submit]")
    WebDriverWait(browser, 30).until(lambda _d: _synced(report).contact["verified"])

    # The ward's editor answers from a template on the desk.
    editor = tree_user("19786", "editors")
    log_in(browser, site, editor, TREE_PASSWORD)
    browser.get(f"{site}/vn/46/19786/xu-ly-phan-anh/{report.id}")
    screenshot(browser, "feedback-desk-report")
    Select(browser.find_element(By.ID, "mau")).select_by_index(0)
    _press(browser, "#mau ~ button[type=submit]")
    # The desk reloads with the template filled in; the old page's field goes stale.
    WebDriverWait(
        browser, 30, ignored_exceptions=(StaleElementReferenceException,)
    ).until(
        lambda d: (
            "Thuận Hóa" in d.find_element(By.ID, "answer-text").get_attribute("value")
        )
    )
    _press(browser, "button[name=action][value=answer]")
    WebDriverWait(browser, 30).until(lambda d: "/edit" in d.current_url)
    _press(browser, "#form-buttons-save")
    WebDriverWait(browser, 30).until(lambda d: "/edit" not in d.current_url)
    transaction.begin()
    assert report.state == "answering"
    answer = browser.current_url.split("?")[0].rstrip("/").removesuffix("/view")

    # The ward's approver publishes it like any item; the report is closed.
    assert json_session(editor).post(f"{answer}/@workflow/submit").status_code == 200
    approver = json_session(tree_user("19786", "approvers"))
    assert approver.post(f"{answer}/@workflow/publish").status_code == 200
    transaction.begin()
    assert report.state == "closed"

    # The citizen's mail brings the answer; their page shows it.
    answered = _body(_mails_to(mail, CITIZEN, 2)[-1])
    assert answer in answered or f"phan-anh/{report.id}" in answered
    browser.delete_all_cookies()
    browser.get(follow_url)
    assert "Thuận Hóa" in browser.find_element(By.TAG_NAME, "main").text
    screenshot(browser, "feedback-answered")


def test_an_unanswered_report_escalates_to_the_city_when_its_due_date_passes(
    tree_functional, mail, browser
):
    portal = tree_functional["portal"]
    site = portal.absolute_url()
    report, _code = lifecycle.file_report(
        "moi-truong",
        "19777",
        "Rác thải ứ đọng ở cuối kiệt 45 Nguyễn Sinh Cung hơn một tuần chưa thu gom.",
    )
    transaction.commit()
    assert lifecycle.tick(report.due - timedelta(hours=1)) <= 1  # a warning at most
    assert report.escalated_to is None
    assert lifecycle.tick(report.due + timedelta(minutes=1)) == 1
    transaction.commit()
    assert report.escalated_to == "46"
    city_approver = tree_user("46", "approvers")
    mails = _mails_to(mail, f"{city_approver}@nguon.invalid", 1)
    assert report.id in _body(mails[-1])

    log_in(browser, site, city_approver, TREE_PASSWORD)
    browser.get(f"{site}/vn/46/xu-ly-phan-anh?ds=escalated")
    screenshot(browser, "feedback-city-desk-escalated")
    assert report.id in browser.find_element(By.TAG_NAME, "main").text
