"""``@find-unit?lat=&lon=``: the demo's real units nearest to a point, over HTTP as the
citizen app asks; a wrong point refused; units without a point left out; a unit's point
changed (by the code, and by a site administrator on the unit's edit form) is what the next
answer ranks by."""

from nguon.units import finder
from nguon.units.geo import distance_km
from nguon.units.location import official
from nguon.units.location import set_location
from nguon.units.tree import find_unit
from plone import api
from plone.testing.zope import Browser

import pytest
import requests
import transaction


HEADERS = {"Accept": "application/json"}
THUAN_HOA = (16.4556, 107.584)  # the shipped point of Phường Thuận Hóa (19786), Huế
DONG_HA = (16.816, 107.1)  # the centre of Đông Hà, Quảng Trị


@pytest.fixture
def portal(demo_functional):
    return demo_functional["portal"]


def near(portal, point, **params):
    answer = requests.get(
        f"{portal.absolute_url()}/@find-unit",
        params={"lat": point[0], "lon": point[1], **params},
        headers=HEADERS,
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


@pytest.mark.parametrize(
    "params",
    [
        {"lat": "16.46"},
        {"lon": "107.58"},
        {"lat": "", "lon": ""},
        {"lat": "abc", "lon": "107.58"},
        {"lat": "16,46", "lon": "107,58"},
        {"lat": "91", "lon": "107.58"},
        {"lat": "16.46", "lon": "-180.5"},
        {"lat": "nan", "lon": "107.58"},
        {"lat": "16.46", "lon": "inf"},
    ],
)
def test_a_wrong_point_is_refused_in_vietnamese(portal, params):
    answer = requests.get(
        f"{portal.absolute_url()}/@find-unit",
        params=params,
        headers=HEADERS,
        timeout=60,
    )
    assert answer.status_code == 400, answer.text
    assert answer.json()["message"].startswith("Vị trí không hợp lệ")


def test_a_wrong_level_or_limit_with_a_point_is_refused(portal):
    for params in ({"level": "village"}, {"limit": "0"}, {"limit": "51"}):
        answer = requests.get(
            f"{portal.absolute_url()}/@find-unit",
            params={"lat": "16.46", "lon": "107.58", **params},
            headers=HEADERS,
            timeout=60,
        )
        assert answer.status_code == 400, params
        assert answer.json()["message"]


def test_the_nearest_communes_of_hue_nearest_first(portal):
    body = near(portal, THUAN_HOA, limit=5)
    items = body["items"]
    assert [item["title"] for item in items[:4]] == [
        "Phường Thuận Hóa",
        "Phường Phú Xuân",
        "Phường An Cựu",
        "Phường Vỹ Dạ",
    ]
    assert len(items) == 5 and body["items_total"] == 40 + 78
    assert (body["lat"], body["lon"]) == THUAN_HOA
    first = items[0]
    assert first == {
        "@id": f"{portal.absolute_url()}/trung-uong/hue/phuong-thuan-hoa",
        "code": "19786",
        "title": "Phường Thuận Hóa",
        "level": "commune",
        "level_title": "Xã, phường, đặc khu",
        "parent_title": "Thành phố Huế",
        "distance_km": 0.0,
    }
    distances = [item["distance_km"] for item in items]
    assert distances == sorted(distances)
    points = official()
    for item in items:
        assert item["distance_km"] == round(
            distance_km(*THUAN_HOA, *points[item["code"]]), 2
        )


def test_the_nearest_communes_of_dong_ha_are_in_quang_tri(portal):
    items = near(portal, DONG_HA, limit=2)["items"]
    assert [(i["title"], i["parent_title"]) for i in items] == [
        ("Phường Nam Đông Hà", "Tỉnh Quảng Trị"),
        ("Phường Đông Hà", "Tỉnh Quảng Trị"),
    ]


def test_another_level_and_a_name_with_a_point(portal):
    provinces = near(portal, DONG_HA, level="province")
    assert {item["title"] for item in provinces["items"]} == {
        "Thành phố Huế",
        "Tỉnh Quảng Trị",
    }
    named = near(portal, THUAN_HOA, q="dong")
    assert named["q"] == "dong" and named["items"]
    assert all("Đông" in i["title"] or "Đồng" in i["title"] for i in named["items"])
    distances = [item["distance_km"] for item in named["items"]]
    assert distances == sorted(distances)
    # Without a point the answer is the name search as before, without distances.
    plain = requests.get(
        f"{portal.absolute_url()}/@find-unit",
        params={"q": "thuan hoa"},
        headers=HEADERS,
        timeout=60,
    ).json()
    assert "distance_km" not in plain["items"][0] and "lat" not in plain


def test_a_unit_without_a_point_is_left_out(portal):
    set_location(find_unit("19768"), None)  # Phường Phú Xuân
    transaction.commit()
    body = near(portal, THUAN_HOA, limit=3)
    assert [item["title"] for item in body["items"]] == [
        "Phường Thuận Hóa",
        "Phường An Cựu",
        "Phường Vỹ Dạ",
    ]
    assert body["items_total"] == 40 + 78 - 1
    # The name search still finds it.
    assert (
        requests.get(
            f"{portal.absolute_url()}/@find-unit",
            params={"q": "phu xuan"},
            headers=HEADERS,
            timeout=60,
        ).json()["items"][0]["code"]
        == "19768"
    )


def test_the_index_follows_a_changed_point(portal):
    before = finder.index()
    assert near(portal, DONG_HA, limit=1)["items"][0]["code"] != "19777"
    set_location(find_unit("19777"), DONG_HA)  # Phường Vỹ Dạ, moved for the test
    transaction.commit()
    assert finder.index() is not before
    first = near(portal, DONG_HA, limit=1)["items"][0]
    assert (first["code"], first["distance_km"]) == ("19777", 0.0)
    unchanged = finder.index()
    assert near(portal, DONG_HA, limit=1)["items"][0]["code"] == "19777"
    assert finder.index() is unchanged  # kept while no unit changes


def _browser(app, userid, password):
    browser = Browser(app)
    browser.handleErrors = False
    browser.addHeader("Authorization", f"Basic {userid}:{password}")
    return browser


def test_a_site_administrator_sets_the_point_on_the_edit_form(demo_functional, portal):
    password = "site-admin-password-1"
    with api.env.adopt_roles(["Manager"]):
        for userid in ("quan-tri", "don-vi"):
            api.user.create(
                username=userid, email=f"{userid}@nguon.invalid", password=password
            )
        api.user.grant_roles(username="quan-tri", roles=["Site Administrator"])
        api.group.add_user(groupname="unit-19777-admins", username="don-vi")
    transaction.commit()
    unit = find_unit("19777")
    url = unit.absolute_url()
    # A unit's own administrators edit the unit but not its point.
    browser = _browser(demo_functional["app"], "don-vi", password)
    browser.open(f"{url}/edit")
    assert "form.widgets.IUnitLocation.latitude" not in browser.contents
    browser = _browser(demo_functional["app"], "quan-tri", password)
    browser.open(f"{url}/edit")
    assert "Vĩ độ" in browser.contents and "Kinh độ" in browser.contents
    latitude = browser.getControl(name="form.widgets.IUnitLocation.latitude")
    longitude = browser.getControl(name="form.widgets.IUnitLocation.longitude")
    # The shipped point, as the form shows it: every decimal, with a point.
    assert (latitude.value, longitude.value) == ("16.4779", "107.611")
    # Out of range, and one without the other: refused, nothing saved.
    latitude.value = "91"
    browser.getControl(name="form.buttons.save").click()
    assert "form.widgets.IUnitLocation.latitude" in browser.contents
    assert "Value is too big" in browser.contents or "quá lớn" in browser.contents
    browser.getControl(name="form.widgets.IUnitLocation.latitude").value = "16.5"
    browser.getControl(name="form.widgets.IUnitLocation.longitude").value = ""
    browser.getControl(name="form.buttons.save").click()
    assert "Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai." in browser.contents
    transaction.begin()
    assert (unit.latitude, unit.longitude) == (16.4779, 107.611)
    # A comma is read as the decimal mark too, as many write it in Vietnamese.
    browser.getControl(name="form.widgets.IUnitLocation.latitude").value = "16,816"
    browser.getControl(name="form.widgets.IUnitLocation.longitude").value = "107.1"
    browser.getControl(name="form.buttons.save").click()
    transaction.begin()
    assert (find_unit("19777").latitude, find_unit("19777").longitude) == DONG_HA
    first = near(portal, DONG_HA, limit=1)["items"][0]
    assert (first["code"], first["distance_km"]) == ("19777", 0.0)
