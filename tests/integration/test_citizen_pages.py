"""The citizen's pages as an anonymous visitor reads them over HTTP: the home (warnings in
force first, grouped by province), a unit's page (its items, radio schedule and boards as a
public summary), find your commune (``@find-unit`` and ``@@tim-don-vi``), the list of the
units under a unit, and navigation that no longer lists every unit. A draft, a pending and an
expired emergency are never shown."""

from DateTime import DateTime
from plone import api
from tests.syndication.helpers import COMMUNE_APPROVER
from tests.syndication.helpers import COMMUNE_EDITOR
from tests.syndication.helpers import create
from tests.syndication.helpers import PROVINCE_APPROVER
from tests.syndication.helpers import PROVINCE_EDITOR
from tests.syndication.helpers import published
from tests.syndication.helpers import settle
from tests.syndication.helpers import transition

import pytest
import requests
import transaction


@pytest.fixture
def layer(tree_functional):
    return tree_functional


@pytest.fixture
def site(layer):
    portal = layer["portal"]
    province, commune = portal["vn"]["46"], portal["vn"]["46"]["19786"]
    published(
        province,
        "Bulletin",
        PROVINCE_EDITOR,
        PROVINCE_APPROVER,
        title="Cảnh báo lũ khẩn cấp toàn thành phố",
        priority="emergency",
        category="disaster",
        target_scope="subtree",
        channels=("web", "board"),
    )
    published(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch tiêm chủng tháng 12",
    )
    published(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Lịch cắt điện tuần tới",
        essential=True,
    )
    published(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        COMMUNE_APPROVER,
        title="Cảnh báo đã hết hạn",
        priority="emergency",
        effective_date=DateTime() - 3,
        expiration_date=DateTime() - 1,
    )
    create(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        title="Dự thảo cảnh báo khẩn cấp",
        priority="emergency",
    )
    pending = create(
        commune,
        "Bulletin",
        COMMUNE_EDITOR,
        title="Cảnh báo đang chờ duyệt",
        priority="emergency",
    )
    transition(COMMUNE_EDITOR, "submit", pending)
    settle(portal)
    return portal


HIDDEN = ("Dự thảo cảnh báo khẩn cấp", "Cảnh báo đang chờ duyệt", "Cảnh báo đã hết hạn")


def page(url, **params):
    response = requests.get(url, params=params, timeout=60)
    assert response.status_code == 200, response.text[:500]
    return response.text


def test_the_home_shows_warnings_in_force_first_and_nothing_unpublished(site):
    html = page(site.absolute_url())
    warning = html.index("Cảnh báo lũ khẩn cấp toàn thành phố")
    assert html.index("Cảnh báo đang có hiệu lực") < warning
    assert warning < html.index("Thông tin thiết yếu mới nhất")
    assert warning < html.index("Tìm xã, phường của bạn")
    # Grouped by the province it reaches, the group linking to the province's page.
    group = html.rindex("nguon-warning-group", 0, warning)
    assert "Thành phố Huế" in html[group:warning]
    assert "Lịch tiêm chủng tháng 12" in html
    for title in HIDDEN:
        assert title not in html
    assert f'action="{site.absolute_url()}/@@tra-cuu"' in html
    # Essential information: the emergency and the item its author marked, not the others.
    start = html.index('id="nguon-essential-heading"')
    essential = html[start : html.index("</section>", start)]
    assert "Cảnh báo lũ khẩn cấp toàn thành phố" in essential
    assert "Lịch cắt điện tuần tới" in essential
    assert "Lịch tiêm chủng tháng 12" not in essential
    # Search by location is in the citizen app, which the help links to.
    assert f"{site.absolute_url()}/ung-dung/#/chon" in html


def test_a_unit_page_shows_its_items_and_those_from_above_only(site):
    commune = page(f"{site.absolute_url()}/vn/46/19786")
    assert "Cảnh báo lũ khẩn cấp toàn thành phố" in commune
    assert commune.index("Cảnh báo lũ khẩn cấp toàn thành phố") < commune.index(
        "Lịch tiêm chủng tháng 12"
    )
    for title in HIDDEN:
        assert title not in commune
    other = page(f"{site.absolute_url()}/vn/44/18880")
    assert "Cảnh báo lũ khẩn cấp toàn thành phố" not in other
    assert "Hiện không có cảnh báo khẩn cấp nào đang có hiệu lực." in other


def test_a_unit_page_summarises_its_radio_and_boards_without_device_data(site):
    commune = site["vn"]["46"]["19786"]
    with api.env.adopt_roles(["Manager"]):
        station = api.content.create(
            container=commune,
            type="RadioStation",
            title="Đài truyền thanh phường Thuận Hóa",
            clusters="Cụm 1 | Tổ dân phố 3 | LOA-SECRET-001 | hoạt động",
            slots="FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0 | 10",
        )
        board = api.content.create(
            container=commune,
            type="PublicBoard",
            title="Bảng LED chợ Đông Ba",
            location="Cổng chợ Đông Ba",
            size_class="led",
            width=384,
            height=192,
            opening_start="00:00",
            opening_end="23:59",
        )
    transaction.commit()
    html = page(commune.absolute_url())
    assert "Đài truyền thanh phường Thuận Hóa" in html
    assert "Lịch phát thanh" in html and "chưa có bản tin" in html
    assert "LOA-SECRET-001" not in html and "Tổ dân phố 3" not in html
    assert "Bảng LED chợ Đông Ba" in html and "Cổng chợ Đông Ba" in html
    assert "Đang hiển thị tin khẩn cấp." in html
    # The devices' own pages stay private.
    for device in (station, board):
        response = requests.get(device.absolute_url(), timeout=60)
        assert "LOA-SECRET-001" not in response.text
        assert response.status_code in (401, 403) or "login" in response.url


def test_find_unit_without_diacritics(site):
    url = f"{site.absolute_url()}/@find-unit"
    headers = {"Accept": "application/json"}
    answer = requests.get(url, params={"q": "thuan hoa"}, headers=headers, timeout=60)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["items"][0]["title"] == "Phường Thuận Hóa"
    assert body["items"][0]["parent_title"] == "Thành phố Huế"
    assert body["items"][0]["level_title"] == "Xã, phường, đặc khu"
    assert body["items"][0]["@id"] == f"{site.absolute_url()}/vn/46/19786"
    assert body["items_total"] == 1
    by_code = requests.get(url, params={"q": "18880"}, headers=headers, timeout=60)
    assert [u["title"] for u in by_code.json()["items"]] == ["Phường Đồng Hới"]
    assert requests.get(url, params={"q": "hue"}, headers=headers, timeout=60).json()[
        "items"
    ][0]["title"] == ("Thành phố Huế")
    for params in ({"q": "x" * 101}, {"q": "hue", "limit": "0"}, {"limit": "abc"}):
        refused = requests.get(url, params=params, headers=headers, timeout=60)
        assert refused.status_code == 400, params
        assert refused.json()["message"]
    # The page for browsers without scripts.
    html = page(f"{site.absolute_url()}/@@tim-don-vi", q="VY DA")
    assert "Phường Vỹ Dạ" in html and "Phường Thuận Hóa" not in html


def test_units_under_a_unit_alphabetically_by_initial(site):
    html = page(f"{site.absolute_url()}/vn/@@don-vi-truc-thuoc")
    assert html.index("Tỉnh Quảng Trị") > html.index("Thành phố Huế")
    only_q = page(f"{site.absolute_url()}/vn/@@don-vi-truc-thuoc", letter="Q")
    assert "Tỉnh Quảng Trị" in only_q and "Thành phố Huế" not in only_q
    province = page(f"{site.absolute_url()}/vn/46")
    assert "@@don-vi-truc-thuoc?letter=T" in province


def test_navigation_does_not_list_every_unit(site):
    html = page(f"{site.absolute_url()}/vn/46/19786")
    assert "portletNavigationTree" not in html
    assert api.portal.get_registry_record("plone.navigation_depth") == 1
    assert 'class="breadcrumb' in html or 'id="portal-breadcrumbs"' in html
    # The site map stops at the provinces: each province's page lists its communes.
    assert api.portal.get_registry_record("plone.sitemap_depth") == 2
    sitemap = page(f"{site.absolute_url()}/sitemap")
    assert "Thành phố Huế" in sitemap and "Phường Thuận Hóa" not in sitemap


UPGRADE_TITLE = "Citizen pages and navigation for thousands of units."


def test_the_upgrade_step_gives_an_older_site_the_citizen_pages(integration):
    from ftw.upgrade.interfaces import IUpgradeStepRecorder
    from plone.portlets.interfaces import IPortletAssignmentMapping
    from plone.portlets.interfaces import IPortletManager
    from tests.integration.upgrade_steps import PROFILE
    from tests.integration.upgrade_steps import proposed
    from tests.integration.upgrade_steps import run_next
    from zope.component import getMultiAdapter
    from zope.component import getUtility

    portal = api.portal.get()
    types = api.portal.get_tool("portal_types")
    # The site as it was: Plone's root view, the units' listing, the navigation portlet.
    types["Plone Site"].default_view = "document_view"
    types["AdministrativeUnit"].default_view = "listing_view"
    api.portal.set_registry_record("plone.navigation_depth", 3)
    api.portal.set_registry_record("plone.sitemap_depth", 3)
    from plone.app.portlets.portlets import navigation

    manager = getUtility(IPortletManager, name="plone.leftcolumn", context=portal)
    mapping = getMultiAdapter((portal, manager), IPortletAssignmentMapping)
    mapping["navigation"] = navigation.Assignment()

    setup_tool = api.portal.get_tool("portal_setup")
    recorder = getMultiAdapter((portal, PROFILE), IUpgradeStepRecorder)
    recorder.clear()
    for step in proposed(setup_tool):
        if step["title"] != UPGRADE_TITLE:
            recorder.mark_as_installed(step["dest"][0])
    assert [step["title"] for step in proposed(setup_tool)] == [UPGRADE_TITLE]
    run_next(setup_tool)
    assert types["Plone Site"].default_view == "trang-chu"
    assert types["AdministrativeUnit"].default_view == "trang-don-vi"
    assert "navigation" not in mapping
    assert api.portal.get_registry_record("plone.navigation_depth") == 1
    assert api.portal.get_registry_record("plone.sitemap_depth") == 2


def test_a_province_page_also_warns_of_emergencies_in_its_communes(site):
    published(
        site["vn"]["46"]["19777"],
        "Bulletin",
        "19777-editors",
        "19777-approvers",
        title="Sạt lở bờ sông ở Vỹ Dạ",
        priority="emergency",
    )
    settle(site)
    province = page(f"{site.absolute_url()}/vn/46")
    warnings = province[: province.index("nguon-latest")]
    assert "Sạt lở bờ sông ở Vỹ Dạ" in warnings
    assert "Cảnh báo lũ khẩn cấp toàn thành phố" in warnings
    assert "Sạt lở bờ sông ở Vỹ Dạ" not in page(f"{site.absolute_url()}/vn/46/19786")
    assert "Sạt lở bờ sông ở Vỹ Dạ" not in page(f"{site.absolute_url()}/vn/44")


def test_the_macros_page_alone_shows_nothing(site):
    response = requests.get(f"{site.absolute_url()}/@@nguon-citizen-macros", timeout=60)
    assert response.status_code == 200
    assert "nguon-find-q" not in response.text


@pytest.mark.parametrize(
    "path, params",
    [
        ("vn/@@don-vi-truc-thuoc", {"b_start": "-5"}),
        ("vn/@@don-vi-truc-thuoc", {"b_start": "abc"}),
        ("vn/@@don-vi-truc-thuoc", {"b_start": "99999999999999999999"}),
        ("vn/@@don-vi-truc-thuoc", {"letter": "<script>alert(1)</script>"}),
        ("@@tim-don-vi", {"q": "\x00\x0b{!xmlparser}*:*" * 40}),
        ("@find-unit", {"q": "%ff\x00 *:*"}),
        ("@find-unit", {"q": ["a", "b"]}),
        ("@@tim-don-vi", {"q": ["thuan", "hoa"]}),
    ],
)
def test_hostile_input_is_answered_without_a_server_error(site, path, params):
    response = requests.get(
        f"{site.absolute_url()}/{path}",
        params=params,
        headers={"Accept": "application/json"} if path.startswith("@") else {},
        timeout=60,
    )
    assert response.status_code < 500, response.text[:300]
    assert "<script>alert(1)</script>" not in response.text
    for title in HIDDEN:
        assert title not in response.text


def test_a_province_of_the_demo_lists_its_communes_in_pages(demo_functional):
    from nguon.units.official import provinces
    from nguon.units.tree import find_unit

    province = find_unit("44")
    communes = sorted(c.title for c in provinces()["44"].children)
    assert len(communes) > 60
    url = f"{province.absolute_url()}/@@don-vi-truc-thuoc"
    first, second = page(url), page(url, b_start="60")
    shown = [title for title in communes if f">{title}</a>" in first]
    rest = [title for title in communes if f">{title}</a>" in second]
    assert len(shown) == 60 and len(rest) == len(communes) - 60
    assert not set(shown) & set(rest)
    assert "b_start:int=60" in first or "b_start=60" in first
