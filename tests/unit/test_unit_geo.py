"""Units' points: the great-circle distance, what a coordinate may be, the CSV of points an
administrator loads, the points shipped for the official list, and the finder's ``nearest``
over the whole official list (34 provinces and 3,321 communes) with those points."""

from dataclasses import replace
from nguon.units import finder
from nguon.units import location
from nguon.units.geo import coordinate
from nguon.units.geo import distance_km
from nguon.units.geo import EARTH_RADIUS_KM
from nguon.units.geo import LATITUDE
from nguon.units.geo import point
from nguon.units.official import provinces
from tests.unit.test_unit_finder import official_index

import math
import pytest


def test_distance_of_a_point_to_itself_is_zero():
    assert distance_km(16.4556, 107.584, 16.4556, 107.584) == 0


def test_one_degree_along_the_equator_and_a_quarter_meridian():
    assert distance_km(0, 0, 0, 1) == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)
    assert distance_km(0, 107, 90, 0) == pytest.approx(math.pi * EARTH_RADIUS_KM / 2)
    assert distance_km(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_KM)


def test_distance_is_symmetric_and_crosses_the_antimeridian():
    assert distance_km(16.46, 107.59, 21.03, 105.85) == pytest.approx(
        distance_km(21.03, 105.85, 16.46, 107.59)
    )
    assert distance_km(0, 179.5, 0, -179.5) == pytest.approx(distance_km(0, 0, 0, 1))


def test_hue_to_hanoi_is_about_540_km_as_the_crow_flies():
    # Huế citadel (16.4698, 107.5786) to Hoàn Kiếm lake (21.0287, 105.8524): about 538 km.
    assert 530 < distance_km(16.4698, 107.5786, 21.0287, 105.8524) < 545


@pytest.mark.parametrize(
    "value, expected",
    [
        ("16.5", 16.5),
        (" -90 ", -90.0),
        ("90", 90.0),
        (16, 16.0),
        ("90.0001", None),
        ("-91", None),
        ("nan", None),
        ("inf", None),
        ("", None),
        ("16,5", None),
        ("abc", None),
        (None, None),
    ],
)
def test_a_latitude_is_a_finite_number_within_range(value, expected):
    assert coordinate(value, LATITUDE) == expected


def test_a_point_needs_both_coordinates_valid():
    assert point("16.46", "107.59") == (16.46, 107.59)
    assert point("16.46", "181") is None
    assert point("", "107.59") is None


def test_read_a_csv_of_points_with_a_header_and_comments():
    lines = [
        "# made by hand",
        "code,latitude,longitude",
        "19786,16.4556,107.584",
        "",
        " 46 , 16.33 , 107.52 ",
    ]
    assert location.read(lines) == {
        "19786": (16.4556, 107.584),
        "46": (16.33, 107.52),
    }


def test_read_names_every_wrong_line():
    lines = [
        "mã,vĩ độ,kinh độ",
        "19786,16.4556",
        "19777,91,107.6",
        "19768,16.5,200",
        ",16.5,107.5",
        "19815,16.43,107.59",
        "19815,16.43,107.59",
    ]
    with pytest.raises(location.LocationsError) as raised:
        location.read(lines, "diem.csv")
    assert [number for number, _problem in raised.value.problems] == [2, 3, 4, 5, 7]
    message = str(raised.value)
    assert "diem.csv:3: vĩ độ «91» không phải số từ -90 đến 90" in message
    assert "diem.csv:4: kinh độ «200»" in message
    assert "diem.csv:7: mã «19815» đã có ở dòng trước" in message


def test_the_shipped_points_cover_every_official_unit_inside_vietnam():
    points = location.official()
    codes = {
        unit.code
        for province in provinces().values()
        for unit in (province, *province.children)
    }
    assert set(points) == codes
    # Vietnam, the Spratlys and Paracels included, lies within these bounds.
    assert all(8 <= lat <= 24 and 102 <= lon <= 118 for lat, lon in points.values())
    assert points["19786"] == (16.4556, 107.584)  # Phường Thuận Hóa, Huế


@pytest.fixture
def located(monkeypatch):
    """The official index with the shipped points, but Phường Phú Xuân without one."""
    points = location.official()
    units = tuple(
        replace(unit, latitude=points[unit.code][0], longitude=points[unit.code][1])
        if unit.code != "19768"
        else unit
        for unit in official_index()
    )
    monkeypatch.setattr(finder, "index", lambda portal=None: units)
    return units


def test_nearest_communes_in_order_of_distance(located):
    pairs, total = finder.nearest(16.4556, 107.584, limit=3, level="commune")
    assert [unit.title for unit, _km in pairs] == [
        "Phường Thuận Hóa",
        "Phường An Cựu",  # Phường Phú Xuân (2.65 km) has no point
        "Phường Vỹ Dạ",
    ]
    assert [round(km, 2) for _unit, km in pairs] == [0.0, 2.96, 3.8]
    assert total == 3321 - 1


def test_nearest_of_a_level_and_of_a_name(located):
    provinces_near, total = finder.nearest(17.4689, 106.6223, limit=2, level="province")
    assert [unit.title for unit, _km in provinces_near] == [
        "Tỉnh Quảng Trị",
        "Tỉnh Hà Tĩnh",
    ]
    assert total == 34
    named, total = finder.nearest(16.4556, 107.584, level="commune", query="dong")
    distances = [km for _unit, km in named]
    assert distances == sorted(distances) and len(named) == 20 < total
    assert all(
        any(word.startswith("dong") for word in unit.folded) for unit, _km in named
    )
