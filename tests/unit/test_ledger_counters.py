"""The ledger's counters: a figure summed over any period equals the sum of its days."""

from BTrees.OIBTree import OIBTree
from datetime import date
from datetime import timedelta
from hypothesis import given
from hypothesis import strategies as st
from nguon.ledger.counters import bump
from nguon.ledger.counters import series
from nguon.ledger.counters import total
from types import SimpleNamespace


FIRST = date(2025, 11, 20)
DAYS = 500


def _store(amounts):
    store = SimpleNamespace(counters=OIBTree())
    for offset, amount in amounts.items():
        bump(
            store, "19786", "delivered", "radio", FIRST + timedelta(days=offset), amount
        )
    # Another unit, figure and channel beside it must never be counted.
    bump(store, "19777", "delivered", "radio", FIRST, 1000)
    bump(store, "19786", "required", "radio", FIRST, 1000)
    bump(store, "19786", "delivered", "web", FIRST, 1000)
    return store


@given(
    st.dictionaries(st.integers(0, DAYS - 1), st.integers(1, 50), max_size=60),
    st.integers(-10, DAYS + 10),
    st.integers(0, DAYS + 20),
)
def test_a_period_sums_its_days(amounts, begin, length):
    store = _store(amounts)
    start = FIRST + timedelta(days=begin)
    end = start + timedelta(days=length)
    expected = sum(
        amount
        for offset, amount in amounts.items()
        if start <= FIRST + timedelta(days=offset) < end
    )
    assert total(store, ["19786"], "delivered", "radio", start, end) == expected


def test_units_add_up_and_months_make_a_series():
    store = _store({0: 2, 12: 3, 40: 4})
    both = total(
        store, ["19786", "19777"], "delivered", "radio", FIRST, FIRST + timedelta(41)
    )
    assert both == 1009
    assert series(store, ["19786"], "delivered", "radio", [(2025, 11), (2025, 12)]) == [
        ("2025-11", 2),
        ("2025-12", 7),
    ]
