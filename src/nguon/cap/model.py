"""The CAP 1.2 message as frozen dataclasses, with the standard's enumerations.

Field names follow the standard in Python's spelling (``msgType`` is ``msg_type``,
``areaDesc`` is ``Area.description``); repeated elements are tuples, ``(valueName, value)``
pairs are tuples of two strings, times are timezone-aware datetimes. Every class is
keyword-only: ``Info(event=..., urgency=..., ...)``. Geometry is kept as CAP writes it
(``"lat,lon lat,lon ..."`` and ``"lat,lon radius_km"``) so a message read from elsewhere
round-trips unchanged; ``points`` and ``circle`` read it, ``rules.check`` judges it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from nguon.cap.times import format_time
from nguon.cap.times import parse_time

import re


NAMESPACE = "urn:oasis:names:tc:emergency:cap:1.2"
# valueName of a <geocode> holding an official Vietnamese unit code (Danh mục đơn vị hành
# chính: "01" Hà Nội, "00001" a ward of it); the same name is used by every sender we know.
VN_UNIT_CODE = "VN-DVHC"

STATUSES = ("Actual", "Exercise", "System", "Test", "Draft")
MSG_TYPES = ("Alert", "Update", "Cancel", "Ack", "Error")
SCOPES = ("Public", "Restricted", "Private")
CATEGORIES = (
    "Geo",
    "Met",
    "Safety",
    "Security",
    "Rescue",
    "Fire",
    "Health",
    "Env",
    "Transport",
    "Infra",
    "CBRNE",
    "Other",
)
RESPONSE_TYPES = (
    "Shelter",
    "Evacuate",
    "Prepare",
    "Execute",
    "Avoid",
    "Monitor",
    "Assess",
    "AllClear",
    "None",
)
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
# The language of an <info> without <language> (the schema's default).
DEFAULT_LANGUAGE = "en-US"
# A WGS 84 coordinate or a radius as CAP writes them: decimal degrees or kilometres.
NUMBER = re.compile(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True, kw_only=True)
class Reference:
    """One earlier message an Update, Cancel, Ack or Error refers to."""

    sender: str
    identifier: str
    sent: datetime

    def __str__(self):
        return f"{self.sender},{self.identifier},{format_time(self.sent)}"

    @property
    def key(self):
        """(sender, identifier, sent), as ``Alert.key`` of the message referred to."""
        return (self.sender, self.identifier, self.sent)

    @classmethod
    def parse(cls, text):
        """A reference from its CAP form "sender,identifier,sent"; ValueError otherwise."""
        parts = text.strip().split(",")
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise ValueError(f"not a CAP reference (sender,identifier,sent): {text!r}")
        return cls(sender=parts[0], identifier=parts[1], sent=parse_time(parts[2]))


@dataclass(frozen=True, kw_only=True)
class Resource:
    """A file that goes with an <info>: a recorded voice, an image, a map."""

    description: str
    mime_type: str
    size: int | None = None
    uri: str | None = None
    deref_uri: str | None = None
    digest: str | None = None


@dataclass(frozen=True, kw_only=True)
class Area:
    """Where an <info> applies: a description and any of polygons, circles, geocodes."""

    description: str
    polygons: tuple[str, ...] = ()
    circles: tuple[str, ...] = ()
    geocodes: tuple[tuple[str, str], ...] = ()
    altitude: Decimal | None = None
    ceiling: Decimal | None = None

    def codes(self, value_name=VN_UNIT_CODE):
        """The values of the geocodes named ``value_name`` (the unit codes by default)."""
        return tuple(value for name, value in self.geocodes if name == value_name)


@dataclass(frozen=True, kw_only=True)
class Info:
    """The warning in one language."""

    language: str = DEFAULT_LANGUAGE
    categories: tuple[str, ...]
    event: str
    response_types: tuple[str, ...] = ()
    urgency: str
    severity: str
    certainty: str
    audience: str | None = None
    event_codes: tuple[tuple[str, str], ...] = ()
    effective: datetime | None = None
    onset: datetime | None = None
    expires: datetime | None = None
    sender_name: str | None = None
    headline: str | None = None
    description: str | None = None
    instruction: str | None = None
    web: str | None = None
    contact: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    resources: tuple[Resource, ...] = ()
    areas: tuple[Area, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Alert:
    """One CAP 1.2 message."""

    identifier: str
    sender: str
    sent: datetime
    status: str = "Actual"
    msg_type: str = "Alert"
    scope: str = "Public"
    source: str | None = None
    restriction: str | None = None
    addresses: str | None = None
    codes: tuple[str, ...] = ()
    note: str | None = None
    references: tuple[Reference, ...] = ()
    incidents: str | None = None
    infos: tuple[Info, ...] = ()

    @property
    def key(self):
        """(sender, identifier, sent): what names a message across the world; duplicates share it."""
        return (self.sender, self.identifier, self.sent)

    def reference(self):
        """This message as a ``Reference`` for an Update or Cancel that follows it."""
        return Reference(sender=self.sender, identifier=self.identifier, sent=self.sent)


def points(polygon):
    """The (lat, lon) pairs of a CAP polygon "lat,lon lat,lon ..."; ValueError if malformed."""
    return tuple(_pair(token) for token in polygon.split())


def circle(text):
    """(lat, lon, radius_km) of a CAP circle "lat,lon radius"; ValueError if malformed."""
    parts = text.split()
    if len(parts) != 2 or not NUMBER.match(parts[1]):
        raise ValueError(f"not a CAP circle (lat,lon radius): {text!r}")
    return (*_pair(parts[0]), float(parts[1]))


def _pair(token):
    lat, comma, lon = token.partition(",")
    if not (comma and NUMBER.match(lat) and NUMBER.match(lon)):
        raise ValueError(f"not a CAP coordinate pair (lat,lon): {token!r}")
    return float(lat), float(lon)
