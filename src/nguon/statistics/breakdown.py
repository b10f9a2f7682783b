"""Coverage per unit below and figures per month, from the ledger's counters only.

Both read ``nguon.ledger.counters`` (``total`` per child unit, ``series`` per month) over the
unit codes of an area: a few thousand key lookups for a province's year, whatever the number
of delivery records (docs/statistics.md). Coverage is the share of required pairs (a
receiving unit on a required channel, of the essential items published in the period) that
have a proof.
"""

from dataclasses import dataclass
from dataclasses import field
from nguon.content.vocabularies import CHANNELS
from nguon.ledger.counters import series
from nguon.ledger.counters import total
from nguon.ledger.store import ledger
from nguon.ledger.units import area_codes
from nguon.ledger.units import children_codes
from nguon.units.finder import index


CHANNEL_IDS = tuple(value for value, _title in CHANNELS)


def percent(done, required):
    """``done`` of ``required`` in percent, None when nothing was required."""
    return round(100.0 * done / required, 2) if required else None


@dataclass
class Share:
    """Pairs required and delivered on one channel (or all of them)."""

    required: int = 0
    delivered: int = 0

    @property
    def percent(self):
        return percent(self.delivered, self.required)

    def add(self, other):
        self.required += other.required
        self.delivered += other.delivered


@dataclass
class UnitCoverage:
    code: str
    title: str
    channels: dict = field(default_factory=dict)  # channel -> Share
    overall: Share = field(default_factory=Share)


def shares(store, codes, start, end):
    """``{channel: Share}`` and the overall ``Share`` of units ``codes``."""
    found = {}
    overall = Share()
    for channel in CHANNEL_IDS:
        share = Share(
            total(store, codes, "required", channel, start, end),
            total(store, codes, "delivered", channel, start, end),
        )
        found[channel] = share
        overall.add(share)
    return found, overall


def _child_areas(portal, store, unit_code):
    """``{child code: [codes counting for it]}``: every unit code of the area (with the
    codes merged into them) under the child it lies below, in one pass over the tree."""
    children = children_codes(unit_code, portal)
    units = {u.code: u for u in index(portal)}
    top = units[unit_code].path + "/"
    by_path = {units[code].path: code for code, _title in children}
    found = {code: [] for code, _title in children}
    for code in area_codes(unit_code, portal):
        current, seen = code, set()
        while current not in units and current in store.aliases and current not in seen:
            seen.add(current)
            current = store.aliases[current]
        unit = units.get(current)
        if unit is None or not unit.path.startswith(top):
            continue
        child = by_path.get(top + unit.path[len(top) :].split("/")[0])
        if child is not None:
            found[child].append(code)
    return children, found


def children(portal, unit_code, start, end):
    """The coverage of each unit directly below, worst first (units with nothing required
    last), from ``start`` (inclusive) to ``end`` (exclusive)."""
    store = ledger(portal)
    if store is None:
        return []
    kids, codes = _child_areas(portal, store, unit_code)
    rows = []
    for code, title in kids:
        channels, overall = shares(store, codes[code], start, end)
        rows.append(UnitCoverage(code, title, channels, overall))
    rows.sort(
        key=lambda row: (
            row.overall.percent is None,
            row.overall.percent or 0,
            row.title,
        )
    )
    return rows


@dataclass
class Month:
    month: str  # 2026-11
    channels: dict  # channel -> Share
    overall: Share
    published: int
    radio_hours: float
    board_hours: float


def monthly(portal, unit_code, months):
    """A ``Month`` for each ``(year, month)`` in ``months``: the area's coverage per channel,
    items published, hours aired and shown."""
    store = ledger(portal)
    if store is None:
        return []
    codes = area_codes(unit_code, portal)

    def points(figure, dimension):
        return [
            value for _month, value in series(store, codes, figure, dimension, months)
        ]

    required = {c: points("required", c) for c in CHANNEL_IDS}
    delivered = {c: points("delivered", c) for c in CHANNEL_IDS}
    published = points("published", "")
    radio = points("seconds", "radio")
    board = points("seconds", "board")
    found = []
    for i, (year, month) in enumerate(months):
        channels = {c: Share(required[c][i], delivered[c][i]) for c in CHANNEL_IDS}
        overall = Share()
        for share in channels.values():
            overall.add(share)
        found.append(
            Month(
                f"{year:04d}-{month:02d}",
                channels,
                overall,
                published[i],
                round(radio[i] / 3600, 2),
                round(board[i] / 3600, 2),
            )
        )
    return found
