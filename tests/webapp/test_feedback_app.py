"""The citizen app's reports and surveys in a real headless Chromium with a phone's screen
and a throttled network, on the shared tree site of test_app.py: she files a report, the
ward answers it (its editor writes the answer, its approver publishes it), she reads the
answer in the app and rates it, and the rating is at the site; her reports, their steps and
the answer read offline; she reopens an answered report once, then withdraws it. She
answers a survey of the city that reaches her ward, and the answer is counted. An English
phone reads the app in English. The attacks first: a report code that is not hers, a rating
outside the scale and a second rating, an answer outside a question's options: each refused
with the site's message in the status region, nothing typed lost, nothing stored. axe on
each screen."""

from nguon.feedback import surveys
from nguon.feedback.store import feedback_store
from plone import api
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import screenshot
from tests.feedback.test_feedback_rest import file as file_report
from tests.feedback.test_public_pages import answered  # the ward answers, published
from tests.feedback.test_surveys import new_survey
from tests.webapp import test_app as shared
from tests.webapp.phone import FAST_3G
from tests.webapp.phone import network
from tests.webapp.test_app import app_url
from tests.webapp.test_app import choose_commune
from tests.webapp.test_app import press
from tests.webapp.test_app import text_of
from tests.webapp.test_app import wait

import json
import requests
import transaction


# test_app.py's tree site (one layer for both modules) with the alert and the ward's items
# published; the phone is conftest.py's.
site = shared.site

TEXT = "Cột đèn trước nhà văn hóa tổ 5 bị nghiêng, sắp đổ."
ANSWER = "Phường đã dựng lại cột đèn trước nhà văn hóa tổ 5."


def status_says(driver, words, seconds=60):
    return wait(driver, lambda d: words in text_of(d, "#status"), seconds)


def key(driver, selector, keys=Keys.ENTER):
    """With the keyboard (the status region may cover the middle of a phone's screen)."""
    element = driver.find_element(By.CSS_SELECTOR, selector)
    driver.execute_script(
        "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", element
    )
    element.send_keys(keys)


def choose(driver, element_id):
    key(driver, f"#{element_id}", Keys.SPACE)


def mine(portal, code, **body):
    return requests.post(
        f"{portal.absolute_url()}/@feedback-mine",
        json={"code": code, **body},
        headers={"Accept": "application/json"},
        timeout=30,
    )


def controlled(driver):
    wait(
        driver,
        lambda d: d.execute_script("return !!navigator.serviceWorker.controller"),
    )


def test_she_reads_the_answer_rates_it_and_reads_her_reports_offline(site, browser):
    choose_commune(browser, site)
    press(browser, browser.find_element(By.LINK_TEXT, "Phản ánh"))
    wait(
        browser,
        lambda d: d.find_elements(
            By.CSS_SELECTOR, "#r-category option[value]:not([value=''])"
        ),
    )
    browser.find_element(By.ID, "r-text").send_keys(TEXT)
    press(browser, browser.find_element(By.CSS_SELECTOR, "#report button[type=submit]"))
    wait(browser, lambda d: "Đã gửi phản ánh số" in text_of(d, "#mine"), 90)
    kept = browser.execute_script("return localStorage.getItem('nguon.reports')")
    report_id, code = json.loads(kept)[0]["id"], json.loads(kept)[0]["code"]

    # Attack: a code that is not hers (typed into the phone's storage) reads nothing.
    browser.execute_script(
        "const all = JSON.parse(localStorage.getItem('nguon.reports'));"
        "all.push({id: '999999', code: 'not-a-code-of-mine', text: 'x', when: ''});"
        "localStorage.setItem('nguon.reports', JSON.stringify(all));"
    )
    browser.get(app_url(site) + "#/phan-anh/999999")
    status_says(browser, "Không tìm thấy phản ánh với mã này")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Phản ánh số 999999"
    assert not browser.find_elements(By.ID, "rate")

    # Her own report, before the answer: its state, no rating offered.
    browser.get(app_url(site) + f"#/phan-anh/{report_id}")
    wait(browser, lambda d: "Đã tiếp nhận" in text_of(d, ".report-state"))
    assert "Đã tiếp nhận" in text_of(browser, "ol.steps")
    assert not browser.find_elements(By.ID, "rate")
    assert browser.find_elements(By.ID, "withdraw")  # open: she may still withdraw it

    transaction.begin()
    report = feedback_store(api.portal.get()).by_token(code)
    assert report is not None and report.id == report_id
    answered(report, ANSWER)

    key(browser, "#refresh")
    wait(browser, lambda d: ANSWER in text_of(d, "section.answer"), 60)
    assert "Đã trả lời" in text_of(browser, ".report-state")
    assert "Đã trả lời" in text_of(browser, "ol.steps")
    assert not browser.find_elements(By.ID, "withdraw")
    assert browser.find_elements(By.ID, "reopen")  # once, after the answer
    screenshot(browser, "app-report-answered")
    assert_accessible(browser, "app-report-answered")

    # Attack: a rating outside the scale (the page's value changed) is refused by the
    # site; the comment she typed stays, nothing is stored.
    comment = browser.find_element(By.ID, "rate-comment")
    comment.send_keys("Làm nhanh, cảm ơn phường.")
    browser.execute_script("document.getElementById('stars-5').value = '9'")
    choose(browser, "stars-5")
    key(browser, "#rate button[type=submit]")
    status_says(browser, "Hãy chọn từ 1 đến 5 sao.")
    assert "Không thực hiện được" in text_of(browser, "#status")
    assert comment.get_attribute("value") == "Làm nhanh, cảm ơn phường."
    browser.find_element(By.ID, "status").click()  # a tap puts the message away
    wait(browser, lambda d: text_of(d, "#status") == "")
    transaction.begin()
    assert feedback_store(api.portal.get()).get(report_id).rating is None

    choose(browser, "stars-4")
    key(browser, "#rate button[type=submit]")
    status_says(browser, "Cảm ơn bạn đã đánh giá.")
    assert "4/5 sao" in text_of(browser, ".rated")
    assert not browser.find_elements(By.ID, "rate")
    transaction.begin()
    stored = feedback_store(api.portal.get()).get(report_id)
    assert stored.rating == 4 and stored.rating_comment == "Làm nhanh, cảm ơn phường."

    # Attack: a second rating, as any client could send it, is refused and changes nothing.
    again = mine(site, code, action="rate", stars=1)
    assert again.status_code == 400
    assert "Chỉ đánh giá được một lần" in again.json()["message"]
    transaction.begin()
    assert feedback_store(api.portal.get()).get(report_id).rating == 4

    # Offline: her reports, the steps and the answer as the site last told them.
    browser.get(app_url(site) + "#/phan-anh")
    controlled(browser)
    wait(browser, lambda d: "Đã trả lời" in text_of(d, "#mine .report-state"))
    network(browser, offline=True)
    try:
        browser.get(app_url(site) + "#/phan-anh")
        wait(browser, lambda d: "Đã trả lời" in text_of(d, "#mine .report-state"))
        key(browser, "#mine a.button")
        wait(browser, lambda d: ANSWER in text_of(d, "section.answer"))
        assert "Không có mạng" in text_of(browser, ".offline")
        assert "4/5 sao" in text_of(browser, ".rated")
        assert "Đã trả lời" in text_of(browser, "ol.steps")
        screenshot(browser, "app-report-offline")
    finally:
        network(browser, FAST_3G)


def test_she_answers_a_survey_of_the_city_once(site, browser):
    survey = new_survey()  # the city's (46), reaching every ward below it
    transaction.commit()
    choose_commune(browser, site)
    press(browser, browser.find_element(By.LINK_TEXT, "Khảo sát, lấy ý kiến"))
    link = wait(browser, lambda d: d.find_element(By.LINK_TEXT, survey.Title()))
    assert "Đã trả lời" not in text_of(browser, "#surveys")
    assert "Thành phố Huế" in text_of(browser, "#surveys")
    press(browser, link)
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#survey fieldset"))
    legends = [e.text for e in browser.find_elements(By.TAG_NAME, "legend")]
    assert legends[0] == "Ông/bà nghe đài vào lúc nào? (bắt buộc)"
    screenshot(browser, "app-survey")
    assert_accessible(browser, "app-survey")

    # A required question left blank: said before anything is sent.
    key(browser, "#survey button[type=submit]")
    status_says(browser, "Cần trả lời câu hỏi «Ông/bà nghe đài vào lúc nào?»")
    assert browser.switch_to.active_element.get_attribute("id") == "s-q1-0"

    # Attack: an answer outside the options (the page's value changed) is refused by the
    # site with its reason; what she chose and typed stays; nothing is counted.
    browser.execute_script("document.getElementById('s-q1-0').value = '7'")
    choose(browser, "s-q1-0")
    choose(browser, "s-q2-1")
    choose(browser, "s-q3-3")
    browser.find_element(By.ID, "s-q4-text").send_keys("Nên phát sớm hơn.")
    key(browser, "#survey button[type=submit]")
    status_says(browser, "không nằm trong các lựa chọn", 90)
    assert "Ý kiến chưa được nhận" in text_of(browser, "#survey-error")
    assert browser.find_element(By.ID, "s-q3-3").is_selected()
    assert browser.find_element(By.ID, "s-q4-text").get_attribute("value") == (
        "Nên phát sớm hơn."
    )
    transaction.begin()
    assert surveys.results(survey)["total"] == 0

    choose(browser, "s-q1-1")
    key(browser, "#survey button[type=submit]")
    status_says(browser, "Cảm ơn bạn đã tham gia khảo sát", 90)
    assert "Đã trả lời" in text_of(browser, ".done")
    transaction.begin()
    results = surveys.results(survey)
    assert results["total"] == 1
    q1, q2, q3, q4 = results["questions"]
    assert [o["count"] for o in q1["options"]] == [0, 1]
    assert [o["count"] for o in q2["options"]] == [0, 1, 0]
    assert [point["count"] for point in q3["distribution"]] == [0, 0, 0, 1, 0]
    assert q4["texts"][0]["text"] == "Nên phát sớm hơn."

    # The list marks it answered.
    key(browser, "main a[href='#/khao-sat']")
    wait(browser, lambda d: "Đã trả lời" in text_of(d, "#surveys"))


def test_a_phone_in_english_reads_the_app_in_english(site, browser):
    english = browser.execute_cdp_cmd(
        "Page.addScriptToEvaluateOnNewDocument",
        {
            "source": "Object.defineProperty(navigator, 'language', {get: () => 'en-US'})"
        },
    )
    try:
        choose_commune(browser, site)
        assert browser.execute_script("return document.documentElement.lang") == "en"
        nav = [a.text for a in browser.find_elements(By.CSS_SELECTOR, "nav a")]
        assert nav == ["News", "Search", "Report", "Commune"]
        assert text_of(browser, "#h-warnings") == "Warnings in force"
        assert "EXTREME DANGER" in text_of(browser, "section.warnings")
        press(browser, browser.find_element(By.LINK_TEXT, "Surveys"))
        wait(
            browser,
            lambda d: "Surveys of people's opinions" in text_of(d, "h1"),
        )
        screenshot(browser, "app-english")
        assert_accessible(browser, "app-english")
    finally:
        browser.execute_cdp_cmd(
            "Page.removeScriptToEvaluateOnNewDocument",
            {"identifier": english["identifier"]},
        )
    # The phone in Vietnamese again: the app in Vietnamese.
    browser.get(app_url(site))
    wait(browser, lambda d: "Cảnh báo đang có hiệu lực" in text_of(d, "#h-warnings"))
    assert browser.execute_script("return document.documentElement.lang") == "vi"


def test_she_reopens_the_answered_report_once_then_withdraws_it(site, browser):
    filed = file_report(site.absolute_url(), text=TEXT)
    choose_commune(browser, site)
    browser.execute_script(
        "localStorage.setItem('nguon.reports', JSON.stringify([arguments[0]]))",
        {"id": filed["id"], "code": filed["code"], "text": TEXT, "when": ""},
    )
    transaction.begin()
    report = feedback_store(api.portal.get()).get(filed["id"])
    answered(report, ANSWER)
    browser.get(app_url(site) + f"#/phan-anh/{filed['id']}")
    wait(browser, lambda d: d.find_elements(By.ID, "reopen"))
    # A reopening without its reason is said on the phone; nothing is sent.
    key(browser, "#reopen button[type=submit]")
    status_says(browser, "Hãy cho biết vì sao chưa hài lòng.")
    assert browser.switch_to.active_element.get_attribute("id") == "reopen-reason"
    browser.find_element(By.ID, "reopen-reason").send_keys("Cột đèn vẫn nghiêng.")
    key(browser, "#reopen button[type=submit]")
    status_says(browser, "Đã mở lại phản ánh.")
    assert "Đã tiếp nhận" in text_of(browser, ".report-state")
    assert not browser.find_elements(By.ID, "reopen")  # once
    transaction.begin()
    stored = feedback_store(api.portal.get()).get(filed["id"])
    assert stored.reopened == 1 and stored.state == "received"

    # Withdrawing asks for the box to be ticked first.
    key(browser, "#withdraw button[type=submit]")
    status_says(browser, "Hãy đánh dấu ô xác nhận")
    choose(browser, "withdraw-sure")
    key(browser, "#withdraw button[type=submit]")
    status_says(browser, "Đã rút phản ánh.")
    assert "Đã rút" in text_of(browser, ".report-state")
    transaction.begin()
    assert feedback_store(api.portal.get()).get(filed["id"]).state == "withdrawn"
