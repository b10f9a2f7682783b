"""A document as an A4 PDF (reportlab) laid out as a Vietnamese administrative report.

The layout follows the presentation of administrative documents (Nghị định 30/2020/NĐ-CP):
margins of 20 mm top and bottom, 30 mm left and 15 mm right; a title block with the issuing
unit on the left and the national title ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", with the motto
underlined) on the right, the place and date under it; the title, subtitle and period
centred; the sections with their tables (header row repeated on every page, figures
right-aligned with Vietnamese separators), a bar or line chart under a table that has one;
the notes; the signature block on the right. Every page is numbered "Trang x/y" at the foot.
An unsigned document says at its top that it is a draft.

Text is set in Be Vietnam Pro (``fonts``) and escaped for reportlab's paragraph markup, so a
"<" or "&" in the data prints as itself. A text cell longer than a row can hold on a page is
cut with "…" (``fit``); the XLSX and CSV exports carry it whole.
"""

from functools import partial
from io import BytesIO
from nguon.documents import charts
from nguon.documents.fonts import face
from nguon.documents.fonts import register
from nguon.documents.model import ELLIPSIS
from nguon.documents.numbers import formatted
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak
from reportlab.platypus import KeepTogether
from reportlab.platypus import Paragraph
from reportlab.platypus import SimpleDocTemplate
from reportlab.platypus import Spacer
from reportlab.platypus import Table as Grid
from reportlab.platypus import TableStyle

import math
import xml.sax.saxutils


LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
WIDTH = A4[0] - LEFT - RIGHT  # of the text block
CELL_SIZE, CELL_LEADING, CELL_PADDING = 8.5, 10.5, 3
MAX_CELL_LINES = 30  # a row far shorter than a page, so that a table always fits
HEADER_FILL = colors.HexColor("#D9E2F3")
TABLE_START = 50 * mm  # the least room a table starts in


def style(name, size=11, bold=False, italic=False, align=TA_JUSTIFY, **more):
    more.setdefault("leading", size * 1.3)
    return ParagraphStyle(
        name, fontName=face(bold, italic), fontSize=size, alignment=align, **more
    )


class Styles:
    """The paragraph styles of a report (made after the fonts are registered)."""

    def __init__(self):
        self.body = style("body", spaceAfter=4)
        self.unit = style("unit", 11, bold=True, align=TA_CENTER)
        self.nation = style("nation", 10.5, bold=True, align=TA_CENTER)
        self.motto = style("motto", 11, bold=True, align=TA_CENTER)
        self.dated = style("dated", 11, italic=True, align=TA_CENTER, spaceBefore=6)
        self.draft = style(
            "draft", 10, bold=True, align=TA_CENTER, textColor=colors.darkred
        )
        self.title = style("title", 15, bold=True, align=TA_CENTER, spaceBefore=14)
        self.subtitle = style("subtitle", 12, bold=True, align=TA_CENTER, spaceBefore=2)
        self.period = style("period", 11, italic=True, align=TA_CENTER, spaceAfter=12)
        self.heading = style(
            "heading", 12, bold=True, spaceBefore=10, spaceAfter=4, keepWithNext=1
        )
        self.caption = style("caption", 10.5, bold=True, spaceBefore=8, spaceAfter=4)
        self.note = style("note", 9, italic=True, spaceBefore=3)
        self.cell = style("cell", CELL_SIZE, align=TA_LEFT, leading=CELL_LEADING)
        self.header = style(
            "header", CELL_SIZE, bold=True, align=TA_CENTER, leading=CELL_LEADING
        )
        self.sign = style("sign", 11, bold=True, align=TA_CENTER)
        self.signed = style("signed", 10, italic=True, align=TA_CENTER)


def to_pdf(document):
    """``document`` (a ``model.Document``) as the bytes of an A4 PDF."""
    register()
    styles = Styles()
    out = BytesIO()
    template = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=TOP,
        bottomMargin=BOTTOM,
        title=document.title,
        subject=document.subtitle,
        author=document.unit,
        creator="Nguồn",
    )
    story = title_block(document, styles)
    for section in document.sections:
        story += [
            CondPageBreak(TABLE_START),
            Paragraph(markup(section.title), styles.heading),
        ]
        story += [
            Paragraph(markup(paragraph), styles.body) for paragraph in section.text
        ]
        for table in section.tables:
            story += table_flowables(table, document.labels, styles)
    story += closing(document, styles)
    template.build(
        story, canvasmaker=partial(NumberedCanvas, label=document.labels.page)
    )
    return out.getvalue()


def markup(text):
    """Plain text as reportlab paragraph markup: escaped, line breaks kept."""
    return xml.sax.saxutils.escape(text).replace("\n", "<br/>")


def title_block(document, styles):
    labels = document.labels
    left = [Paragraph(markup(document.unit.upper()), styles.unit)]
    right = [
        Paragraph(markup(labels.nation), styles.nation),
        Paragraph(f"<u>{markup(labels.motto)}</u>", styles.motto),
    ]
    if document.dated():
        right.append(Paragraph(markup(document.dated()), styles.dated))
    block = Grid([[left, right]], colWidths=[WIDTH * 0.4, WIDTH * 0.6])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story = []
    if not document.signed:
        story.append(Paragraph(markup(labels.unsigned), styles.draft))
        story.append(Spacer(1, 6))
    story += [
        block,
        Paragraph(markup(document.title), styles.title),
        Paragraph(markup(document.subtitle), styles.subtitle),
        Paragraph(markup(f"{labels.period}: {document.period}"), styles.period),
    ]
    return story


def table_flowables(table, labels, styles):
    widths = column_widths(table)
    rows = [
        [Paragraph(markup(column.title), styles.header) for column in table.columns]
    ]
    for values in table.rows:
        rows.append(
            [
                body_cell(value, column, width, styles)
                for column, value, width in zip(
                    table.columns, values, widths, strict=True
                )
            ]
        )
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), face()),
        ("FONTSIZE", (0, 0), (-1, -1), CELL_SIZE),
        ("LEADING", (0, 0), (-1, -1), CELL_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("VALIGN", (0, 0), (-1, 0), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), CELL_PADDING),
        ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PADDING),
    ]
    commands += [
        ("ALIGN", (index, 1), (index, -1), "RIGHT")
        for index, column in enumerate(table.columns)
        if column.numeric
    ]
    if not table.rows:
        rows.append(
            [Paragraph(markup(labels.empty), styles.note)] + [""] * (len(widths) - 1)
        )
        commands.append(("SPAN", (0, 1), (-1, 1)))
    grid = Grid(rows, colWidths=widths, repeatRows=1)
    grid.setStyle(TableStyle(commands))
    # A caption with room for a few rows under it, or a new page: a table splits, page by page.
    story = [
        CondPageBreak(TABLE_START),
        Paragraph(markup(table.title), styles.caption),
        grid,
    ]
    if table.note:
        story.append(Paragraph(markup(table.note), styles.note))
    if table.chart is not None:
        drawing = charts.drawing(table, WIDTH)
        if drawing is not None:
            story += [Spacer(1, 6), drawing]
    return story


def body_cell(value, column, width, styles):
    """A figure as a plain string (it never wraps, and a province's table has tens of
    thousands of them), any other value as a paragraph that wraps."""
    text = formatted(value, column.kind)
    if column.numeric:
        return text
    return Paragraph(markup(fit(text, width)), styles.cell)


def column_widths(table):
    """Widths that fill the text block: each column gets at least its longest word (so that
    no word breaks inside, within a third of the block), and the room left goes to the
    columns in proportion to how much wider their longest text would like to be."""
    least, wanted = [], []
    for index, column in enumerate(table.columns):
        texts = [column.title] + [
            formatted(row[index], column.kind) for row in table.rows
        ]
        words = [word for text in texts for word in text.split()] or [""]
        least.append(min(measure(max(words, key=len)), WIDTH / 3))
        wanted.append(max(min(measure(max(texts, key=len)), WIDTH * 0.6), least[-1]))
    if sum(least) >= WIDTH:
        return [WIDTH * width / sum(least) for width in least]
    spare, extra = WIDTH - sum(least), sum(wanted) - sum(least)
    if extra <= spare:  # everything fits on one line: share the rest alike
        return [width + (WIDTH - sum(wanted)) / len(wanted) for width in wanted]
    return [
        low + spare * (high - low) / extra
        for low, high in zip(least, wanted, strict=True)
    ]


def measure(text):
    """The width of ``text`` on one line of a cell, padding included (bold, as headers)."""
    return stringWidth(text, face(bold=True), CELL_SIZE) + 2 * CELL_PADDING + 1


def fit(text, width):
    """``text`` cut with "…" where it would need more than ``MAX_CELL_LINES`` lines in a
    column ``width`` points wide (lines measured in Be Vietnam Pro)."""
    if not text:
        return text
    room = width - 2 * CELL_PADDING
    per_char = max(stringWidth(text[:2000], face(), CELL_SIZE) / len(text[:2000]), 1)
    per_line = max(int(room / per_char), 1)
    lines, kept = 0, []
    for line in text.split("\n"):
        need = max(math.ceil(len(line) / per_line), 1)
        if lines + need > MAX_CELL_LINES:
            kept.append(line[: (MAX_CELL_LINES - lines) * per_line - 1] + ELLIPSIS)
            return "\n".join(kept)
        lines += need
        kept.append(line)
    return text


def closing(document, styles):
    labels = document.labels
    story = []
    if document.notes:
        story.append(Paragraph(markup(labels.notes) + ":", styles.heading))
        story += [
            Paragraph("- " + markup(note), styles.body) for note in document.notes
        ]
    signature = []
    if document.signer_title:
        signature.append(Paragraph(markup(document.signer_title.upper()), styles.sign))
    if document.signed:
        signature.append(Paragraph(markup(labels.signed), styles.signed))
    if document.signed_by:
        signature += [Spacer(1, 40), Paragraph(markup(document.signed_by), styles.sign)]
    if signature:
        block = Grid([["", signature]], colWidths=[WIDTH * 0.45, WIDTH * 0.55])
        story += [Spacer(1, 12), KeepTogether(block)]
    return story


class NumberedCanvas(Canvas):
    """A canvas that keeps every page until the end, then writes "Trang x/y" (``label``) at
    the foot of each, when the number of pages is known."""

    def __init__(self, *args, label, **kwargs):
        super().__init__(*args, **kwargs)
        self.label = label
        self.pages = []

    def showPage(self):
        self.pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self.pages)
        for number, state in enumerate(self.pages, 1):
            self.__dict__.update(state)
            self.setFont(face(), 9)
            self.drawRightString(
                A4[0] - RIGHT, BOTTOM / 2, self.label.format(page=number, pages=total)
            )
            super().showPage()
        super().save()
