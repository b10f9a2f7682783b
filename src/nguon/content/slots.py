"""A station's broadcast slots: weekly rules (RFC 5545 RRULE), quiet hours, holidays.

A slot rule is one line ``<RRULE> | <minutes>``, for instance
``FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA;BYHOUR=6,17;BYMINUTE=0 | 15``: "06:00 and 17:00 Monday
to Saturday, 15 minutes". Times are the station's local time (``nguon.content.timezone``). Quiet hours
(default 21:00–06:00) hold no slot: nothing but an emergency breaks them. Holidays are dates
without slots.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from datetime import time
from datetime import timedelta
from dateutil.rrule import rrulestr
from nguon import _
from nguon.content.timezone import LOCAL_ZONE as ZONE
from nguon.errors import UserError


DEFAULT_QUIET = (time(21, 0), time(6, 0))


class SlotError(UserError):
    """A slot rule, quiet-hours time or holiday the station cannot use; says which and why."""


@dataclass(frozen=True)
class Rule:
    rrule: str
    minutes: int


@dataclass
class Plan:
    rules: list
    quiet: tuple = DEFAULT_QUIET
    holidays: frozenset = field(default_factory=frozenset)


@dataclass(frozen=True)
class Slot:
    start: datetime
    end: datetime

    @property
    def seconds(self):
        return (self.end - self.start).total_seconds()


def parse_rules(text):
    """The rules of a station's ``slots`` field (one per line; blank lines and ``#`` comments
    are skipped)."""
    rules = []
    for number, line in enumerate((text or "").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        rule, _sep, minutes = line.partition("|")
        rule = rule.strip().removeprefix("RRULE:")
        try:
            minutes = int(minutes.strip())
        except ValueError:
            minutes = 0
        if not 1 <= minutes <= 240:
            raise SlotError(
                _(
                    "slot_error_minutes",
                    default="Dòng ${line}: cần độ dài khung giờ từ 1 đến 240 phút sau dấu «|».",
                    mapping={"line": number},
                )
            )
        upper = rule.upper()
        if "FREQ=" not in upper or "BYHOUR=" not in upper:
            raise SlotError(
                _(
                    "slot_error_rule",
                    default="Dòng ${line}: quy tắc lặp phải có FREQ và BYHOUR (ví dụ FREQ=WEEKLY;BYDAY=MO,TU;BYHOUR=6;BYMINUTE=0).",
                    mapping={"line": number},
                )
            )
        try:
            rrulestr(rule, dtstart=datetime(2026, 1, 1, tzinfo=ZONE))
        except (ValueError, TypeError) as error:
            raise SlotError(
                _(
                    "slot_error_syntax",
                    default="Dòng ${line}: quy tắc lặp sai: ${message}",
                    mapping={"line": number, "message": str(error)[:120]},
                )
            ) from error
        if "BYMINUTE=" not in upper:
            rule += ";BYMINUTE=0"
        if "BYSECOND=" not in upper:
            rule += ";BYSECOND=0"
        rules.append(Rule(rule, minutes))
    return rules


def parse_time(text, default):
    text = (text or "").strip()
    if not text:
        return default
    try:
        hour, minute = text.split(":")
        return time(int(hour), int(minute))
    except ValueError as error:
        raise SlotError(
            _(
                "slot_error_time",
                default="Giờ «${text}» phải có dạng HH:MM.",
                mapping={"text": text[:20]},
            )
        ) from error


def parse_holidays(text):
    days = set()
    for line in (text or "").replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        try:
            days.add(date.fromisoformat(line))
        except ValueError as error:
            raise SlotError(
                _(
                    "slot_error_holiday",
                    default="Ngày nghỉ «${text}» phải có dạng YYYY-MM-DD.",
                    mapping={"text": line[:20]},
                )
            ) from error
    return frozenset(days)


def in_quiet_hours(moment, quiet):
    """True when ``moment`` (aware) falls in the quiet hours (which may wrap midnight)."""
    start, end = quiet
    local = moment.astimezone(ZONE).time()
    if start == end:
        return False
    if start < end:
        return start <= local < end
    return local >= start or local < end


def occurrences(plan, start, end):
    """The slots starting in ``[start, end)`` (aware datetimes), in order; slots on holidays,
    starting in quiet hours, or overlapping an earlier slot are left out."""
    anchor = datetime.combine(
        start.astimezone(ZONE).date() - timedelta(days=8), time(0), ZONE
    )
    found = []
    for rule in plan.rules:
        for moment in rrulestr(rule.rrule, dtstart=anchor).between(
            start - timedelta(minutes=rule.minutes), end, inc=True
        ):
            slot = Slot(moment, moment + timedelta(minutes=rule.minutes))
            if slot.end <= start or slot.start >= end:
                continue
            if moment.astimezone(ZONE).date() in plan.holidays or in_quiet_hours(
                moment, plan.quiet
            ):
                continue
            found.append(slot)
    found.sort(key=lambda slot: slot.start)
    merged = []
    for slot in found:
        if merged and slot.start < merged[-1].end:
            continue
        merged.append(slot)
    return merged
