"""Report forms as data: ``policies/reports.yaml`` says which figures each level reports, how
often, by when, where each figure comes from and how the level above adds them up.

A broken file refuses to load with a :class:`FormError` naming the file, the line and the
problem (the same reader as the approval policy, ``nguon.workflow.policy.Reader``). A form
naming an indicator nobody registered is refused by :func:`check_indicators`, which runs
when the site starts (``nguon.instance.events.ISiteStarting``) and in the tests, since
indicators are registered in ZCML after the file is read.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import datetime
from datetime import timedelta
from functools import lru_cache
from nguon.content.timezone import LOCAL_ZONE
from nguon.content.vocabularies import configured_levels
from nguon.ledger.indicators import indicators
from nguon.reports import periods
from nguon.workflow.policy import PolicyError
from nguon.workflow.policy import Reader
from pathlib import Path

import yaml


FORMS_FILE = (
    Path(__file__).resolve().parent.parent / "policies" / "reports.yaml"
).resolve()

KINDS = ("count", "percent", "hours", "minutes", "text")
AGGREGATES = ("sum", "mean", "min", "max", "none")
FORM_KEYS = (
    "key",
    "title",
    "period",
    "year_ends",
    "deadline_days",
    "levels",
    "figures",
)
FIGURE_KEYS = ("key", "label", "unit", "indicator", "manual", "aggregate", "levels")


class FormError(PolicyError):
    """The report forms file is not valid; the message says where and why."""


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    unit: str
    aggregate: str
    indicator: str = (
        None  # pre-filled by the system when set; filled by the unit when not
    )
    levels: frozenset = None  # None: every level of the form
    line: int = field(
        default=0, compare=False
    )  # where it is defined, for check_indicators

    @property
    def manual(self):
        return self.indicator is None

    def parse(self, raw):
        """The value typed for this figure (Vietnamese decimal comma accepted), None when
        empty; ValueError when it is not one."""
        raw = (
            raw if isinstance(raw, str) else str(raw) if raw is not None else ""
        ).strip()
        if not raw:
            return None
        if self.unit == "text":
            return raw
        number = float(raw.replace(" ", "").replace(",", "."))
        if number < 0 or number != number or number in (float("inf"), float("-inf")):
            raise ValueError(raw)
        if self.unit == "count":
            if not number.is_integer():
                raise ValueError(raw)
            return int(number)
        if self.unit == "percent" and number > 100:
            raise ValueError(raw)
        return number


@dataclass(frozen=True)
class Form:
    key: str
    title: str
    period_kind: str
    deadline_days: int
    levels: tuple
    figures: tuple
    year_ends: tuple = (1, 1)

    def period(self, text):
        """The period named ``text``; PeriodError when it is not one of this form's."""
        return periods.period(self.period_kind, text, self.year_ends)

    def current_period(self, now=None):
        now = now or datetime.now(LOCAL_ZONE)
        return periods.containing(
            self.period_kind, now.astimezone(LOCAL_ZONE).date(), self.year_ends
        )

    def due_period(self, now=None):
        """The latest period that has ended: the one being reported now."""
        return periods.previous(
            self.period_kind, self.current_period(now), self.year_ends
        )

    def deadline(self, period):
        """The moment the report of ``period`` is late (local midnight, ``deadline_days``
        after the period ends)."""
        return period.local_end() + timedelta(days=self.deadline_days)

    def figures_for(self, level):
        return tuple(f for f in self.figures if f.levels is None or level in f.levels)


@dataclass(frozen=True)
class Forms:
    path: Path
    forms: tuple

    def get(self, key):
        return next((form for form in self.forms if form.key == key), None)

    def for_level(self, level):
        return tuple(form for form in self.forms if level in form.levels)


class _FormReader(Reader):
    error = FormError

    def levels(self, node, what, within):
        return frozenset(self.values(node, what, within))

    def year_ends(self, node):
        value = self.scalar(node, "year_ends")
        try:
            month, day = (int(part) for part in value.split("-"))
            datetime(2025, month, day)
        except ValueError:
            self.fail(node, f"year_ends «{value}» phải là tháng-ngày, ví dụ 12-10")
        if (month, day) == (2, 29):
            self.fail(node, "year_ends không thể là 29 tháng 2")
        return (month, day)

    def figure(self, node, keys):
        found = self.keys(node, "chỉ tiêu", FIGURE_KEYS)
        key = self.scalar(self.required(found, node, "key", "chỉ tiêu"), "key")
        if key in keys:
            self.fail(found["key"], f"chỉ tiêu «{key}» đã có trong biểu mẫu này")
        keys.add(key)
        what = f"chỉ tiêu «{key}»"
        unit = self.scalar(self.required(found, node, "unit", what), "unit", KINDS)
        aggregate = self.scalar(
            self.required(found, node, "aggregate", what), "aggregate", AGGREGATES
        )
        if (unit == "text") != (aggregate == "none"):
            self.fail(
                found["aggregate"],
                f"{what}: chỉ tiêu dạng chữ (text) tổng hợp «none», chỉ tiêu dạng số thì không",
            )
        manual = found.get("manual")
        if manual is not None and self.scalar(manual, "manual", ("true",)) != "true":
            self.fail(manual, f"{what}: «manual» chỉ nhận «true»")
        if ("indicator" in found) == (manual is not None):
            self.fail(
                node,
                f"{what} cần đúng một trong «indicator: <tên chỉ số>» (hệ thống điền) "
                "hoặc «manual: true» (đơn vị điền)",
            )
        indicator = found.get("indicator")
        if indicator is not None and unit == "text":
            self.fail(indicator, f"{what}: chỉ số của hệ thống không phải dạng chữ")
        return Figure(
            key=key,
            label=self.scalar(self.required(found, node, "label", what), "label"),
            unit=unit,
            aggregate=aggregate,
            indicator=self.scalar(indicator, "indicator") if indicator else None,
            levels=(
                self.levels(found["levels"], "levels", configured_levels())
                if "levels" in found
                else None
            ),
            line=(indicator or node).start_mark.line + 1,
        )

    def form(self, node, keys):
        found = self.keys(node, "biểu mẫu", FORM_KEYS)
        key = self.scalar(self.required(found, node, "key", "biểu mẫu"), "key")
        if key in keys:
            self.fail(found["key"], f"biểu mẫu «{key}» đã có")
        keys.add(key)
        what = f"biểu mẫu «{key}»"
        kind = self.scalar(
            self.required(found, node, "period", what), "period", periods.KINDS
        )
        if "year_ends" in found and kind != "yearly":
            self.fail(found["year_ends"], f"{what}: «year_ends» chỉ dùng cho kỳ yearly")
        levels = self.levels(
            self.required(found, node, "levels", what), "levels", configured_levels()
        )
        figures_node = self.required(found, node, "figures", what)
        if not isinstance(figures_node, yaml.SequenceNode) or not figures_node.value:
            self.fail(
                figures_node,
                f"{what}: «figures» phải là danh sách chỉ tiêu, không trống",
            )
        figure_keys = set()
        return Form(
            key=key,
            title=self.scalar(self.required(found, node, "title", what), "title"),
            period_kind=kind,
            deadline_days=self.integer(
                self.required(found, node, "deadline_days", what),
                "deadline_days",
                0,
                366,
            ),
            levels=tuple(level for level in configured_levels() if level in levels),
            figures=tuple(
                self.figure(figure, figure_keys) for figure in figures_node.value
            ),
            year_ends=self.year_ends(found["year_ends"])
            if "year_ends" in found
            else (1, 1),
        )

    def forms(self, text):
        root = self.compose(text)
        if root is None:
            raise FormError(f"{self.path}:1: tệp biểu mẫu trống; cần khóa «forms»")
        top = self.keys(root, "tệp biểu mẫu", ("forms",))
        nodes = self.required(top, root, "forms", "tệp biểu mẫu")
        if not isinstance(nodes, yaml.SequenceNode) or not nodes.value:
            self.fail(nodes, "«forms» phải là một danh sách biểu mẫu, không trống")
        keys = set()
        return Forms(self.path, tuple(self.form(node, keys) for node in nodes.value))


def load(path=FORMS_FILE):
    """The report forms in ``path``; raises FormError when the file is broken."""
    reader = _FormReader(Path(path))
    return reader.forms(reader.read())


@lru_cache(maxsize=1)
def active_forms():
    """The shipped forms, loaded once per process (a broken file fails at first use)."""
    return load()


def check_indicators(forms):
    """Refuse forms that name an indicator no capability registered (file, line, name)."""
    known = {each.name for each in indicators()}
    for form in forms.forms:
        for figure in form.figures:
            if figure.indicator and figure.indicator not in known:
                raise FormError(
                    f"{forms.path}:{figure.line}: chỉ số «{figure.indicator}» của chỉ tiêu "
                    f"«{figure.key}» (biểu mẫu «{form.key}») chưa được đăng ký; các chỉ số "
                    f"có: {', '.join(sorted(known)) or '(chưa có)'}"
                )


def check_on_start(event):
    """``ISiteStarting``: a form naming an unknown indicator stops the start, loudly."""
    check_indicators(active_forms())
