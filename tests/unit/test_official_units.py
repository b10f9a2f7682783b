"""The official unit list from vietnam-provinces, as the importer sees it."""

from nguon.units import official

import pytest


def test_the_two_tier_list_has_34_provinces_and_3321_communes():
    provinces = official.provinces()
    assert len(provinces) == 34
    assert sum(len(p.children) for p in provinces.values()) == 3321


def test_codes_are_zero_padded_as_the_national_catalogue_writes_them():
    hanoi = official.province(1)
    assert hanoi.code == "01" and hanoi.title == "Thành phố Hà Nội"
    assert all(len(c.code) == 5 and c.code.isdigit() for c in hanoi.children)
    assert {"Phường Hoàn Kiếm": "00070"}.items() <= {
        c.title: c.code for c in hanoi.children
    }.items()


def test_province_titles_carry_their_kind():
    assert official.province("44").title == "Tỉnh Quảng Trị"
    assert official.province("46").title == "Thành phố Huế"


def test_communes_have_levels_kinds_and_unique_slugs():
    quang_tri = official.province("44")
    assert len(quang_tri.children) == 78
    assert {c.level for c in quang_tri.children} == {"commune"}
    assert {c.division_type for c in quang_tri.children} == {"xã", "phường", "đặc khu"}
    assert len({c.slug for c in quang_tri.children}) == 78


def test_an_unknown_province_code_is_named_in_the_error():
    with pytest.raises(KeyError, match="99"):
        official.province("99")


def test_every_commune_id_is_unique_in_its_province():
    # Xã Văn Lăng and Xã Văn Lang (Thái Nguyên) share a codename once diacritics go.
    for province in official.provinces().values():
        slugs = [c.slug for c in province.children]
        assert len(slugs) == len(set(slugs)), province.title
    thai_nguyen = {c.title: c.slug for c in official.province("19").children}
    assert thai_nguyen["Xã Văn Lăng"] != thai_nguyen["Xã Văn Lang"]
