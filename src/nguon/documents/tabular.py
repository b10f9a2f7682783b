"""One table as CSV: UTF-8 with a byte-order mark, so that Excel opens Vietnamese text
correctly, a header row of the column titles, then the rows.

CSV is the machine-readable form: numbers are written as Python writes them (a dot before the
decimals, a percentage as its ratio: 0.985), dates as ISO 8601 (2026-11-30, 2026-11-30T14:05).
A text cell that a spreadsheet would take for a formula (it starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return: "CSV injection") gets a leading apostrophe, which
spreadsheets show as text and do not display.
"""

from nguon.documents.model import TEXT

import csv
import io


BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defused(text):
    """``text`` as a spreadsheet shows it as text rather than running it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def cell(value, kind):
    if value is None:
        return ""
    if kind == TEXT:
        return defused(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def to_csv(table):
    """``table`` (a ``model.Table``) as the bytes of a CSV file."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([defused(column.title) for column in table.columns])
    kinds = [column.kind for column in table.columns]
    for row in table.rows:
        writer.writerow(
            [cell(value, kind) for value, kind in zip(row, kinds, strict=True)]
        )
    return (BOM + out.getvalue()).encode("utf-8")
