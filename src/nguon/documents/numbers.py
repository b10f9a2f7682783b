"""Values as a Vietnamese reader writes them: a dot groups thousands and a comma marks the
decimals (1.234,5), dates day first (30/11/2026), percentages with one decimal (98,5%).

The same decimals as the XLSX number formats (``xlsx.FORMATS``), so that a figure reads the
same in the PDF and in the spreadsheet.
"""

from datetime import datetime
from decimal import Decimal
from decimal import ROUND_HALF_UP
from nguon.documents.model import COUNT
from nguon.documents.model import DATE
from nguon.documents.model import PERCENT
from nguon.documents.model import TEXT


DECIMALS = {COUNT: 0, PERCENT: 1}  # every other numeric kind: 1
SWAP = str.maketrans(",.", ".,")


def number(value, decimals=0):
    """``value`` with Vietnamese separators, rounded half up as people round:
    ``number(1234.45, 1) == "1.234,5"``."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return f"{exact:,.{decimals}f}".translate(SWAP)


def formatted(value, kind):
    """A cell's value as the PDF shows it; an empty cell is ""."""
    if value is None:
        return ""
    if kind == TEXT:
        return value
    if kind == DATE:
        if isinstance(value, datetime):
            return value.strftime("%d/%m/%Y %H:%M")
        return value.strftime("%d/%m/%Y")
    if kind == PERCENT:
        return number(value * 100, DECIMALS[PERCENT]) + "%"
    return number(value, DECIMALS.get(kind, 1))
