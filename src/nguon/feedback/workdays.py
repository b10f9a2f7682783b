"""Vietnamese working days: when a citizen's report is due, and when to warn before.

How the days are counted, as Vietnamese law counts a period given in days (Bộ luật Dân sự
2015, Điều 147-148) and as administrative procedures count their working days:

- The day of receipt does not count: the first day of the period is the next working day.
  Only the LOCAL calendar day of the receipt matters (Asia/Ho_Chi_Minh), not its hour: a
  report filed on Thursday at 23:00 is received on Thursday and Friday is its first day; one
  filed on Friday at 17:30, on a Saturday or on the eve of a holiday counts from the next
  working day after the weekend or the holiday.
- Working days are Monday to Friday, less the public holidays of the Labour Code as the
  ``holidays`` library's Vietnamese calendar records them (``holidays.VN``): New Year's Day,
  Tết Nguyên Đán (the eve and four days, with the days that replace those falling on a
  weekend, e.g. 4-10 February 2027), the Hùng Kings' day, 30 April, 1 May, 2 September with
  the day beside it, Vietnam Culture Day (24 November, from 2026), every day off moved from a
  weekend, and the government's announced swaps: a Saturday that the government makes a
  working day in exchange for a day off (22 August 2026) is a working day. The calendar of a
  year is what the installed ``holidays`` release knows of it; when the government announces
  a schedule that differs (usually for Tết), a newer ``holidays`` release brings it.
- The period ends when the office closes on its last day (Điều 148: when the work is done at
  an office, the last day ends with its working hours): 17:00 local time.

Pure (no Zope): the store, the timers and the tests call it with any aware datetime.
"""

from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from functools import lru_cache
from nguon.content.timezone import LOCAL_ZONE

import holidays


OFFICE_CLOSES = time(17, 0)
_DAY = timedelta(days=1)


@lru_cache(maxsize=64)
def _working_days(year):
    """The working days of ``year``. The neighbouring years are in the calendar as well: a
    working Saturday may be announced with a day off of the year after (31 Dec 2014 / 2 Jan
    2015)."""
    calendar = holidays.VN(years=range(year - 1, year + 2), expand=False)
    day, days = date(year, 1, 1), set()
    while day.year == year:
        if calendar.is_working_day(day):
            days.add(day)
        day += _DAY
    return frozenset(days)


def _local_date(moment):
    """The local calendar day of ``moment``, an aware datetime or a date; a naive datetime is
    refused, as nobody can tell which day it is."""
    if isinstance(moment, datetime):
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(f"a naive datetime has no local day: {moment!r}")
        return moment.astimezone(LOCAL_ZONE).date()
    return moment


def is_working_day(day):
    """Whether ``day`` (a date, or an aware datetime: its local day) is a working day."""
    day = _local_date(day)
    return day in _working_days(day.year)


def _step(day, days, direction):
    """The ``days``-th working day after (``direction`` +1) or before (-1) ``day``."""
    while days:
        day += direction * _DAY
        if is_working_day(day):
            days -= 1
    return day


def due_at(received, days):
    """When a report received at ``received`` (aware) is due, given ``days`` working days
    (at least 1): 17:00 local time of the ``days``-th working day after the local day of
    receipt. A report received on Wednesday 3 February 2027, the day before the Tết holiday
    (Thursday 4 to Wednesday 10 February), with 1 day, is due on Thursday 11 February at
    17:00."""
    if days < 1:
        raise ValueError(f"a period counts at least one working day, not {days}")
    last = _step(_local_date(received), days, +1)
    return datetime.combine(last, OFFICE_CLOSES, tzinfo=LOCAL_ZONE)


def warn_at(due, days_before):
    """The moment to warn that ``due`` (aware) is near: the same local time ``days_before``
    working days before the local day of ``due`` (``due`` itself for 0). For a due date from
    :func:`due_at` with ``days`` and ``days_before < days`` the warning is the
    ``days - days_before``-th working day after receipt: never on or before the day the
    report arrived. A larger ``days_before`` is the caller's mistake, and may give a moment
    in the past."""
    if days_before < 0:
        raise ValueError(
            f"a warning comes before the due date, not {days_before} days after"
        )
    day = _step(_local_date(due), days_before, -1)
    return datetime.combine(day, due.astimezone(LOCAL_ZONE).time(), tzinfo=LOCAL_ZONE)


def working_days_between(start, end):
    """The whole working days after the local day of ``start`` up to and including the
    local day of ``end`` (dates or aware datetimes); negative when ``end`` is earlier.
    ``working_days_between(received, due_at(received, n)) == n``: the days a report had, or
    (with now as ``end``) how many it has used; a report overdue by one working day gives
    ``n + 1``."""
    first, last = _local_date(start), _local_date(end)
    if last < first:
        return -working_days_between(end, start)
    count, day = 0, first
    while day < last:
        day += _DAY
        if is_working_day(day):
            count += 1
    return count
