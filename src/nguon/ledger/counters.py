"""The ledger's counters: a figure per receiving unit, per day and per month.

A counter's key is ``(unit code, figure, dimension, period)``, the period ``d2026-11-30`` or
``m2026-11`` in Vietnam's calendar; ``bump`` adds to both. ``total`` sums a figure over a set
of units and dates: whole months from the month keys, the days of partial months from the
day keys, at most three range scans per unit whatever the period and the records number.

A unit whose figures another site reports (a province's units on central: ``rolled_up``) is
read from those, never from this site's own counters for it (``tree``).
"""

from datetime import date
from datetime import datetime
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


def _next_month(day):
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _ranges(start, end):
    """Key ranges ``(low, high)`` (high excluded) covering ``start`` to ``end`` (exclusive):
    the months that lie whole inside from the month keys, the days before and after them
    from the day keys. At most three ranges, whatever the length of the period."""
    if start >= end:
        return []
    first = start if start.day == 1 else _next_month(start)
    last = date(end.year, end.month, 1)
    if first >= last:
        return [(f"d{start.isoformat()}", f"d{end.isoformat()}")]
    ranges = [(f"m{first:%Y-%m}", f"m{last:%Y-%m}")]
    if start < first:
        ranges.append((f"d{start.isoformat()}", f"d{first.isoformat()}"))
    if last < end:
        ranges.append((f"d{last.isoformat()}", f"d{end.isoformat()}"))
    return ranges


def tree(store, code):
    """The counters that hold unit ``code``'s figures: the ones another site reported for
    it (``rolled_up``) when it has any, else this site's own."""
    sources = getattr(store, "rolled_up_from", None)
    if sources is not None and code in sources:
        return store.rolled_up
    return store.counters


def total(store, codes, figure, dimension, start, end):
    """The sum of a figure over units ``codes`` from ``start`` to ``end`` (dates): one range
    scan of the counters per unit and range (``_ranges``)."""
    ranges = _ranges(start, end)
    return sum(
        sum(
            count(value)
            for value in tree(store, code).values(
                min=(code, figure, dimension, low),
                max=(code, figure, dimension, high),
                excludemax=True,
            )
        )
        for code in codes
        for low, high in ranges
    )


def count(value):
    """A counter's value: an int, or a ``BTrees.Length`` (the stores whose writers add to
    one key at once keep those, which merge concurrent additions)."""
    return value if isinstance(value, int) else value()


def series(store, codes, figure, dimension, months):
    """``[(month, sum)]`` for each ``(year, month)`` in ``months``: a chart's points."""
    trees = [(code, tree(store, code)) for code in codes]
    return [
        (
            f"{year:04d}-{month:02d}",
            sum(
                count(
                    counters.get(
                        (code, figure, dimension, f"m{year:04d}-{month:02d}"), 0
                    )
                )
                for code, counters in trees
            ),
        )
        for year, month in months
    ]
