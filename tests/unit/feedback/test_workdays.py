"""Due dates of citizens' reports in Vietnamese working days: the day of receipt does not
count, weekends and public holidays (Tết included) are skipped, the last day ends at 17:00
local time."""

from datetime import date
from datetime import datetime
from datetime import timedelta
from datetime import UTC
from hypothesis import given
from hypothesis import strategies as st
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback.workdays import due_at
from nguon.feedback.workdays import is_working_day
from nguon.feedback.workdays import warn_at
from nguon.feedback.workdays import working_days_between

import pytest


def local(*args):
    return datetime(*args, tzinfo=LOCAL_ZONE)


def closes(year, month, day):
    return local(year, month, day, 17, 0)


def test_the_day_before_tet_2027_is_due_after_the_holiday_week():
    # Tết Đinh Mùi: the eve is Friday 5 February 2027; with the days that replace Tết days
    # falling on the weekend, offices close from Thursday 4 to Wednesday 10 February.
    assert not any(is_working_day(date(2027, 2, day)) for day in range(4, 11))
    received = local(2027, 2, 3, 9, 30)
    assert due_at(received, 1) == closes(2027, 2, 11)
    assert due_at(received, 5) == closes(2027, 2, 17)
    assert working_days_between(received, due_at(received, 5)) == 5


def test_the_example_of_docs_feedback_md():
    # A street light reported the day before Tết 2027, 10 working days, warned 2 before.
    due = due_at(local(2027, 2, 3, 9, 30), 10)
    assert due == closes(2027, 2, 24)
    assert warn_at(due, 2) == closes(2027, 2, 22)


def test_tet_2026_and_the_other_public_holidays():
    # Tết Bính Ngọ: Monday 16 to Friday 20 February 2026.
    assert due_at(local(2026, 2, 13, 10), 1) == closes(2026, 2, 23)
    # Hùng Kings' day falls on Sunday 26 April 2026: Monday 27 is off; 30 April and 1 May
    # (Thursday, Friday) as well.
    assert due_at(local(2026, 4, 24, 10), 1) == closes(2026, 4, 28)
    assert due_at(local(2026, 4, 29, 10), 1) == closes(2026, 5, 4)
    # National Day 2 September 2026 (Wednesday) and 1 September; 31 August is off in
    # exchange for Saturday 22 August, which is a working day.
    assert not is_working_day(date(2026, 8, 31))
    assert is_working_day(date(2026, 8, 22))
    assert due_at(local(2026, 8, 21, 10), 1) == closes(2026, 8, 22)
    assert due_at(local(2026, 8, 28, 10), 1) == closes(2026, 9, 3)
    # Vietnam Culture Day, 24 November, from 2026.
    assert not is_working_day(date(2026, 11, 24))


def test_2027_holidays_with_their_observed_days():
    # Hùng Kings' day Friday 16 April 2027; 30 April Friday; 1 May Saturday, off on Monday 3.
    assert due_at(local(2027, 4, 15, 10), 1) == closes(2027, 4, 19)
    assert due_at(local(2027, 4, 29, 10), 1) == closes(2027, 5, 4)
    # National Day Thursday 2 and Friday 3 September 2027.
    assert due_at(local(2027, 9, 1, 10), 1) == closes(2027, 9, 6)


def test_the_weekend_and_after_office_hours():
    # Friday 17:30, Saturday and Sunday all count from Monday.
    friday_evening = local(2026, 3, 6, 17, 30)
    assert due_at(friday_evening, 1) == closes(2026, 3, 9)
    assert due_at(local(2026, 3, 7, 8), 1) == closes(2026, 3, 9)
    assert due_at(local(2026, 3, 8, 23, 59), 5) == closes(2026, 3, 13)
    # The local day counts, not the hour: Thursday 23:00 gives Friday as the first day.
    assert due_at(local(2026, 3, 5, 23), 1) == closes(2026, 3, 6)


def test_the_local_day_of_any_aware_moment():
    # 20:00 UTC on Tuesday is 03:00 on Wednesday in Vietnam.
    received = datetime(2026, 3, 3, 20, 0, tzinfo=UTC)
    assert due_at(received, 1) == closes(2026, 3, 5)
    assert due_at(received, 1).utcoffset() == timedelta(hours=7)


def test_a_naive_moment_is_refused():
    with pytest.raises(ValueError, match="naive"):
        due_at(datetime(2026, 3, 3, 10), 5)
    with pytest.raises(ValueError, match="naive"):
        warn_at(datetime(2026, 3, 3, 17), 1)
    with pytest.raises(ValueError, match="naive"):
        working_days_between(datetime(2026, 3, 3), local(2026, 3, 4))


def test_a_period_of_no_day_and_a_warning_after_the_due_date_are_refused():
    with pytest.raises(ValueError):
        due_at(local(2026, 3, 3, 10), 0)
    with pytest.raises(ValueError):
        warn_at(closes(2026, 3, 3), -1)


def test_warn_at_counts_working_days_back_from_the_due_date():
    due = due_at(local(2027, 2, 1, 10), 5)  # Monday 1 February, across Tết
    assert due == closes(2027, 2, 15)
    assert warn_at(due, 0) == due
    assert warn_at(due, 1) == closes(2027, 2, 12)
    assert warn_at(due, 2) == closes(2027, 2, 11)
    assert warn_at(due, 3) == closes(2027, 2, 3)  # back over the Tết holiday


def test_working_days_between_is_signed_and_skips_days_off():
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 9)) == 1
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 6)) == -1
    assert working_days_between(date(2026, 3, 6), date(2026, 3, 6)) == 0
    assert working_days_between(date(2027, 2, 3), date(2027, 2, 11)) == 1
    assert working_days_between(date(2026, 1, 1), date(2027, 1, 1)) > 240


moments = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.just(UTC),
)


@given(moments, st.integers(min_value=1, max_value=60))
def test_due_is_a_working_day_at_17_local_strictly_after_receipt(received, days):
    due = due_at(received, days)
    assert due > received
    assert is_working_day(due)
    assert due.astimezone(LOCAL_ZONE).time().isoformat() == "17:00:00"
    assert working_days_between(received, due) == days
    assert due_at(received, days + 1) > due


@given(moments, st.integers(min_value=2, max_value=60), st.data())
def test_a_warning_falls_between_receipt_and_due(received, days, data):
    before = data.draw(st.integers(min_value=0, max_value=days - 1))
    due = due_at(received, days)
    warning = warn_at(due, before)
    assert received < warning <= due
    assert warning == due_at(received, days - before)
