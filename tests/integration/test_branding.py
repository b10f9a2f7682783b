"""The product's and the province's branding: the header shows the logo, the province's
name (Plone's site title) and the product's name; the footer the operating unit's contact;
an administrator sets them all in the control panel "Nhận diện và chân trang"."""

from ftw.upgrade.interfaces import IUpgradeStepRecorder
from nguon.browser.branding import IBranding
from nguon.browser.branding import LOGO
from nguon.browser.branding import logo_as_upload
from nguon.browser.branding import PREFIX
from nguon.demo.users import demo_password
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.formwidget.namedfile.converter import b64encode_file
from plone.registry.interfaces import IRegistry
from plone.testing.zope import Browser
from tests.integration.upgrade_steps import PROFILE
from tests.integration.upgrade_steps import proposed
from tests.integration.upgrade_steps import run_next
from zope.component import getMultiAdapter
from zope.component import getUtility

import re
import requests
import transaction


TITLE = "Product and province branding."
ICON_STEP = "The product's mark as the browser tab's icon."
DEMO_OPERATOR = "Sở Văn hóa và Thể thao thành phố Huế (đơn vị vận hành mẫu)"


def _footer(html):
    return html[html.index('id="portal-footer-wrapper"') :]


def _header(html):
    return html[html.index("<header") : html.index("</header>")]


def test_the_demo_site_shows_the_province_the_product_and_the_operator(
    demo_functional,
):
    url = demo_functional["portal"].absolute_url()
    html = requests.get(url, timeout=60).text
    header = _header(html)
    assert "Thành phố Huế" in header and "Nguồn — Hệ thống thông tin nguồn" in header
    assert f"{url}/++resource++nguon-logo.svg" in header
    assert "<title>" in html and "Thành phố Huế" in html[html.index("<title>") :][:200]
    footer = _footer(html)
    for text in (
        DEMO_OPERATOR,
        "Địa chỉ:",
        "phường Thuận Hóa, thành phố Huế (địa chỉ mẫu)",
        'href="tel:02343000000"',
        'href="mailto:thongtinnguon@hue.example.org"',
    ):
        assert text in footer, text
    assert "Plone Foundation" not in footer and "GNU GPL" not in footer
    logo = requests.get(f"{url}/++resource++nguon-logo.svg", timeout=60)
    assert logo.status_code == 200 and "svg" in logo.headers["Content-Type"]
    assert "<title" in logo.text  # the mark names itself for readers of the file
    assert re.search(
        r'data-bundle="nguon" href="[^"]*/\+\+resource\+\+nguon\.css"', html
    )
    assert requests.get(f"{url}/++resource++nguon.css", timeout=60).status_code == 200


def test_without_a_contact_the_footer_has_no_empty_labels(functional):
    registry = getUtility(IRegistry).forInterface(IBranding, prefix=PREFIX)
    assert registry.product_name == "Nguồn" and registry.operator_name == ""
    footer = _footer(requests.get(functional["portal"].absolute_url(), timeout=60).text)
    assert "Nguồn — Hệ thống thông tin nguồn" in footer
    assert "Địa chỉ:" not in footer and "mailto:" not in footer


def test_the_control_panel_sets_the_header_and_the_footer(demo_functional):
    portal = demo_functional["portal"]
    browser = Browser(demo_functional["app"])
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {SITE_OWNER_NAME}:{SITE_OWNER_PASSWORD}")
    browser.open(f"{portal.absolute_url()}/@@overview-controlpanel")
    assert "Nhận diện và chân trang" in browser.contents
    browser.getLink("Nhận diện và chân trang").click()
    assert browser.url.endswith("/@@branding-controlpanel")
    form = browser.contents
    for label in (
        "Tên tỉnh, thành phố (tiêu đề trang)",
        "Biểu trưng",
        "Đơn vị vận hành",
    ):
        assert label in form, label
    assert re.search(r'value="Lưu"|>\s*Lưu\s*<', form)
    assert browser.getControl(name="form.widgets.site_title").value == "Thành phố Huế"
    browser.getControl(name="form.widgets.site_title").value = "Tỉnh Quảng Trị"
    browser.getControl(name="form.widgets.tagline").value = "Thông tin cơ sở"
    browser.getControl(
        name="form.widgets.operator_name"
    ).value = "Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Trị"
    browser.getControl(name="form.widgets.operator_phone").value = "0233 3 000 000"
    browser.getControl(
        name="form.widgets.operator_email"
    ).value = "lienhe@qt.example.org"
    browser.getControl(name="form.buttons.save").click()
    transaction.begin()
    assert api.portal.get_registry_record("plone.site_title") == "Tỉnh Quảng Trị"
    assert (
        api.portal.get_registry_record(f"{PREFIX}.operator_email")
        == "lienhe@qt.example.org"
    )
    html = requests.get(portal.absolute_url(), timeout=60).text
    assert "Tỉnh Quảng Trị" in _header(html) and "Nguồn — Thông tin cơ sở" in html
    footer = _footer(html)
    assert "Sở Văn hóa, Thể thao và Du lịch tỉnh Quảng Trị" in footer
    assert 'href="tel:02333000000"' in footer and "lienhe@qt.example.org" in footer


def test_only_site_administrators_open_the_control_panel(demo_functional):
    url = f"{demo_functional['portal'].absolute_url()}/@@branding-controlpanel"
    anonymous = requests.get(url, timeout=60, allow_redirects=False)
    assert anonymous.status_code in (302, 401)
    unit_admin = requests.get(
        url, auth=("hue.quantri", demo_password()), timeout=60, allow_redirects=False
    )
    assert unit_admin.status_code in (302, 401, 403)


def test_the_upgrade_step_adds_the_records_and_the_control_panel(integration):
    portal = api.portal.get()
    registry = getUtility(IRegistry)
    for name in list(registry.records.keys()):
        if name.startswith(f"{PREFIX}."):
            del registry.records[name]
    api.portal.get_tool("portal_controlpanel").unregisterConfiglet("nguon-branding")
    api.portal.set_registry_record("plone.site_title", "Trang cũ")
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [TITLE]
    run_next(setup_tool)
    assert registry.forInterface(IBranding, prefix=PREFIX).product_name == "Nguồn"
    configlets = api.portal.get_tool("portal_controlpanel").listActions()
    assert "nguon-branding" in [action.id for action in configlets]
    assert api.portal.get_registry_record("plone.site_title") == "Trang cũ"


def test_an_uploaded_logo_replaces_the_products_mark(functional):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>'
    api.portal.set_registry_record("plone.site_logo", b64encode_file("tinh.svg", svg))
    transaction.commit()
    url = functional["portal"].absolute_url()
    header = _header(requests.get(url, timeout=60).text)
    assert f"{url}/@@site-logo/tinh.svg" in header
    assert "nguon-logo.svg" not in header


def test_the_browser_tab_shows_the_products_mark(functional):
    assert api.portal.get_registry_record("plone.site_favicon") == logo_as_upload()
    url = functional["portal"].absolute_url()
    page = requests.get(url, timeout=60).text
    assert re.search(r'<link[^>]*href="[^"]*/favicon\.ico\?name=nguon-logo\.svg"', page)
    icon = requests.get(f"{url}/favicon.ico", timeout=60)
    assert icon.headers["Content-Type"].startswith("image/svg+xml")
    assert icon.content == LOGO.read_bytes()


def test_the_icon_step_keeps_an_uploaded_icon(integration):
    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((api.portal.get(), PROFILE), IUpgradeStepRecorder)

    def run_the_step():
        recorder.clear()
        for step in proposed(setup_tool):
            if step["title"] != ICON_STEP:
                recorder.mark_as_installed(step["dest"][0])
        run_next(setup_tool)

    getUtility(IRegistry)["plone.site_favicon"] = None  # a site made before
    run_the_step()
    assert api.portal.get_registry_record("plone.site_favicon") == logo_as_upload()
    own = b64encode_file("tinh.ico", b"\x00\x00\x01\x00")
    api.portal.set_registry_record("plone.site_favicon", own)
    run_the_step()
    assert api.portal.get_registry_record("plone.site_favicon") == own
