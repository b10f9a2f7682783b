"""Where a unit is: an optional point (latitude, longitude, WGS84) for "the communes near me".

The behavior ``nguon.unit_location`` puts the two fields on the unit's edit form, which only
the site's administrators may change (``nguon.ManageUnits``, as the units control panel); plone.exportimport carries them
with the unit as every other field. The catalog keeps the point as the metadata column
``unit_location`` (``(latitude, longitude)``, or none), which the finder's index reads.

Points come from ``locations.csv`` beside this module (the official units, made by
``scripts/unit_locations.py``; its header says from where): the importer gives them to the units
it creates, the upgrade step to existing units that have none. ``nguon-units locate FILE`` loads
a CSV of ``code,latitude,longitude`` that an administrator made (``read`` says what a line
must be, ``locate`` sets the points).
"""

from collections import Counter
from functools import lru_cache
from nguon import _
from nguon.content.unit import IAdministrativeUnit
from nguon.units.geo import coordinate
from nguon.units.geo import LATITUDE
from nguon.units.geo import LONGITUDE
from nguon.units.tree import UNIT_TYPE
from pathlib import Path
from plone import api
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.indexer import indexer
from plone.supermodel import model
from z3c.form.converter import BaseDataConverter
from z3c.form.converter import FormatterValidationError
from z3c.form.interfaces import ITextWidget
from zope import schema
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Invalid
from zope.interface import invariant
from zope.interface import provider
from zope.schema.interfaces import IFloat

import csv
import math


OFFICIAL = Path(__file__).with_name("locations.csv")
EDIT_PERMISSION = (
    "nguon.ManageUnits"  # the units control panel's: Manager, Site Administrator
)


class ICoordinate(IFloat):
    """A latitude or longitude in decimal degrees."""


@implementer(ICoordinate)
class Coordinate(schema.Float):
    """A float that the form shows and reads as degrees (``CoordinateConverter``)."""


@adapter(ICoordinate, ITextWidget)
class CoordinateConverter(BaseDataConverter):
    """Degrees as people write them, in any language of the site: z3c.form's float
    converter follows the locale, which in Vietnamese shows ``16,478`` for 16.4779 (three
    decimals: a save would move the point by up to 50 m) and reads ``16.4556`` as 164556.
    Here the form shows every decimal with a point, and reads a point or a comma."""

    def toWidgetValue(self, value):
        if value is None:
            return ""
        return repr(float(value))

    def toFieldValue(self, value):
        text = (value or "").strip().replace(",", ".")
        if not text:
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            raise FormatterValidationError(
                _(
                    "error_unit_coordinate",
                    default="Nhập một số thập phân, ví dụ 16.4556.",
                ),
                value,
            )
        return number


@provider(IFormFieldProvider)
class IUnitLocation(model.Schema):
    """A unit's point: both coordinates or neither."""

    model.fieldset(
        "location",
        label=_("label_unit_location", default="Vị trí"),
        fields=["latitude", "longitude"],
    )

    latitude = Coordinate(
        title=_("label_unit_latitude", default="Vĩ độ"),
        description=_(
            "help_unit_latitude",
            default="Vĩ độ của một điểm trong đơn vị (WGS84, độ thập phân từ -90 đến 90; ví dụ 16.4556). Dùng để người dân tìm đơn vị gần mình.",
        ),
        min=LATITUDE[0],
        max=LATITUDE[1],
        required=False,
    )

    longitude = Coordinate(
        title=_("label_unit_longitude", default="Kinh độ"),
        description=_(
            "help_unit_longitude",
            default="Kinh độ của điểm đó (WGS84, độ thập phân từ -180 đến 180; ví dụ 107.584).",
        ),
        min=LONGITUDE[0],
        max=LONGITUDE[1],
        required=False,
    )

    directives.write_permission(latitude=EDIT_PERMISSION, longitude=EDIT_PERMISSION)

    @invariant
    def both_or_neither(data):
        if (data.latitude is None) != (data.longitude is None):
            raise Invalid(
                _(
                    "error_unit_location_half",
                    default="Nhập cả vĩ độ và kinh độ, hoặc để trống cả hai.",
                )
            )


def location_of(unit):
    """``(latitude, longitude)`` of a unit, or None."""
    lat = getattr(unit, "latitude", None)
    lon = getattr(unit, "longitude", None)
    if lat is None or lon is None:
        return None
    return (lat, lon)


@indexer(IAdministrativeUnit)
def unit_location(unit):
    found = location_of(unit)
    if found is None:
        raise AttributeError("unit_location")
    return found


class LocationsError(ValueError):
    """A CSV of locations that cannot be read: every wrong line, with its number."""

    def __init__(self, source, problems):
        self.problems = problems
        super().__init__(
            "\n".join(f"{source}:{number}: {problem}" for number, problem in problems)
        )


def read(lines, source="CSV"):
    """``{code: (latitude, longitude)}`` from lines of ``code,latitude,longitude`` (a first
    line ``code,…`` or ``mã,…``, empty lines and lines starting with ``#`` are skipped);
    ``LocationsError`` lists every wrong line."""
    found, problems, first = {}, [], True
    for number, row in enumerate(csv.reader(lines), start=1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if first and row[0].strip().lower() in ("code", "mã"):
            first = False
            continue
        first = False
        if len(row) != 3:
            problems.append((number, "cần đúng 3 cột: mã,vĩ độ,kinh độ"))
            continue
        code = row[0].strip()
        lat, lon = coordinate(row[1], LATITUDE), coordinate(row[2], LONGITUDE)
        if not code:
            problems.append((number, "thiếu mã đơn vị"))
        elif lat is None:
            problems.append(
                (number, f"vĩ độ «{row[1].strip()}» không phải số từ -90 đến 90")
            )
        elif lon is None:
            problems.append(
                (number, f"kinh độ «{row[2].strip()}» không phải số từ -180 đến 180")
            )
        elif code in found:
            problems.append((number, f"mã «{code}» đã có ở dòng trước"))
        else:
            found[code] = (lat, lon)
    if problems:
        raise LocationsError(source, problems)
    return found


@lru_cache(maxsize=1)
def official():
    """The points shipped for the official units (``locations.csv``)."""
    with OFFICIAL.open(encoding="utf-8") as stream:
        return read(stream, OFFICIAL.name)


def set_location(unit, point):
    """Give ``unit`` the point ``(latitude, longitude)`` (None clears it) and reindex it;
    True when it changed."""
    lat, lon = point if point is not None else (None, None)
    if location_of(unit) == (None if point is None else (lat, lon)):
        return False
    unit.latitude = lat
    unit.longitude = lon
    unit.reindexObject(idxs=["unit_code"])  # the metadata (unit_location) with it
    return True


def locate(points, only_missing=False):
    """Set the points ``{code: (latitude, longitude)}`` on the units with those codes (with
    ``only_missing``, only on units that have none); returns the counts ``updated``,
    ``unchanged`` and ``unknown`` (codes of no unit)."""
    counts = Counter(updated=0, unchanged=0, unknown=0)
    brains = api.content.find(portal_type=UNIT_TYPE, unrestricted=True)
    by_code = {brain.unit_code: brain for brain in brains}
    for code, point in sorted(points.items()):
        brain = by_code.get(code)
        if brain is None:
            counts["unknown"] += 1
            continue
        unit = brain._unrestrictedGetObject()
        if only_missing and location_of(unit) is not None:
            counts["unchanged"] += 1
        elif set_location(unit, point):
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts
