"""What an export is made of: a document of sections, sections of tables, tables of typed
columns, and an optional chart per table.

The model checks and cleans its input once, when it is built, so that every writer (CSV, XLSX,
PDF) gets the same values and none of them can fail on them:
- a value that does not fit its column's kind (a string in a ``count`` column, a number in a
  ``date`` column, NaN, a boolean) raises ``DocumentError`` naming the table, row and column;
- text is cleaned, never refused (``clean_text``): it is NFC-normalised (a Vietnamese letter
  with stacked marks becomes the one precomposed code point the fonts draw), line ends become
  ``\\n``, characters XML cannot carry (C0 controls, lone surrogates, U+FFFE/U+FFFF) are
  dropped, and text longer than an Excel cell holds is cut with "…".

Kinds of column and the values they take:
``text`` anything (shown as ``str``), ``count`` a whole number, ``percent`` a ratio
(0.5 is 50 %), ``hours`` and ``minutes`` numbers, ``date`` a ``date`` or ``datetime`` (an aware
datetime is shown at its own wall-clock time: convert it to the site's timezone first).
``None`` is an empty cell in every kind.

Labels (titles, column headings, the fixed words of a report in ``Labels``) are plain strings
that the caller has already translated.
"""

from dataclasses import dataclass
from dataclasses import field
from datetime import date
from datetime import datetime
from decimal import Decimal

import math
import re
import unicodedata


TEXT = "text"
COUNT = "count"
PERCENT = "percent"
HOURS = "hours"
MINUTES = "minutes"
DATE = "date"
KINDS = (TEXT, COUNT, PERCENT, HOURS, MINUTES, DATE)
NUMERIC = (COUNT, PERCENT, HOURS, MINUTES)
CHART_KINDS = ("bar", "line")

MAX_CELL = 32_767  # characters: the most an Excel cell holds
ELLIPSIS = "…"
# Characters XML 1.0 cannot carry (and openpyxl refuses): C0 controls but tab and line feed,
# surrogates (a lone one cannot even be encoded in UTF-8), and the two non-characters.
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class DocumentError(ValueError):
    """The caller built a document the writers cannot carry; the message says where."""


def clean_text(value):
    """``value`` as text every writer carries intact (see the module's docstring)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", ILLEGAL.sub("", text))
    if len(text) > MAX_CELL:
        text = text[: MAX_CELL - 1] + ELLIPSIS
    return text


@dataclass
class Column:
    """One column of a table: ``key`` finds the value in a dict row, ``title`` heads it."""

    key: str
    title: str
    kind: str = TEXT

    def __post_init__(self):
        if self.kind not in KINDS:
            raise DocumentError(
                f"column {self.key!r}: unknown kind {self.kind!r} (one of {', '.join(KINDS)})"
            )
        self.title = clean_text(self.title)

    @property
    def numeric(self):
        return self.kind in NUMERIC

    def check(self, value, where):
        """``value`` as this column carries it; ``where`` names the cell in the error."""
        if value is None:
            return None
        if self.kind == TEXT:
            return clean_text(value)
        if self.kind == DATE:
            if isinstance(value, date):
                return value
            raise DocumentError(f"{where}: a date is expected, not {value!r}")
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            raise DocumentError(f"{where}: a number is expected, not {value!r}")
        if isinstance(value, float | Decimal) and not (
            value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        ):
            raise DocumentError(f"{where}: {value!r} is not a finite number")
        return value


@dataclass
class Chart:
    """A bar or line chart of a table: one group per row, labelled by the row's
    ``category_key`` value, one bar or line per key of ``series`` (numeric columns of one
    kind)."""

    kind: str
    category_key: str
    series: list
    title: str = ""

    def __post_init__(self):
        if self.kind not in CHART_KINDS:
            raise DocumentError(f"chart {self.title!r}: kind must be 'bar' or 'line'")
        if not self.series:
            raise DocumentError(f"chart {self.title!r}: no series")
        self.series = list(self.series)
        self.title = clean_text(self.title)


@dataclass
class Table:
    """A titled table. ``rows`` are lists (values in column order) or dicts (values by column
    key; a missing key is an empty cell, keys that are no column are ignored). After
    construction every row is a tuple of checked values in column order."""

    title: str
    columns: list
    rows: list
    chart: Chart | None = None
    note: str | None = None

    def __post_init__(self):
        self.title = clean_text(self.title)
        self.note = clean_text(self.note) if self.note else None
        self.columns = list(self.columns)
        if not self.columns:
            raise DocumentError(f"table {self.title!r}: no columns")
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise DocumentError(f"table {self.title!r}: column keys repeat: {keys}")
        self.rows = [self._row(row, number) for number, row in enumerate(self.rows, 1)]
        if self.chart is not None:
            self._check_chart()

    def _row(self, row, number):
        if isinstance(row, dict):
            values = [row.get(column.key) for column in self.columns]
        elif isinstance(row, list | tuple):
            if len(row) != len(self.columns):
                raise DocumentError(
                    f"table {self.title!r}, row {number}: {len(row)} values for "
                    f"{len(self.columns)} columns"
                )
            values = row
        else:
            raise DocumentError(
                f"table {self.title!r}, row {number}: a list or a dict is expected"
            )
        return tuple(
            column.check(
                value, f"table {self.title!r}, row {number}, column {column.key!r}"
            )
            for column, value in zip(self.columns, values, strict=True)
        )

    def _check_chart(self):
        chart = self.chart
        keys = {column.key: column for column in self.columns}
        if chart.category_key not in keys:
            raise DocumentError(
                f"table {self.title!r}: chart category {chart.category_key!r} is no column"
            )
        kinds = set()
        for key in chart.series:
            column = keys.get(key)
            if column is None or not column.numeric:
                raise DocumentError(
                    f"table {self.title!r}: chart series {key!r} is no numeric column"
                )
            kinds.add(column.kind)
        if len(kinds) > 1:
            raise DocumentError(
                f"table {self.title!r}: a chart's series share one kind, not {sorted(kinds)}"
            )

    def column(self, key):
        return next(column for column in self.columns if column.key == key)

    def values(self, key):
        """The values of column ``key``, top to bottom."""
        index = [column.key for column in self.columns].index(key)
        return [row[index] for row in self.rows]


@dataclass
class Section:
    """A part of a document: a heading, paragraphs of text, then tables. The XLSX export
    gives each section a sheet named after its title."""

    title: str
    tables: list = field(default_factory=list)
    text: tuple = ()

    def __post_init__(self):
        self.title = clean_text(self.title)
        self.text = tuple(clean_text(paragraph) for paragraph in self.text)
        self.tables = list(self.tables)


@dataclass
class Labels:
    """The fixed words of a report, in Vietnamese by default; pass translated ones for
    another language. ``page`` takes ``{page}`` and ``{pages}``, ``dated`` takes ``{place}``,
    ``{day}``, ``{month}`` and ``{year}``."""

    nation: str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    motto: str = "Độc lập - Tự do - Hạnh phúc"
    page: str = "Trang {page}/{pages}"
    dated: str = "{place}, ngày {day:02d} tháng {month:02d} năm {year}"
    period: str = "Kỳ báo cáo"
    notes: str = "Ghi chú"
    empty: str = "Không có số liệu"
    signed: str = "(Đã ký)"
    unsigned: str = "BẢN NHÁP - CHƯA KÝ DUYỆT"
    signed_by: str = "Người ký"
    signed_at: str = "Ngày ký"
    sheet: str = "Bảng {number}"


@dataclass
class Document:
    """A report: title block (``unit``, ``period``), sections, notes and the signature.

    ``signed_by`` is the signer's name and ``signer_title`` their position ("CHỦ TỊCH");
    ``signed_at`` (a date or datetime) dates the document ("``place``, ngày … tháng … năm …").
    A document without ``signed_at`` is marked as a draft.
    """

    title: str
    subtitle: str
    unit: str
    period: str
    sections: list
    signed_by: str | None = None
    signed_at: date | None = None
    notes: tuple = ()
    signer_title: str | None = None
    place: str | None = None
    labels: Labels = field(default_factory=Labels)

    def __post_init__(self):
        for name in ("title", "subtitle", "unit", "period"):
            setattr(self, name, clean_text(getattr(self, name)))
        for name in ("signed_by", "signer_title", "place"):
            value = getattr(self, name)
            setattr(self, name, clean_text(value) if value else None)
        if self.signed_at is not None and not isinstance(self.signed_at, date):
            raise DocumentError(
                f"signed_at: a date is expected, not {self.signed_at!r}"
            )
        self.notes = tuple(clean_text(note) for note in self.notes)
        self.sections = list(self.sections)
        for section in self.sections:
            if not isinstance(section, Section):
                raise DocumentError(f"sections hold Section objects, not {section!r}")

    @property
    def tables(self):
        return [table for section in self.sections for table in section.tables]

    @property
    def signed(self):
        return self.signed_at is not None

    def dated(self):
        """The place-and-date line, or "" for an undated draft."""
        if self.signed_at is None:
            return ""
        day = self.signed_at
        line = self.labels.dated.format(
            place=self.place or "", day=day.day, month=day.month, year=day.year
        )
        return line.lstrip(", ")


def naive(value):
    """A datetime without its timezone (at its own wall-clock time), for Excel."""
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    return value
