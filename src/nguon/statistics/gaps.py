"""The gaps to act on in an area: essential items not yet delivered everywhere in it, worst
first, each with the units and channels still missing and why.

``nguon.ledger.coverage.gaps`` asks every channel why each missing pair is missing, which
reads device health per pair: right for one commune, too slow for a province's year with
thousands of items. So the area's obligations are first ranked from what they hold
(emergency, failures reported, pairs without proof in the area, oldest first: no device is
read), and only the ``limit`` worst are described with their reasons (``coverage_of``).
"""

from dataclasses import dataclass
from nguon.ledger.coverage import coverage_of
from nguon.ledger.coverage import DELIVERED
from nguon.ledger.coverage import obligations_in
from nguon.ledger.figures import utc_bounds


LIMIT = 50


@dataclass
class Gaps:
    total: int  # items not delivered everywhere in the area
    worst: list  # the first ``limit`` as ``Coverage`` with their missing pairs only


def _rank(obligation, area):
    """What the gap of one obligation in ``area`` weighs, without reading any device; None
    when it is delivered there."""
    if len(obligation.proofs) == len(obligation.required):
        return None
    inside = [
        pair
        for pair in obligation.required
        if area in obligation.lineages.get(pair[0], ())
    ]
    missing = [pair for pair in inside if pair not in obligation.proofs]
    if not missing:
        return None
    failed = sum(pair in obligation.failures for pair in missing)
    return (not obligation.emergency, -failed, -len(missing), obligation.published)


def area_gaps(portal, area_code, start, end, limit=LIMIT, now=None):
    """The ``Gaps`` of the area of ``area_code`` among the essential items published from
    ``start`` (inclusive) to ``end`` (exclusive), both dates."""
    ranked = []
    for obligation in obligations_in(portal, area_code, *utc_bounds(start, end)):
        rank = _rank(obligation, area_code)
        if rank is not None:
            ranked.append((rank, obligation))
    ranked.sort(key=lambda pair: pair[0])
    worst = []
    for _rank_of, obligation in ranked[:limit]:
        cover = coverage_of(portal, obligation, now, area=area_code)
        cover.pairs = [p for p in cover.pairs if p.status != DELIVERED]
        worst.append(cover)
    return Gaps(len(ranked), worst)
