"""The ledger's counters: a figure per receiving unit, per day and per month.

A counter's key is ``(unit code, figure, dimension, period)``, the period ``d2026-11-30`` or
``m2026-11`` in Vietnam's calendar; ``bump`` adds to both. ``total`` sums a figure over a set
of units and dates: whole months from the month keys, the days of partial months from the
day keys, so a year of a province is a few thousand lookups whatever the records number.
"""

from datetime import date
from datetime import datetime
from datetime import timedelta
from nguon.content.timezone import LOCAL_ZONE


def local_day(moment):
    """The day in Vietnam of an aware datetime (or an ISO 8601 string)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(LOCAL_ZONE).date()


def bump(store, code, figure, dimension, day, amount=1):
    """Add ``amount`` (an int) to a figure of unit ``code`` on ``day``."""
    if not amount:
        return
    counters = store.counters
    for key in (
        (code, figure, dimension, f"d{day.isoformat()}"),
        (code, figure, dimension, f"m{day:%Y-%m}"),
    ):
        counters[key] = counters.get(key, 0) + int(amount)


def _spans(start, end):
    """The period keys covering ``start`` (inclusive) to ``end`` (exclusive): months that lie
    whole inside, days for the rest."""
    keys = []
    day = start
    while day < end:
        month_end = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day.day == 1 and month_end <= end:
            keys.append(f"m{day:%Y-%m}")
            day = month_end
        else:
            keys.append(f"d{day.isoformat()}")
            day += timedelta(days=1)
    return keys


def total(store, codes, figure, dimension, start, end):
    """The sum of a figure over units ``codes`` from ``start`` to ``end`` (dates)."""
    counters = store.counters
    spans = _spans(start, end)
    return sum(
        counters.get((code, figure, dimension, span), 0)
        for code in codes
        for span in spans
    )


def series(store, codes, figure, dimension, months):
    """``[(month, sum)]`` for each ``(year, month)`` in ``months``: a chart's points."""
    counters = store.counters
    return [
        (
            f"{year:04d}-{month:02d}",
            sum(
                counters.get((code, figure, dimension, f"m{year:04d}-{month:02d}"), 0)
                for code in codes
            ),
        )
        for year, month in months
    ]
