"""A table's chart as a reportlab drawing for the PDF: vertical bars or lines, one group per
row, the value axis labelled the Vietnamese way (``numbers.formatted``), a legend of the
series' column titles below. Empty cells are gaps, not zeros.
"""

from nguon.documents.fonts import face
from nguon.documents.model import PERCENT
from nguon.documents.numbers import formatted
from nguon.documents.numbers import number
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.graphics.shapes import String
from reportlab.lib import colors

import math


HEIGHT = 230  # points
# Distinguishable in print and for colour-blind readers (Okabe-Ito).
PALETTE = [
    colors.HexColor(value)
    for value in (
        "#0072B2",
        "#E69F00",
        "#009E73",
        "#D55E00",
        "#56B4E9",
        "#CC79A7",
        "#000000",
    )
]
LABEL_LENGTH = 18  # characters of a category label
MANY = 6  # categories beyond which their labels are slanted
MOST_LABELS = 24  # category labels that fit under a chart


def drawing(table, width):
    """The chart of ``table`` in a drawing ``width`` points wide, or None when it has no
    value to draw."""
    spec = table.chart
    series = [table.values(key) for key in spec.series]
    if all(value is None for values in series for value in values):
        return None
    kind = table.column(spec.series[0]).kind
    categories = [
        short(formatted(value, table.column(spec.category_key).kind))
        for value in table.values(spec.category_key)
    ]
    step = math.ceil(len(categories) / MOST_LABELS)  # label every step-th category
    categories = [
        name if index % step == 0 else "" for index, name in enumerate(categories)
    ]
    slanted = len(categories) > MANY
    bottom = 80 if slanted else 50
    chart = VerticalBarChart() if spec.kind == "bar" else HorizontalLineChart()
    chart.x, chart.y = 50, bottom
    chart.width, chart.height = width - 60, HEIGHT - bottom - 30
    chart.data = [
        [None if value is None else float(value) for value in values]
        for values in series
    ]
    chart.categoryAxis.categoryNames = categories
    labels = chart.categoryAxis.labels
    labels.fontName, labels.fontSize = face(), 7
    if slanted:
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 35, "ne", 2, -2
    axis = chart.valueAxis
    axis.labels.fontName, axis.labels.fontSize = face(), 7
    axis.labelTextFormat = lambda value: axis_label(value, kind)
    values = [value for values in chart.data for value in values if value is not None]
    if min(values) >= 0:
        axis.valueMin = 0
    for index in range(len(series)):
        colour = PALETTE[index % len(PALETTE)]
        if spec.kind == "bar":
            chart.bars[index].fillColor = colour
            chart.bars[index].strokeColor = None
        else:
            chart.lines[index].strokeColor = colour
            chart.lines[index].strokeWidth = 1.5
    result = Drawing(width, HEIGHT)
    result.add(chart)
    result.add(
        String(
            width / 2,
            HEIGHT - 12,
            spec.title or table.title,
            fontName=face(bold=True),
            fontSize=9,
            textAnchor="middle",
        )
    )
    result.add(legend(table, spec.series, width))
    return result


def legend(table, keys, width):
    legend = Legend()
    legend.x, legend.y = 50, 12
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.fontName, legend.fontSize = face(), 7
    legend.dxTextSpace = 4
    legend.deltax = max(60, (width - 60) / max(len(keys), 1))
    legend.colorNamePairs = [
        (PALETTE[index % len(PALETTE)], short(table.column(key).title, 30))
        for index, key in enumerate(keys)
    ]
    return legend


def axis_label(value, kind):
    if kind == PERCENT:
        return number(value * 100) + "%"
    return number(value, 0 if float(value).is_integer() else 1)


def short(text, length=LABEL_LENGTH):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
