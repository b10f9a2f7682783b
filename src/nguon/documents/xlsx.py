"""A document as an Excel workbook (openpyxl): one sheet per section.

Each sheet opens with the document's title block (title, subtitle, unit and period), then
the section's paragraphs, then its tables one under the other: the table's title, a styled
header row, the rows with a number format per column kind (``FORMATS``), and the table's note.
A table with a chart gets a native Excel chart beside it, drawn from the cells themselves. The
last sheet ends with the notes and the signature. Column widths follow the longest value in
each column; the workbook's properties carry the title, subtitle, unit and period.

Text is always stored as text: a cell that starts with "=" stays a string and is never a
formula, whatever a title or a name in the data holds.
"""

from io import BytesIO
from nguon.documents.model import COUNT
from nguon.documents.model import DATE
from nguon.documents.model import HOURS
from nguon.documents.model import MINUTES
from nguon.documents.model import naive
from nguon.documents.model import PERCENT
from nguon.documents.model import TEXT
from openpyxl import Workbook
from openpyxl.chart import BarChart
from openpyxl.chart import LineChart
from openpyxl.chart import Reference
from openpyxl.styles import Alignment
from openpyxl.styles import Border
from openpyxl.styles import Font
from openpyxl.styles import PatternFill
from openpyxl.styles import Side
from openpyxl.utils import get_column_letter

import datetime
import re


FORMATS = {
    COUNT: "#,##0",
    PERCENT: "0.0%",
    HOURS: "#,##0.0",
    MINUTES: "#,##0.0",
    DATE: "dd/mm/yyyy",
}
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
FONT = "Times New Roman"  # the typeface of Vietnamese administrative documents
TITLE_FONT = Font(name=FONT, size=14, bold=True)
BOLD = Font(name=FONT, size=12, bold=True)
PLAIN = Font(name=FONT, size=12)
ITALIC = Font(name=FONT, size=12, italic=True)
HEADER_FILL = PatternFill("solid", start_color="D9E2F3")
THIN = Side(style="thin", color="808080")
GRID = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_ALIGN = Alignment(wrap_text=True, vertical="center", horizontal="center")
MIN_WIDTH, MAX_WIDTH = 8, 60  # characters
SHEET_NAME_LENGTH = 31
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
CHART_ROWS = 16  # rows of sheet a chart covers


def to_xlsx(document):
    """``document`` (a ``model.Document``) as the bytes of an .xlsx file."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    names = {"history"}  # a name Excel keeps for itself
    sections = document.sections or [None]
    for number, section in enumerate(sections, 1):
        sheet = workbook.create_sheet(
            sheet_name(section, number, document.labels, names)
        )
        Sheet(sheet).section(document, section, last=number == len(sections))
    properties = workbook.properties
    properties.title = document.title
    properties.subject = document.subtitle
    properties.creator = document.unit
    properties.description = f"{document.labels.period}: {document.period}"
    properties.language = "vi-VN"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def sheet_name(section, number, labels, taken):
    """A sheet name Excel accepts (31 characters, none of ``[]:*?/\\``, no leading or
    trailing apostrophe), unique in the workbook, from the section's title."""
    title = section.title if section else ""
    name = " ".join(NOT_IN_SHEET_NAMES.sub(" ", title).split()).strip("'").strip()
    name = name[:SHEET_NAME_LENGTH].strip() or labels.sheet.format(number=number)
    candidate, counter = name, 1
    while candidate.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        candidate = name[: SHEET_NAME_LENGTH - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


class Sheet:
    """Writes rows top to bottom on one worksheet and sizes its columns at the end."""

    def __init__(self, worksheet):
        self.worksheet = worksheet
        self.row = 1
        self.widths = {}

    def cell(self, column, value, font=PLAIN, number_format=None, measure=True):
        cell = self.worksheet.cell(row=self.row, column=column)
        if isinstance(value, str):
            cell.value = value
            cell.data_type = (
                "s"  # a string, even when it starts with "=": never a formula
            )
        else:
            cell.value = naive(value)
        cell.font = font
        if number_format:
            cell.number_format = number_format
        if measure and value is not None:
            width = max(len(line) for line in str(value).split("\n")) + 2
            self.widths[column] = max(self.widths.get(column, 0), width)
        return cell

    def line(self, value, font=PLAIN):
        """A line of text in the first column, not counted in its width."""
        if value:
            self.cell(1, value, font, measure=False)
            self.row += 1

    def section(self, document, section, last):
        self.line(document.title, TITLE_FONT)
        self.line(document.subtitle, BOLD)
        self.line(
            f"{document.unit} — {document.labels.period}: {document.period}", ITALIC
        )
        self.row += 1
        if section is not None:
            self.line(section.title, BOLD)
            for paragraph in section.text:
                self.line(paragraph)
            for table in section.tables:
                self.row += 1
                self.table(table, document.labels)
        if last:
            self.closing(document)
        for column, width in self.widths.items():
            letter = get_column_letter(column)
            self.worksheet.column_dimensions[letter].width = min(
                max(width, MIN_WIDTH), MAX_WIDTH
            )

    def table(self, table, labels):
        self.line(table.title, BOLD)
        header = self.row
        for index, column in enumerate(table.columns, 1):
            cell = self.cell(index, column.title, BOLD)
            cell.fill, cell.border, cell.alignment = HEADER_FILL, GRID, HEADER_ALIGN
        self.row += 1
        for values in table.rows:
            for index, (column, value) in enumerate(
                zip(table.columns, values, strict=True), 1
            ):
                cell = self.cell(
                    index, value, number_format=number_format(column, value)
                )
                cell.border = GRID
                if column.kind == TEXT:
                    cell.alignment = WRAP
            self.row += 1
        if not table.rows:
            self.line(labels.empty, ITALIC)
        self.line(table.note, ITALIC)
        if table.chart is not None and table.rows:
            self.chart(table, header)

    def chart(self, table, header):
        """A native chart beside the table, reading its categories and series from the cells
        (so that editing a figure in Excel redraws the chart)."""
        spec = table.chart
        chart = BarChart() if spec.kind == "bar" else LineChart()
        chart.title = spec.title or table.title
        keys = [column.key for column in table.columns]
        first, last = header + 1, header + len(table.rows)
        for key in spec.series:
            index = keys.index(key) + 1
            data = Reference(
                self.worksheet, min_col=index, min_row=header, max_row=last
            )
            chart.add_data(data, titles_from_data=True)
        category = keys.index(spec.category_key) + 1
        chart.set_categories(
            Reference(self.worksheet, min_col=category, min_row=first, max_row=last)
        )
        if table.column(spec.series[0]).kind == PERCENT:
            chart.y_axis.number_format = FORMATS[PERCENT]
        chart.height, chart.width = 7.5, 16  # centimetres
        anchor = f"{get_column_letter(len(keys) + 2)}{header}"
        self.worksheet.add_chart(chart, anchor)
        self.row = max(self.row, header + CHART_ROWS)

    def closing(self, document):
        labels = document.labels
        if document.notes:
            self.row += 1
            self.line(labels.notes, BOLD)
            for note in document.notes:
                self.line(f"- {note}")
        self.row += 1
        if not document.signed:
            self.line(labels.unsigned, BOLD)
        signer = ", ".join(filter(None, (document.signer_title, document.signed_by)))
        if signer:
            self.line(f"{labels.signed_by}: {signer}")
        if document.signed:
            self.cell(1, labels.signed_at, measure=False)
            self.cell(
                2,
                document.signed_at,
                number_format=number_format_for(document.signed_at),
            )
            self.row += 1


def number_format(column, value):
    if column.kind == DATE:
        return number_format_for(value)
    return FORMATS.get(column.kind)


def number_format_for(value):
    return DATETIME_FORMAT if isinstance(value, datetime.datetime) else FORMATS[DATE]
