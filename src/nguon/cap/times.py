"""CAP's time format: ``2026-11-30T14:05:00+07:00``, seconds, an explicit offset, no "Z".

CAP 1.2 (3.3.2) forbids alphabetic time zones and writes UTC as ``-00:00``; the schema's
pattern forbids fractions of a second.
"""

from datetime import datetime
from datetime import timedelta
from datetime import UTC

import re


PATTERN = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[-+]\d\d:\d\d$")


def format_time(value):
    """A timezone-aware datetime in CAP's form; ValueError for a naive one."""
    offset = value.utcoffset()
    if offset is None:
        raise ValueError(f"a CAP time needs an explicit offset: {value!r}")
    if offset.total_seconds() % 60:
        # a zone's local mean time of old (Hanoi's +07:06:40): CAP offsets are in minutes
        value, offset = value.astimezone(UTC), timedelta(0)
    text = value.replace(microsecond=0, tzinfo=None).isoformat()
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes <= 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{text}{sign}{hours:02d}:{minutes:02d}"


def parse_time(text):
    """The aware datetime of a CAP time; ValueError when it is not in CAP's form."""
    text = text.strip()
    if not PATTERN.match(text):
        raise ValueError(f"not a CAP time: {text!r}")
    return datetime.fromisoformat(text)
