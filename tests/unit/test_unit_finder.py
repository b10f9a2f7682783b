"""Finding a unit by name without diacritics, over the whole official list (34 provinces and
3,321 communes), with the finder's index built from the list itself instead of a catalog."""

from nguon.units import finder
from nguon.units.official import provinces

import pytest


def official_index():
    rows = []
    for province in provinces().values():
        path = f"vn/{province.slug}"
        rows.append((province, path, "vn", "Trung ương"))
        for commune in province.children:
            rows.append((commune, f"{path}/{commune.slug}", path, province.title))
    return tuple(
        finder.UnitName(
            code=unit.code,
            title=unit.title,
            name=finder.name_of(unit.title),
            level=unit.level,
            path=path,
            parent_path=parent,
            parent_title=parent_title,
            folded=tuple(finder.words(unit.title)),
            key=finder.fold(finder.name_of(unit.title)),
        )
        for unit, path, parent, parent_title in rows
    )


@pytest.fixture
def official(monkeypatch):
    units = official_index()
    monkeypatch.setattr(finder, "index", lambda portal=None: units)
    return units


def test_fold_removes_diacritics_and_reads_d_bar_as_d():
    assert finder.fold("Phường Thuận Hóa") == "phuong thuan hoa"
    assert finder.fold("Đặc khu Côn Đảo") == "dac khu con dao"
    assert finder.words("  Xã  Vĩnh-Lộc ") == ["xa", "vinh", "loc"]


def test_every_official_title_loses_its_kind_in_its_name(official):
    assert len(official) == 34 + 3321
    assert all(unit.name != unit.title for unit in official)
    assert finder.name_of("Thành phố Huế") == "Huế"


def test_a_commune_typed_without_diacritics_is_found_among_3321(official):
    units, total = finder.find("thuan hoa")
    titles = [(unit.title, unit.parent_title) for unit in units]
    assert ("Phường Thuận Hóa", "Thành phố Huế") in titles
    # Every unit of that very name comes before units whose name only starts so.
    names = [finder.fold(unit.name) for unit in units]
    exact = [name == "thuan hoa" for name in names]
    assert exact == sorted(exact, reverse=True)
    assert total >= len(units)


def test_a_province_comes_before_its_namesakes_and_a_code_finds_its_unit(official):
    units, _total = finder.find("hue")
    assert units[0].title == "Thành phố Huế"
    units, total = finder.find("19786")
    assert [unit.title for unit in units] == ["Phường Thuận Hóa"] and total == 1


def test_nothing_typed_finds_nothing(official):
    assert finder.find("") == ([], 0)
    assert finder.find("   ,;  ") == ([], 0)
