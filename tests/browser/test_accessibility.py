"""WCAG 2.1 AA with axe-core in a real Chromium (tests/browser/accessibility.py) on nguon's
own views each role uses: the citizen's search page and a unit's page, the approver's queue.
No serious or critical violation is allowed; screenshots in tests/artifacts/."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from tests.browser.accessibility import assert_accessible
from tests.browser.chromium import chromium
from tests.browser.chromium import screenshot
from tests.browser.login import log_in
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import transition
from tests.search.helpers import use_node

import pytest


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")

# What nguon renders inside Plone's page (#content): its own views. The rest of the page
# (header, breadcrumbs, footer, the edit form's widgets) is Plone's markup.
VIEWS = (
    # (name, who logs in, path under the site)
    ("a11y-citizen-search", None, "/@@tra-cuu?q=cat+dien"),
    ("a11y-unit-page", None, "/vn/46/19786"),
    ("a11y-approval-queue", APPROVER, "/vn/46/19786/@@approval-queue"),
)


# The whole page, Plone's header, breadcrumbs, toolbar and footer included (nguon's
# accessibility.css fixes the theme's contrast, accessibility.js names what TinyMCE's script
# leaves unnamed, nguon.browser.theme_labels what Plone's markup lacks). The add form is
# checked once TinyMCE has started.
PAGES = (
    ("a11y-home", None, ""),
    ("a11y-citizen-search-page", None, "/@@tra-cuu?q=cat+dien"),
    ("a11y-unit-whole-page", None, "/vn/46/19786"),
    ("a11y-approval-queue-page", APPROVER, "/vn/46/19786/@@approval-queue"),
    ("a11y-add-form", EDITOR, "/vn/46/19786/++add++Bulletin"),
)
READY = {"a11y-add-form": ".tox-edit-area__iframe[title]"}


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    published(
        commune,
        "Bulletin",
        EDITOR,
        APPROVER,
        title="Thông báo lịch cắt điện tháng 12",
        description="Điện lực Thuận Hóa cắt điện để bảo dưỡng lưới điện.",
        category="public-services",
    )
    waiting = create(
        commune,
        "Bulletin",
        EDITOR,
        title="Thông báo cắt điện đột xuất chờ duyệt",
        description="Chờ duyệt.",
        category="public-services",
    )
    transition(EDITOR, "submit", waiting)
    deliver(portal)
    return portal


@pytest.fixture
def browser():
    driver = chromium()
    try:
        yield driver
    finally:
        driver.quit()


@pytest.mark.parametrize(("name", "user", "path"), VIEWS, ids=[v[0] for v in VIEWS])
def test_nguon_views_have_no_serious_accessibility_violation(
    site, browser, name, user, path
):
    url = site.absolute_url()
    if user:
        log_in(browser, url, user, TREE_PASSWORD)
    browser.get(url + path)
    screenshot(browser, name)
    assert_accessible(browser, name, include="#content")


@pytest.mark.parametrize(("name", "user", "path"), PAGES, ids=[p[0] for p in PAGES])
def test_whole_pages_have_no_serious_accessibility_violation(
    site, browser, name, user, path
):
    url = site.absolute_url()
    if user:
        log_in(browser, url, user, TREE_PASSWORD)
    browser.get(url + path)
    if name in READY:
        WebDriverWait(browser, 30).until(
            lambda driver: driver.find_elements(By.CSS_SELECTOR, READY[name])
        )
    screenshot(browser, name)
    assert_accessible(browser, name)
