"""Exports a ministry accepts: a report or a set of tables as XLSX, PDF and CSV.

Build a ``Document`` of ``Section``s of ``Table``s (``model``), then write it with
``to_xlsx`` (``xlsx``), ``to_pdf`` (``pdf``) or each table with ``to_csv`` (``tabular``).
Zope-free: no Zope, Plone or ZODB import, and no i18n machinery; the caller passes labels
already translated. See docs/exports.md.
"""

from nguon.documents.model import Chart
from nguon.documents.model import Column
from nguon.documents.model import Document
from nguon.documents.model import DocumentError
from nguon.documents.model import Labels
from nguon.documents.model import Section
from nguon.documents.model import Table
from nguon.documents.pdf import to_pdf
from nguon.documents.tabular import to_csv
from nguon.documents.xlsx import to_xlsx


__all__ = [
    "Chart",
    "Column",
    "Document",
    "DocumentError",
    "Labels",
    "Section",
    "Table",
    "to_csv",
    "to_pdf",
    "to_xlsx",
]
