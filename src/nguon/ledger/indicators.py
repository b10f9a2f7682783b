"""Indicators: the figures the statistics pages show and the reports pre-fill.

An ``Indicator`` has a key, a title, a unit (``count``, ``percent``, ``hours``, ``minutes``)
and how the figures of several units combine (``sum`` or ``mean``); ``compute(portal, unit,
start, end)`` gives its value for ``unit``'s area from ``start`` (inclusive) to ``end``
(exclusive), both dates in Vietnam's calendar, or None when nothing can be said (no item, no
device). A capability registers its indicators as one named utility providing
``IIndicators`` (an iterable of ``Indicator``) in its own ``configure.zcml``: the ledger
registers those of the delivery record (``nguon.ledger.figures.INDICATORS``, name
``ledger``); citizen feedback, alerts and the citizen app add theirs the same way, without
touching this module.
"""

from collections.abc import Callable
from dataclasses import dataclass
from nguon.ledger.interfaces import IIndicator
from nguon.ledger.interfaces import IIndicators
from zope.component import getUtilitiesFor
from zope.interface import implementer


UNITS = ("count", "percent", "hours", "minutes")
AGGREGATES = ("sum", "mean")


@implementer(IIndicator)
@dataclass(frozen=True)
class Indicator:
    name: str
    title: object
    unit: str
    compute: Callable
    aggregate: str = "sum"
    order: int = 100  # where it stands on the pages, smaller first

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(
                f"indicator {self.name}: unit {self.unit!r} not in {UNITS}"
            )
        if self.aggregate not in AGGREGATES:
            raise ValueError(
                f"indicator {self.name}: {self.aggregate!r} not in {AGGREGATES}"
            )


def indicators():
    """Every registered indicator, in page order."""
    found = [each for _name, group in getUtilitiesFor(IIndicators) for each in group]
    return sorted(found, key=lambda i: (i.order, i.name))


def indicator(name):
    """The indicator called ``name``, or None."""
    return next((each for each in indicators() if each.name == name), None)


def figures(portal, unit, start, end, names=None):
    """``{name: value}`` of the indicators ``names`` (all when None) for ``unit``'s area;
    an unknown name raises ``KeyError``."""
    chosen = indicators() if names is None else [_known(name) for name in names]
    return {i.name: i.compute(portal, unit, start, end) for i in chosen}


def _known(name):
    found = indicator(name)
    if found is None:
        raise KeyError(f"no indicator {name!r} is registered")
    return found
