"""The theme's own English labels reach the reader in Vietnamese (nguon.browser.theme_labels):
the navigation panel's close button; a file's icon is decorative."""

from lxml import html

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
