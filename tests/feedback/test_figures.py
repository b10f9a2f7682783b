"""Citizen feedback's figures (``nguon.feedback.figures``) on the small tree (Huế 46 >
Thuận Hóa 19786, Vỹ Dạ 19777): the indicators of a unit and of an area over whole months
and parts of months, the reports overdue now, the per-category table of the desk, and that
the statistics pages and the report forms take them up."""

from datetime import date
from datetime import datetime
from nguon.content.timezone import LOCAL_ZONE
from nguon.feedback import figures
from nguon.feedback import lifecycle
from nguon.ledger.indicators import figures as indicator_figures
from nguon.reports.forms import active_forms
from nguon.statistics.summary import chosen
from nguon.testing import tree_user
from nguon.units.tree import find_unit

import pytest


def _at(day, month, year=2026, hour=9):
    return datetime(year, month, day, hour, 0, tzinfo=LOCAL_ZONE)


def _file(category, place, now):
    text = f"Phản ánh về {category} tại {place}, đề nghị xem xét giải quyết sớm."
    return lifecycle.file_report(category, place, text, now=now)[0]


def _answer(report, now, stars):
    answer = lifecycle.start_answer(report, tree_user(report.handler, "editors"), "Ok.")
    lifecycle.answer_published(answer, now=now)
    lifecycle.rate(report, stars, now=now)


@pytest.fixture
def reports(tree):
    """December 2026: a commune's report answered on time and rated 5; one escalated
    (due 16 December) and answered late in January, rated 2; a report withdrawn in the
    other commune; a report about an official, handled by the city, due 31 December."""
    on_time = _file("giao-thong", "19786", _at(7, 12))
    late = _file("moi-truong", "19786", _at(7, 12, hour=10))
    withdrawn = _file("giao-thong", "19777", _at(8, 12))
    official = _file("can-bo-cong-chuc", "19786", _at(10, 12))
    _answer(on_time, _at(9, 12), 5)
    lifecycle.tick(_at(17, 12))
    _answer(late, _at(5, 1, 2027), 2)
    lifecycle.withdraw(withdrawn, now=_at(9, 12))
    assert late.escalated_to == "46" and official.handler == "46"
    return {"official": official, "portal": tree["portal"]}


NAMES = [
    "feedback_received",
    "feedback_closed",
    "feedback_on_time",
    "feedback_escalated",
    "feedback_satisfied",
    "feedback_withdrawn",
]


def _figures(reports, code, start, end):
    found = indicator_figures(
        reports["portal"], find_unit(code), start, end, names=NAMES
    )
    return [found[name] for name in NAMES]


def test_an_area_sums_its_units_over_months_and_days(reports):
    december, february = date(2026, 12, 1), date(2027, 2, 1)
    # received, closed, on time %, escalated, satisfied %, withdrawn
    assert _figures(reports, "46", december, february) == [4, 2, 50.0, 1, 50.0, 1]
    assert _figures(reports, "19786", december, february) == [2, 2, 50.0, 1, 50.0, 0]
    assert _figures(reports, "19777", december, february) == [1, 0, None, 0, None, 1]
    # December alone (its month keys): only the answer on time was closed and rated.
    assert _figures(reports, "46", december, date(2027, 1, 1)) == [
        4,
        1,
        100.0,
        1,
        100.0,
        1,
    ]
    # Parts of months (day keys): 7 December, and 15 December to 10 January.
    assert _figures(reports, "46", date(2026, 12, 7), date(2026, 12, 8))[0] == 2
    assert _figures(reports, "46", date(2026, 12, 15), date(2027, 1, 10)) == [
        0,
        1,
        0.0,
        1,
        0.0,
        0,
    ]


def test_overdue_counts_the_open_reports_past_due_now_in_a_current_period(reports):
    portal, city = reports["portal"], find_unit("46")
    january = (date(2027, 1, 1), date(2027, 2, 1))
    assert figures.overdue(portal, city, *january, now=_at(30, 12)) is None
    assert figures.overdue(portal, city, *january, now=_at(4, 1, 2027)) == 1
    assert (
        figures.overdue(portal, find_unit("19786"), *january, now=_at(4, 1, 2027)) == 0
    )
    lifecycle.withdraw(reports["official"], now=_at(4, 1, 2027))
    assert figures.overdue(portal, city, *january, now=_at(5, 1, 2027)) == 0


def test_the_desk_table_has_a_row_per_category(reports):
    rows = {
        row["category"]: row
        for row in figures.by_category(
            find_unit("19786"), date(2026, 12, 1), date(2027, 2, 1)
        )
    }
    assert rows["giao-thong"] == {
        "category": "giao-thong",
        "title": "Hạ tầng giao thông, chiếu sáng",
        "received": 1,
        "closed": 1,
        "closed_on_time": 1,
        "escalated": 0,
        "withdrawn": 0,
        "on_time": 100.0,
        "satisfied": 100.0,
    }
    assert rows["moi-truong"]["escalated"] == 1
    assert rows["moi-truong"]["on_time"] == 0.0
    assert rows["y-te"]["received"] == 0 and rows["y-te"]["on_time"] is None


def test_the_statistics_pages_and_the_report_forms_take_them_up(tree):
    assert {i.name for i in chosen()} >= set(NAMES) | {"feedback_overdue"}
    quarterly = next(form for form in active_forms().forms if form.key == "quy")
    assert {f.indicator for f in quarterly.figures} >= {
        "feedback_received",
        "feedback_on_time",
        "feedback_satisfied",
    }
