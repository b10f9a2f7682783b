"""Which units a received message warns: the official unit codes its areas name.

A message names units with ``<geocode>`` of valueName ``VN-DVHC`` (``nguon.cap.model``).
A code unknown to the unit tree, or outside the area of the units its source may warn, is
left out and reported; a unit inside another one named too is covered by that one's alert
(the alert of a province reaches its communes), so each area gets one alert, in its
highest unit. No unit left: the message is refused with the reason.
"""

from dataclasses import dataclass
from nguon import _
from nguon.cap.model import VN_UNIT_CODE
from nguon.units.tree import find_unit
from nguon.units.tree import lineage


@dataclass(frozen=True)
class Coverage:
    units: tuple  # the units that get an alert, highest first
    notes: tuple  # i18n messages: codes left out and why


def named_codes(message):
    """The unit codes of every area of every ``<info>``, in order, once each."""
    codes = []
    for info in message.infos:
        for area in info.areas:
            codes += [code.strip() for code in area.codes(VN_UNIT_CODE)]
    return list(dict.fromkeys(code for code in codes if code))


def coverage(message, source):
    """The units ``message`` from ``source`` warns, with notes on the codes left out."""
    found, notes = [], []
    for code in named_codes(message):
        unit = find_unit(code)
        if unit is None:
            notes.append(
                _(
                    "cap_ingest_unknown_unit",
                    default="Mã đơn vị ${code} không có trong cây đơn vị: bỏ qua.",
                    mapping={"code": code},
                )
            )
            continue
        codes = [c for c, _level in lineage(unit)]
        if not source.units & set(codes):
            notes.append(
                _(
                    "cap_ingest_outside_unit",
                    default="Đơn vị ${code} nằm ngoài địa bàn nguồn «${source}» được "
                    "cảnh báo: bỏ qua.",
                    mapping={"code": code, "source": source.name},
                )
            )
            continue
        found.append((codes, unit))
    named = {codes[-1] for codes, _unit in found}
    units = [
        unit for codes, unit in found if not named & set(codes[:-1])
    ]  # a unit whose ancestor is named too is covered by the ancestor's alert
    units.sort(key=lambda unit: len(lineage(unit)))
    return Coverage(tuple(units), tuple(notes))
