"""Read Vietnam's official administrative divisions shipped by the ``vietnam-provinces`` package.

Since 1 July 2025 the list has two tiers: 34 provinces and 3,321 communes, wards and special
zones. Codes are the official ones, zero-padded as the national catalogue writes them
(two digits for a province, five for a commune).
"""

from collections import Counter
from dataclasses import dataclass
from dataclasses import replace
from functools import lru_cache

import json
import vietnam_provinces


@dataclass(frozen=True)
class OfficialUnit:
    code: str
    title: str
    level: str
    division_type: str
    slug: str
    children: tuple = ()


KIND_PREFIXES = ("Tỉnh ", "Thành phố ")


def _province_title(name, division_type):
    """ "Cao Bằng" of kind "tỉnh" -> "Tỉnh Cao Bằng"; "Thành phố Huế" already says its kind."""
    if name.startswith(KIND_PREFIXES):
        return name
    return f"{division_type.capitalize()} {name}"


def _slug(codename):
    return codename.replace("_", "-")


def _commune(ward):
    return OfficialUnit(
        code=f"{ward['code']:05d}",
        title=ward["name"],
        level="commune",
        division_type=ward["division_type"],
        slug=_slug(ward["codename"]),
    )


def _unique_slugs(communes):
    """Names that differ only by diacritics (Xã Văn Lăng, Xã Văn Lang) share a codename:
    those communes get their official code appended, so every id in a province is unique."""
    seen = Counter(commune.slug for commune in communes)
    return tuple(
        replace(commune, slug=f"{commune.slug}-{commune.code}")
        if seen[commune.slug] > 1
        else commune
        for commune in communes
    )


def _province(raw):
    return OfficialUnit(
        code=f"{raw['code']:02d}",
        title=_province_title(raw["name"], raw["division_type"]),
        level="province",
        division_type=raw["division_type"],
        slug=_slug(raw["codename"]),
        children=_unique_slugs([_commune(ward) for ward in raw["wards"]]),
    )


@lru_cache(maxsize=1)
def provinces():
    """All provinces of the official list, each with its communes, keyed by code."""
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as stream:
        raw = json.load(stream)
    return {unit.code: unit for unit in map(_province, raw)}


def province(code):
    """The official province with this code ("46" or 46); KeyError names an unknown code."""
    key = f"{int(code):02d}"
    try:
        return provinces()[key]
    except KeyError:
        raise KeyError(
            f"không có tỉnh, thành phố mã {key} trong danh mục vietnam-provinces "
            f"{vietnam_provinces.__version__}"
        ) from None


def data_version():
    """The date the official list was taken, as the package records it."""
    return vietnam_provinces.__data_version__


CENTRAL = OfficialUnit(
    code="VN",
    title="Trung ương",
    level="central",
    division_type="trung ương",
    slug="trung-uong",
)
