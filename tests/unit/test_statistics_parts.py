"""The parts of the statistics pages that need no site: the period a request asks for, in
Vietnam's calendar, and the inline SVG charts (docs/statistics.md)."""

from datetime import date
from nguon.statistics import charts
from nguon.statistics import periods
from xml.etree import ElementTree

import pytest


TODAY = date(2026, 11, 30)
SVG = "{http://www.w3.org/2000/svg}"


def test_this_month_quarter_and_year_end_today():
    month = periods.chosen({}, TODAY)
    assert (month.kind, month.start, month.last) == ("month", date(2026, 11, 1), TODAY)
    assert month.end == date(2026, 12, 1)  # exclusive, as the ledger counts
    quarter = periods.chosen({"period": "quarter"}, TODAY)
    assert quarter.start == date(2026, 10, 1)
    assert quarter.label.mapping == {"quarter": "IV", "year": 2026}
    year = periods.chosen({"period": "year"}, TODAY)
    assert year.start == date(2026, 1, 1)
    assert year.months()[0] == (2026, 1) and year.months()[-1] == (2026, 11)
    assert periods.chosen({"period": "quarter"}, date(2026, 3, 31)).start == date(
        2026, 1, 1
    )


def test_a_custom_range_reads_iso_and_vietnamese_days():
    found = periods.chosen({"start": "01/12/2025", "end": "2026-02-15"}, TODAY)
    assert (found.kind, found.start, found.last) == (
        "custom",
        date(2025, 12, 1),
        date(2026, 2, 15),
    )
    assert found.months() == [(2025, 12), (2026, 1), (2026, 2)]
    assert found.query() == {
        "period": "custom",
        "start": "2025-12-01",
        "end": "2026-02-15",
    }
    # A start alone runs to today.
    assert periods.chosen({"start": "2026-11-01"}, TODAY).last == TODAY


@pytest.mark.parametrize(
    ("form", "msgid"),
    [
        ({"start": "30-11-2026"}, "statistics_error_day"),
        ({"start": "2026-02-30"}, "statistics_error_day"),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "statistics_error_order"),
        ({"start": "2020-01-01", "end": "2026-11-30"}, "statistics_error_too_long"),
        ({"period": "week"}, "statistics_error_kind"),
        ({"period": "custom"}, "statistics_error_start"),
        ({"end": "2026-11-30"}, "statistics_error_start"),
    ],
)
def test_a_period_that_cannot_be_read_says_why(form, msgid):
    with pytest.raises(periods.PeriodError) as refused:
        periods.chosen(form, TODAY)
    assert refused.value.message == msgid
    assert refused.value.message.default  # Vietnamese, for the page and the answer


def test_five_years_is_the_longest_range():
    assert periods.chosen({"start": "2021-12-01", "end": "2026-11-30"}, TODAY).days < (
        periods.MAX_DAYS
    )


def _parsed(svg):
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert (title.get("id"), desc.get("id")) == (title_id, desc_id)
    return root, title.text, desc.text


def test_bars_carry_their_numbers_in_words_and_escape_labels():
    svg = charts.bars(
        "Độ phủ <theo> đơn vị",
        [("Phường Vỹ Dạ & co", 25.0, "25,0%"), ("Phường Thuận Hóa", 100.0, "100,0%")],
    )
    root, title, desc = _parsed(svg)
    assert title == "Độ phủ <theo> đơn vị"
    assert desc == "Phường Vỹ Dạ & co: 25,0%; Phường Thuận Hóa: 100,0%"
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "25,0%" in texts and "Phường Vỹ Dạ & co" in texts
    fills = [r.get("fill") for r in root.iter(f"{SVG}rect")]
    assert charts.POOR in fills and charts.GOOD in fills


def test_a_unit_with_nothing_to_count_has_no_bar():
    root, _title, desc = _parsed(charts.bars("Độ phủ", [("Xã A", None, "Chưa có")]))
    widths = [r.get("width") for r in root.iter(f"{SVG}rect")]
    assert widths[-1] == "0"
    assert desc == "Xã A: Chưa có"


def test_months_as_columns_and_as_a_line_broken_where_nothing_counts():
    points = [
        ("10/2026", 80.0, "80%"),
        ("11/2026", None, "—"),
        ("12/2026", 95.0, "95%"),
    ]
    root, _title, _desc = _parsed(charts.line("Độ phủ theo tháng", points))
    assert len(list(root.iter(f"{SVG}circle"))) == 2
    assert not list(root.iter(f"{SVG}polyline"))  # two lone points: no segment
    root, _title, desc = _parsed(
        charts.columns("Tin xuất bản", [("10/2026", 3, "3"), ("11/2026", 0, "0")])
    )
    assert desc == "10/2026: 3; 11/2026: 0"
    heights = [r.get("height") for r in root.iter(f"{SVG}rect")]
    assert heights == [str(charts.PLOT_HEIGHT), "0"]
