"""Citizen feedback's figures: the indicators of the statistics pages and the reports'
pre-fill (registered as the ``IIndicators`` utility ``feedback``), and the per-category table
of a unit's desk (:func:`by_category`).

Every figure of an area sums the counters of the feedback store (``nguon.feedback.store``:
per handling unit, category, day and month in Vietnam's calendar) over the units of the area
(``nguon.ledger.units.area_codes``: the unit, the units below, the units merged into them)
and the period, with the ledger's ``nguon.ledger.counters.total`` (month keys for the whole
months, day keys for the days around them): a few range scans per unit, whatever the number
of reports. A step counts at the unit that handled the report when it happened, on the day
it happened: a report received in March and answered in April counts as received in March
and closed in April.

- ``feedback_received``, ``feedback_closed``, ``feedback_escalated`` (passed their due date
  open and went to the unit above), ``feedback_withdrawn`` (by their authors): counts.
- ``feedback_on_time``: percent of the reports closed in the period whose answer was
  published by their due date; None when none was closed.
- ``feedback_satisfied``: percent of the ratings given in the period with 4 or 5 stars of 5
  (the «% hài lòng» Huế-S publishes, rather than a mean of stars that hides how many were
  unhappy); None when nobody rated.
- ``feedback_overdue``: the reports open and past their due date NOW. It is a state, not a
  count over the period: it reads the desks' queues at the moment it is asked, for a period
  that runs up to today (statistics' "this month", "this quarter"); for a period that ended
  before today it is None, as nobody kept the queues of that day.
"""

from nguon import _
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback.policy import load_policy
from nguon.feedback.store import feedback_store
from nguon.feedback.store import utcnow
from nguon.ledger.counters import total
from nguon.ledger.indicators import Indicator
from nguon.ledger.units import area_codes
from plone import api


ALL = "*"  # the counters of every category together


def _percent(part, whole):
    return None if not whole else round(part * 100 / whole, 2)


def totals(portal, unit, figures, start, end, category=ALL):
    """``{figure: sum}`` over the area of ``unit`` from ``start`` to ``end`` (dates, the
    end excluded), for one category or all (``ALL``)."""
    store = feedback_store(portal)
    if store is None:
        return dict.fromkeys(figures, 0)
    codes = area_codes(unit.code, portal)
    return {
        figure: total(store, codes, figure, category, start, end) for figure in figures
    }


def counted(figure):
    """An indicator's ``compute``: the figure summed over the area and the period."""

    def compute(portal, unit, start, end):
        return totals(portal, unit, (figure,), start, end)[figure]

    return compute


def share(part, whole):
    """An indicator's ``compute``: ``part`` in percent of ``whole`` (None without any)."""

    def compute(portal, unit, start, end):
        found = totals(portal, unit, (part, whole), start, end)
        return _percent(found[part], found[whole])

    return compute


def overdue(portal, unit, start, end, now=None):
    """The reports of the area open past their due date at ``now``, when the period runs
    up to today; None for a period that ended before (see the module's docstring)."""
    now = now or utcnow()
    store = feedback_store(portal)
    today = now.astimezone(LOCAL_ZONE).date()
    if store is None or not start <= today < end:
        return None
    return sum(store.overdue(code, now) for code in area_codes(unit.code, portal))


ROW_FIGURES = ("received", "closed", "closed_on_time", "escalated", "withdrawn")


def by_category(unit, start, end, portal=None):
    """The figures of the area of ``unit`` from ``start`` to ``end`` (dates, the end
    excluded) per category of the policy, in the policy's order, for the desk's table:
    dicts with ``category``, ``title``, the counts of ``ROW_FIGURES``, ``on_time`` and
    ``satisfied`` (percent or None, as the indicators)."""
    portal = portal or api.portal.get()
    rows = []
    for category in load_policy().categories:
        found = totals(
            portal,
            unit,
            ROW_FIGURES + ("rated", "satisfied"),
            start,
            end,
            category.code,
        )
        rows.append(
            {
                "category": category.code,
                "title": category.title,
                **{figure: found[figure] for figure in ROW_FIGURES},
                "on_time": _percent(found["closed_on_time"], found["closed"]),
                "satisfied": _percent(found["satisfied"], found["rated"]),
            }
        )
    return rows


SUM, MEAN = "sum", "mean"
INDICATORS = tuple(
    Indicator(name, title, unit, compute, aggregate, order)
    for order, (name, title, unit, compute, aggregate) in enumerate(
        (
            (
                "feedback_received",
                _(
                    "indicator_feedback_received",
                    default="Phản ánh, kiến nghị đã tiếp nhận",
                ),
                "count",
                counted("received"),
                SUM,
            ),
            (
                "feedback_closed",
                _(
                    "indicator_feedback_closed",
                    default="Phản ánh, kiến nghị đã trả lời",
                ),
                "count",
                counted("closed"),
                SUM,
            ),
            (
                "feedback_on_time",
                _(
                    "indicator_feedback_on_time",
                    default="Tỷ lệ phản ánh được trả lời đúng hạn",
                ),
                "percent",
                share("closed_on_time", "closed"),
                MEAN,
            ),
            (
                "feedback_escalated",
                _(
                    "indicator_feedback_escalated",
                    default="Phản ánh quá hạn chuyển lên cấp trên",
                ),
                "count",
                counted("escalated"),
                SUM,
            ),
            (
                "feedback_overdue",
                _("indicator_feedback_overdue", default="Phản ánh đang quá hạn"),
                "count",
                overdue,
                SUM,
            ),
            (
                "feedback_satisfied",
                _(
                    "indicator_feedback_satisfied",
                    default="Tỷ lệ người dân hài lòng với câu trả lời",
                ),
                "percent",
                share("satisfied", "rated"),
                MEAN,
            ),
            (
                "feedback_withdrawn",
                _(
                    "indicator_feedback_withdrawn",
                    default="Phản ánh người gửi đã rút lại",
                ),
                "count",
                counted("withdrawn"),
                SUM,
            ),
        ),
        start=80,  # after the ledger's and the devices' groups (statistics.summary)
    )
)
