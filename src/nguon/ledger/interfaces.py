"""What a capability registers with the ledger, without touching it.

- ``IProofKind``: a kind of delivery record (``nguon.ledger.kinds.ProofKind``), a named utility
  whose name is the kind's name (radio's as-run, boards' proof of play, syndication's push
  acknowledgement; alerts and the citizen app add theirs).
- ``IChannelReasons``: for one channel (the utility's name), why a target unit has no proof
  yet: ``reason(portal, unit_code, obligation, now)`` answers ``(status, message, since)``.
- ``IIndicators``: a capability's figures for the statistics pages and the reports'
  pre-fill, an iterable of ``IIndicator`` (``nguon.ledger.indicators.Indicator``) registered
  as one named utility per capability.
"""

from zope.interface import Attribute
from zope.interface import Interface


class IProofKind(Interface):
    name = Attribute("The kind's name, also the utility's name")
    channel = Attribute("The channel it proves delivery on: web, radio, board, …")
    title = Attribute("What it is, an i18n message")
    proves = Attribute("True when a record of this kind proves delivery")


class IChannelReasons(Interface):
    def reason(portal, unit_code, obligation, now):
        """``(status, message, since)`` for a unit without proof on this channel: status
        ``pending`` or ``failed``, an i18n message, and since when (or None)."""

    def name(portal, device):
        """What people call the device that proved a delivery on this channel (a station's
        title, a commune site's address), or None when it cannot be said."""


class IIndicator(Interface):
    name = Attribute("Key of the figure")
    title = Attribute("i18n message")
    unit = Attribute("count, percent, hours, minutes")
    aggregate = Attribute("sum or mean: how the figures of units below add up")

    def compute(portal, unit, start, end):
        """The figure for ``unit``'s area from ``start`` (inclusive) to ``end`` (exclusive),
        both dates; None when it cannot be known."""


class IIndicators(Interface):
    """An iterable of ``IIndicator``: one capability's figures."""

    def __iter__():
        """The indicators."""
