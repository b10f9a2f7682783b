"""Topics of the broadcast: one per audience, channel and place, computed on both sides.

``nguon/v1/<audience>/<channel>/<code>/<here|area>``:

- *audience*: ``public`` (every device), or ``test`` (alerts marked Test or Exercise, for the
  devices marked to receive tests only);
- *channel*: ``radio`` or ``board``;
- *place*: a reach pair ``(code, below)`` of ``nguon.publication.targeting``: ``here`` is
  the unit with that code alone (below False), ``area`` the unit and every unit under it
  (below True).

A device of the unit whose lineage is ``[c0, …, cn]`` (codes from the top of the tree down to
its own unit) reads exactly what ``targeting.reaches`` says it reads: ``cn/here``, ``cn/area``
and ``ci/area`` for every ancestor ``ci`` (``subscriptions``). No wildcard is ever needed, so a
device never receives a place that is not its own.
"""

from typing import NamedTuple


PREFIX = "nguon/v1"
PUBLIC = "public"
TEST = "test"
AUDIENCES = (PUBLIC, TEST)
CHANNELS = ("radio", "board")
HERE = "here"
AREA = "area"


class Place(NamedTuple):
    """What a topic names."""

    audience: str
    channel: str
    code: str
    below: bool


def _check(audience, channel, code):
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    if not code or any(char in code for char in "/+#\0"):
        raise ValueError(f"a unit code cannot be a topic level: {code!r}")


def topic(audience, channel, code, below):
    """The topic of the place ``(code, below)`` on ``channel`` for ``audience``."""
    _check(audience, channel, code)
    return f"{PREFIX}/{audience}/{channel}/{code}/{AREA if below else HERE}"


def parse(name):
    """The ``Place`` a topic names; ``ValueError`` for anything else."""
    parts = name.split("/")
    if len(parts) != 6 or "/".join(parts[:2]) != PREFIX or parts[5] not in (HERE, AREA):
        raise ValueError(f"not a broadcast topic: {name!r}")
    _nguon, _version, audience, channel, code, place = parts
    _check(audience, channel, code)
    return Place(audience, channel, code, place == AREA)


def subscriptions(lineage_codes, channel, tests=False):
    """The topics a device of the unit with ``lineage_codes`` subscribes on ``channel``;
    ``tests``: the device is marked to receive Test and Exercise alerts too."""
    if not lineage_codes:
        return []
    *ancestors, own = lineage_codes
    places = [(own, False), (own, True)] + [(code, True) for code in ancestors]
    audiences = AUDIENCES if tests else (PUBLIC,)
    return [
        topic(audience, channel, code, below)
        for audience in audiences
        for code, below in places
    ]
