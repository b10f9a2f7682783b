"""The period a statistics page or answer covers, in Vietnam's calendar.

``this month``, ``this quarter`` (Quý I–IV) and ``this year`` end today; a ``custom`` period
runs from a first day to a last day, both counted. Days are read as ISO dates (2026-11-30) or
as Vietnamese readers write them (30/11/2026). The ledger counts to an exclusive end
(``Period.end``); people and this module name the last day counted (``Period.last``).

A period that cannot be read raises ``PeriodError`` (a ``nguon.errors.UserError``) with a
Vietnamese message: the page shows it, the REST service answers it as a BadRequest.
"""

from dataclasses import dataclass
from datetime import date
from datetime import datetime
from datetime import timedelta
from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.errors import UserError


MONTH, QUARTER, YEAR, CUSTOM = "month", "quarter", "year", "custom"
KINDS = (MONTH, QUARTER, YEAR, CUSTOM)
KIND_TITLES = {
    MONTH: _("statistics_period_month", default="Tháng này"),
    QUARTER: _("statistics_period_quarter", default="Quý này"),
    YEAR: _("statistics_period_year", default="Năm nay"),
    CUSTOM: _("statistics_period_custom", default="Khoảng tùy chọn"),
}
MAX_DAYS = 5 * 366  # five years: a yearly report beside the four years before it
QUARTERS = ("I", "II", "III", "IV")


class PeriodError(UserError):
    """A period that cannot be read; ``message`` says why, in Vietnamese."""


def today():
    """Today in Vietnam."""
    return datetime.now(LOCAL_ZONE).date()


@dataclass(frozen=True)
class Period:
    kind: str
    start: date  # the first day counted
    last: date  # the last day counted

    @property
    def end(self):
        """The day after the last: the exclusive end the ledger counts to."""
        return self.last + timedelta(days=1)

    @property
    def days(self):
        return (self.end - self.start).days

    def months(self):
        """``(year, month)`` of every calendar month the period touches, in order."""
        found = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.last.year, self.last.month):
            found.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found

    @property
    def label(self):
        """What the period is called on the page: Tháng 11/2026, Quý IV/2026, Năm 2026, or
        the two days."""
        start = self.start
        if self.kind == MONTH:
            return _(
                "statistics_label_month",
                default="Tháng ${month}/${year}",
                mapping={"month": f"{start.month:02d}", "year": start.year},
            )
        if self.kind == QUARTER:
            return _(
                "statistics_label_quarter",
                default="Quý ${quarter}/${year}",
                mapping={
                    "quarter": QUARTERS[(start.month - 1) // 3],
                    "year": start.year,
                },
            )
        if self.kind == YEAR:
            return _(
                "statistics_label_year",
                default="Năm ${year}",
                mapping={"year": start.year},
            )
        return _(
            "statistics_label_custom",
            default="Từ ${start} đến ${last}",
            mapping={"start": written(start), "last": written(self.last)},
        )

    def query(self):
        """The request parameters that choose this period again."""
        if self.kind == CUSTOM:
            return {
                "period": CUSTOM,
                "start": self.start.isoformat(),
                "end": self.last.isoformat(),
            }
        return {"period": self.kind}


def written(day):
    """A day as Vietnamese readers write it: 30/11/2026."""
    return f"{day:%d/%m/%Y}"


def current(kind, day=None):
    """This month, quarter or year up to ``day`` (today)."""
    day = day or today()
    if kind == MONTH:
        start = day.replace(day=1)
    elif kind == QUARTER:
        start = date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    elif kind == YEAR:
        start = date(day.year, 1, 1)
    else:
        raise PeriodError(_unknown(kind))
    return Period(kind, start, day)


def parse_day(text):
    """A day from ``2026-11-30`` or ``30/11/2026``."""
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise PeriodError(
        _(
            "statistics_error_day",
            default="Ngày «${value}» không đọc được: hãy viết theo dạng 2026-11-30 hoặc 30/11/2026.",
            mapping={"value": text[:40]},
        )
    )


def custom(start, last):
    """The period from ``start`` to ``last`` (texts or dates), both counted."""
    start = start if isinstance(start, date) else parse_day(start)
    last = last if isinstance(last, date) else parse_day(last)
    if last < start:
        raise PeriodError(
            _(
                "statistics_error_order",
                default="Ngày kết thúc (${last}) trước ngày bắt đầu (${start}).",
                mapping={"start": written(start), "last": written(last)},
            )
        )
    period = Period(CUSTOM, start, last)
    if period.days > MAX_DAYS:
        raise PeriodError(
            _(
                "statistics_error_too_long",
                default="Khoảng thời gian dài quá: tối đa ${days} ngày (5 năm) mỗi lần xem.",
                mapping={"days": MAX_DAYS},
            )
        )
    return period


def chosen(form, day=None):
    """The period a request asks for: ``period`` (month, quarter, year, custom) and, for a
    custom one, ``start`` and ``end`` (the last day counted; today when omitted). A
    ``start`` alone means a custom period; nothing asked means this month."""
    kind = (form.get("period") or "").strip()
    start, end = form.get("start"), form.get("end")
    if not kind:
        kind = CUSTOM if (start or end) else MONTH
    if kind not in KINDS:
        raise PeriodError(_unknown(kind))
    if kind != CUSTOM:
        return current(kind, day)
    if not start:
        raise PeriodError(
            _(
                "statistics_error_start",
                default="Hãy chọn ngày bắt đầu của khoảng thời gian.",
            )
        )
    return custom(start, end or (day or today()))


def _unknown(kind):
    return _(
        "statistics_error_kind",
        default="Không có kỳ «${kind}»: kỳ là month (tháng), quarter (quý), year (năm) hoặc custom (khoảng tùy chọn).",
        mapping={"kind": str(kind)[:40]},
    )
