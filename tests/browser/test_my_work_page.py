""" "Việc của tôi" in a real headless Chromium on the tree site: an editor logs in, lands on
her work and finds her draft, her item waiting and at which unit, her returned item with
the reason, and what her unit published today with where it went; the province approver
logs in and finds what waits for him, and opens it. Screenshots in tests/artifacts/; axe-core finds no
serious WCAG 2.1 AA violation in the page's content."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone import api
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.search.helpers import create
from tests.search.helpers import transition

import pytest
import transaction


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
PROVINCE_APPROVER = tree_user("46", "approvers")


@pytest.fixture
def site(tree_functional):
    portal = tree_functional["portal"]
    commune = portal["vn"]["46"]["19786"]

    def bulletin(title, **fields):
        fields.setdefault("channels", {"web"})
        return create(commune, "Bulletin", EDITOR, title=title, **fields)

    bulletin("Dự thảo lịch tiếp công dân tháng 12")
    climbing = bulletin(
        "Kế hoạch tiêm chủng toàn thành phố", target_scope="area", target_units=["46"]
    )
    transition(EDITOR, "submit", climbing)
    transition(APPROVER, "approve", climbing)
    returned = bulletin("Thông báo họp tổ dân phố")
    transition(EDITOR, "submit", returned)
    with api.env.adopt_user(username=APPROVER):
        api.content.transition(
            obj=returned, transition="reject", comment="Thiếu địa điểm họp."
        )
    published = bulletin(
        "Lịch tiêm chủng mở rộng",
        target_scope="subtree",
        channels={"web", "radio"},
        essential=True,
    )
    transition(EDITOR, "submit", published)
    transition(APPROVER, "publish", published)
    transaction.commit()
    return portal


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


def log_in(browser, portal, userid):
    """Through Plone's login form, from nowhere in particular: staff land on their work."""
    browser.get(f"{portal.absolute_url()}/login")
    browser.find_element(By.ID, "__ac_name").send_keys(userid)
    browser.find_element(By.ID, "__ac_password").send_keys(TREE_PASSWORD)
    browser.find_element(
        By.CSS_SELECTOR,
        "form#login_form button[type=submit], form#login_form input[type=submit],"
        " #buttons-login",
    ).click()
    WebDriverWait(browser, 30).until(lambda d: "@@viec-cua-toi" in d.current_url)


def rows(browser, name):
    return [
        [cell.text for cell in row.find_elements(By.CSS_SELECTOR, "td")]
        for row in browser.find_elements(
            By.CSS_SELECTOR, f"#nguon-work-{name} table tbody tr"
        )
    ]


def test_an_editor_lands_on_her_work_and_reads_where_and_why(site, browser):
    log_in(browser, site, EDITOR)
    assert browser.find_element(By.CSS_SELECTOR, "h1").text == "Việc của tôi"  # only h1
    welcome = browser.find_element(By.CSS_SELECTOR, ".portalMessage, .alert").text
    assert "Bạn đã đăng nhập" in welcome and "Welcome" not in welcome
    assert rows(browser, "drafts")[0][0] == "Dự thảo lịch tiếp công dân tháng 12"
    [waiting] = rows(browser, "waiting")
    assert waiting[:2] == ["Kế hoạch tiêm chủng toàn thành phố", "Thành phố Huế"]
    [returned] = rows(browser, "rejected")
    assert returned[:2] == ["Thông báo họp tổ dân phố", "Thiếu địa điểm họp."]
    [published] = rows(browser, "published_today")
    assert published[0] == "Lịch tiêm chủng mở rộng"
    assert "Phường Thuận Hóa và các đơn vị trực thuộc" in published[2]
    assert published[3] == "Truyền thanh, Trang thông tin điện tử"
    # Essential: how many of its receiving units × channels have proof, linking to coverage.
    assert published[4] == "0/2 nơi nhận (0%)"
    coverage = browser.find_element(By.CSS_SELECTOR, ".nguon-work-coverage a")
    assert coverage.get_attribute("href").endswith("/@@do-phu")
    assert not browser.find_elements(By.ID, "nguon-work-queue")
    # The user menu leads back here.
    assert browser.find_elements(By.CSS_SELECTOR, "a[href$='/@@viec-cua-toi']")
    screenshot(browser, "my-work-editor")
    assert_accessible(browser, "my-work-editor", include="#content")


def test_the_province_approver_finds_what_waits_for_him_and_opens_it(site, browser):
    log_in(browser, site, PROVINCE_APPROVER)
    [waiting] = rows(browser, "queue")
    assert waiting[:2] == ["Kế hoạch tiêm chủng toàn thành phố", "Thành phố Huế"]
    assert waiting[3] == EDITOR
    assert rows(browser, "drafts") == []
    screenshot(browser, "my-work-approver")
    assert_accessible(browser, "my-work-approver", include="#content")
    browser.find_element(By.LINK_TEXT, "Kế hoạch tiêm chủng toàn thành phố").click()
    WebDriverWait(browser, 30).until(
        lambda d: (
            d.find_element(By.CSS_SELECTOR, "h1").text
            == "Kế hoạch tiêm chủng toàn thành phố"
        )
    )
