"""Report forms as data (``policies/reports.yaml``): a broken file refuses to load with the
file, the line and the problem; periods and deadlines as the provincial plans count them."""

from datetime import date
from datetime import datetime
from nguon.content.timezone import LOCAL_ZONE
from nguon.reports.forms import check_indicators
from nguon.reports.forms import FormError
from nguon.reports.forms import load

import pytest


GOOD = """\
forms:
  - key: quy
    title: Báo cáo quý
    period: quarterly
    deadline_days: 15
    levels: [commune, province]
    figures:
      - key: staff
        label: Cán bộ được tập huấn
        unit: count
        manual: true
        aggregate: sum
"""


def _load(tmp_path, text):
    path = tmp_path / "reports.yaml"
    path.write_text(text, encoding="utf-8")
    return load(path)


def test_the_shipped_forms_load():
    forms = load()
    assert {form.key for form in forms.forms} >= {"quy", "nam"}
    assert all(form.figures for form in forms.forms)


@pytest.mark.parametrize(
    "old, new, line, problem",
    [
        ("period: quarterly", "period: weekly", 4, "period «weekly» không hợp lệ"),
        ("unit: count", "unit: dollars", 10, "unit «dollars» không hợp lệ"),
        ("aggregate: sum", "aggregate: median", 12, "aggregate «median» không hợp lệ"),
        ("levels: [commune, province]", "levels: [village]", 6, "«village»"),
        ("deadline_days: 15", "deadline_days: -1", 5, "deadline_days phải là"),
        ("        manual: true\n", "", 8, "cần đúng một trong"),
        ("manual: true", "manual: true\n        indicator: x", 8, "cần đúng một trong"),
        ("    title: Báo cáo quý\n", "", 2, "thiếu khóa «title»"),
        ("aggregate: sum", "aggregate: sum\n        colour: red", 13, "«colour»"),
        ("unit: count", "unit: text", 12, "chỉ tiêu dạng chữ"),
        ("period: quarterly", "period: quarterly\n   - oops", 5, "YAML không hợp lệ"),
    ],
)
def test_a_broken_form_refuses_to_load_with_file_line_and_problem(
    tmp_path, old, new, line, problem
):
    assert old in GOOD
    with pytest.raises(FormError) as error:
        _load(tmp_path, GOOD.replace(old, new))
    assert str(error.value).startswith(f"{tmp_path / 'reports.yaml'}:{line}: ")
    assert problem in str(error.value)


def test_two_figures_with_one_key_are_refused(tmp_path):
    doubled = GOOD + GOOD.split("figures:\n")[1]
    with pytest.raises(FormError, match=r"reports.yaml:13: chỉ tiêu «staff» đã có"):
        _load(tmp_path, doubled)


def test_an_empty_or_missing_file_is_refused(tmp_path):
    with pytest.raises(FormError, match=r"reports.yaml:1: tệp biểu mẫu trống"):
        _load(tmp_path, "")
    with pytest.raises(FormError, match=r"nothing.yaml:1: không đọc được"):
        load(tmp_path / "nothing.yaml")


def test_a_form_naming_an_unknown_indicator_is_refused_with_its_line(tmp_path):
    forms = _load(
        tmp_path,
        GOOD.replace("manual: true", "indicator: no_such_indicator"),
    )
    with pytest.raises(FormError) as error:
        check_indicators(forms)  # no indicator is registered without the ZCML
    assert "reports.yaml:11: chỉ số «no_such_indicator»" in str(error.value)


def test_values_typed_as_a_vietnamese_reader_writes_them(tmp_path):
    [figure] = _load(tmp_path, GOOD).forms[0].figures
    assert figure.parse(" 12 ") == 12
    assert figure.parse("") is None
    for wrong in ("1,5", "-3", "mười", "nan", "inf"):
        with pytest.raises(ValueError):
            figure.parse(wrong)
    hours = _load(tmp_path, GOOD.replace("unit: count", "unit: hours")).forms[0]
    assert hours.figures[0].parse("1.234,5".replace(".", "")) == 1234.5


def test_quarters_and_their_deadlines():
    form = _load_shipped("quy")
    q3 = form.period("2026-Q3")
    assert (q3.start, q3.end) == (date(2026, 7, 1), date(2026, 10, 1))
    assert form.deadline(q3) == datetime(2026, 10, 16, tzinfo=LOCAL_ZONE)
    now = datetime(2026, 11, 30, 9, tzinfo=LOCAL_ZONE)
    assert form.current_period(now).id == "2026-Q4"
    assert form.due_period(now).id == "2026-Q3"
    for wrong in ("2026-Q5", "2026-3", "Q3"):
        with pytest.raises(ValueError):
            form.period(wrong)


def test_the_year_runs_to_its_deadline_of_10_december():
    form = _load_shipped("nam")
    year = form.period("2026")
    assert (year.start, year.end) == (date(2025, 12, 10), date(2026, 12, 10))
    assert form.deadline(year) == datetime(2026, 12, 10, tzinfo=LOCAL_ZONE)
    assert (
        form.current_period(datetime(2026, 12, 9, 23, tzinfo=LOCAL_ZONE)).id == "2026"
    )
    assert (
        form.current_period(datetime(2026, 12, 10, 0, tzinfo=LOCAL_ZONE)).id == "2027"
    )


def _load_shipped(key):
    return load().get(key)
