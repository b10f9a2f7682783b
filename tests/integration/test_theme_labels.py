"""The theme's own English labels reach the reader in Vietnamese (nguon.browser.theme_labels):
the navigation panel's close button; a file's icon is decorative; the editor's form names its
file input and its toolbar's pin links are buttons (axe's findings on Plone's markup)."""

from lxml import html
from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user

import requests


def test_the_close_button_of_the_themed_page_speaks_vietnamese(functional):
    portal = functional["portal"]
    page = requests.get(
        portal.absolute_url(), headers={"Accept-Language": "vi"}, timeout=60
    )
    tree = html.fromstring(page.content)
    buttons = tree.cssselect(".offcanvas-header .btn-close")
    assert buttons, "the theme's navigation panel is not on the page"
    assert {button.get("aria-label") for button in buttons} == {"Đóng"}


def test_the_editors_form_names_its_file_input_and_its_toolbar_buttons(tree_functional):
    portal = tree_functional["portal"]
    page = requests.get(
        f"{portal.absolute_url()}/vn/46/19786/++add++Bulletin",
        headers={"Accept-Language": "vi"},
        auth=(tree_user("19786", "editors"), TREE_PASSWORD),
        timeout=60,
    )
    assert page.status_code == 200
    tree = html.fromstring(page.content)
    (upload,) = tree.cssselect("#form-widgets-ILeadImageBehavior-image-input")
    (label,) = tree.cssselect("label[for='form-widgets-ILeadImageBehavior-image']")
    assert upload.get("aria-label") == " ".join(label.text_content().split())
    pins = tree.cssselect(
        ".toolbar-header a.toolbar-collapse, .toolbar-header a.toolbar-expand"
    )
    assert pins and {pin.get("role") for pin in pins} == {"button"}
