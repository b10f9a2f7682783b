"""The gaps to act on in an area: essential items not yet delivered everywhere in it, worst
first, each with the units and channels still missing.

``nguon.ledger.coverage.gaps`` asks each channel why each missing pair is missing, which reads
device health (and the item's audio) per pair: right for one item, far too slow for a
province's year, where thousands of pairs are missing (measured: 3.5 s for the 50 worst of
600 items). So a gap here is read from its obligation alone: the pairs of the area without
proof, and for each the failure a device reported (audio refused…), if any. No device is
read; the reasons why the others have not arrived yet (station offline since…, no board) are
on the item's coverage (``@@do-phu``, ``@coverage``), one item at a time.

Worst first: emergencies, then the most failures reported, the most pairs missing, the
oldest.
"""

from dataclasses import dataclass
from nguon.ledger.coverage import obligations_in
from nguon.ledger.figures import utc_bounds


LIMIT = 50


@dataclass(frozen=True)
class Missing:
    """A target unit × channel of the area without proof."""

    unit: str
    unit_title: str
    channel: str
    failure: tuple = None  # (at, kind, device, message) a device reported, or None


@dataclass
class Gap:
    item: str
    facts: dict
    missing: list  # Missing, failures first

    @property
    def failed(self):
        return sum(each.failure is not None for each in self.missing)

    @property
    def emergency(self):
        return self.facts.get("priority") == "emergency"


@dataclass
class Gaps:
    total: int  # items not delivered everywhere in the area
    worst: list  # the first ``limit`` ``Gap``


def _weight(obligation, area):
    """``(pairs missing, failures reported)`` of the obligation in ``area``, None when it is
    delivered there; counted without listing the pairs when the whole obligation lies in the
    area (a province's own items on its page)."""
    if obligation.complete:
        return None
    proofs, failures = obligation.proofs, obligation.failures
    if area in obligation.common:
        missing = obligation.size - obligation.delivered()
        failed = sum(pair not in proofs for pair in failures.keys())
    else:
        units = {u for u, lineage in obligation.lineages.items() if area in lineage}
        pairs = [
            pair
            for pair in obligation.required
            if pair[0] in units and pair not in proofs
        ]
        missing, failed = len(pairs), sum(pair in failures for pair in pairs)
    return (missing, failed) if missing else None


def _gap(obligation, area):
    """The ``Gap`` of one obligation in ``area``: its pairs without proof, failures first."""
    missing = [
        Missing(
            unit,
            obligation.titles.get(unit, unit),
            channel,
            obligation.failures.get((unit, channel)),
        )
        for unit, channel in obligation.required
        if area in obligation.lineages.get(unit, ())
        and (unit, channel) not in obligation.proofs
    ]
    missing.sort(key=lambda m: (m.failure is None, m.unit_title, m.channel))
    return Gap(obligation.item, dict(obligation.facts), missing)


def area_gaps(portal, area_code, start, end, limit=LIMIT):
    """The ``Gaps`` of the area of ``area_code`` among the essential items published from
    ``start`` (inclusive) to ``end`` (exclusive), both dates."""
    ranked = []
    for obligation in obligations_in(portal, area_code, *utc_bounds(start, end)):
        weight = _weight(obligation, area_code)
        if weight is not None:
            missing, failed = weight
            rank = (not obligation.emergency, -failed, -missing, obligation.published)
            ranked.append((rank, obligation))
    ranked.sort(key=lambda pair: pair[0])
    return Gaps(
        len(ranked),
        [_gap(obligation, area_code) for _rank, obligation in ranked[:limit]],
    )
