"""Reporting periods: a month (``2026-03``), a quarter (``2026-Q3``) or a year (``2026``).

A period is a half-open range of local dates ``[start, end)``. A yearly period may end on a
day other than 1 January (``year_ends``): the provincial plans count a year up to their
yearly deadline (10 December), so the year 2026 runs from 10 December 2025 up to, not
including, 10 December 2026. Pure Python: no Zope.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from nguon.content.timezone import LOCAL_ZONE

import re


KINDS = ("monthly", "quarterly", "yearly")
_PATTERNS = {
    "monthly": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarterly": re.compile(r"^(\d{4})-Q([1-4])$"),
    "yearly": re.compile(r"^(\d{4})$"),
}


class PeriodError(ValueError):
    """Not a period of this kind."""


@dataclass(frozen=True)
class Period:
    id: str
    start: date
    end: date  # exclusive

    def local_start(self):
        return datetime.combine(self.start, datetime.min.time(), LOCAL_ZONE)

    def local_end(self):
        return datetime.combine(self.end, datetime.min.time(), LOCAL_ZONE)


def _month_start(year, month):
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def period(kind, text, year_ends=(1, 1)):
    """The period of ``kind`` named ``text``; PeriodError when it is not one."""
    found = _PATTERNS[kind].match(text or "")
    if found is None:
        raise PeriodError(text)
    year = int(found.group(1))
    if kind == "monthly":
        month = int(found.group(2))
        if not 1 <= month <= 12:
            raise PeriodError(text)
        return Period(text, date(year, month, 1), _month_start(year, month + 1))
    if kind == "quarterly":
        first = 3 * (int(found.group(2)) - 1) + 1
        return Period(text, date(year, first, 1), _month_start(year, first + 3))
    end = _year_end(year, year_ends)
    return Period(text, end.replace(year=end.year - 1), end)


def _year_end(year, year_ends):
    """Where the year named ``year`` ends: on ``year_ends`` of that year, or on 1 January of
    the next one for a calendar year."""
    if year_ends == (1, 1):
        return date(year + 1, 1, 1)
    return date(year, *year_ends)


def containing(kind, day, year_ends=(1, 1)):
    """The period of ``kind`` that contains the local date ``day``."""
    if kind == "monthly":
        return period(kind, f"{day.year}-{day.month:02d}")
    if kind == "quarterly":
        return period(kind, f"{day.year}-Q{(day.month - 1) // 3 + 1}")
    year = day.year + (day >= _year_end(day.year, year_ends))
    return period(kind, str(year), year_ends)


def previous(kind, current, year_ends=(1, 1)):
    """The period just before ``current``."""
    return containing(kind, current.start - timedelta(days=1), year_ends)
