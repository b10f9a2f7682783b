"""The plain text of PDF and DOCX files, for the search index.

``read_text`` raises whatever the parser raises on a damaged file, so that validation can
refuse it; ``searchable_text`` never raises, so that indexing never breaks saving.
"""
from io import BytesIO
from nguon.content.formats import document_format

import docx
import logging
import pypdf


logger = logging.getLogger(__name__)

# Far more than any legal document; keeps a pathological file from bloating the index.
MAX_TEXT_CHARACTERS = 2_000_000


class EncryptedDocument(ValueError):
    """The PDF is protected by a password."""


def pdf_text(data):
    reader = pypdf.PdfReader(BytesIO(data))
    if reader.is_encrypted:
        raise EncryptedDocument()
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def docx_text(data):
    document = docx.Document(BytesIO(data))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


READERS = {"pdf": pdf_text, "docx": docx_text}


def read_text(data, fmt):
    """The text of a document of format ``fmt`` (``"pdf"`` or ``"docx"``)."""
    return READERS[fmt](data)[:MAX_TEXT_CHARACTERS]


def searchable_text(data):
    """The text of a PDF or DOCX file, or "" when it is neither or cannot be read."""
    fmt = document_format(data or b"")
    if fmt is None:
        return ""
    try:
        return read_text(data, fmt)
    except Exception:  # a damaged file can make a parser fail in any way
        logger.warning("nguon: cannot extract the text of a %s file", fmt, exc_info=True)
        return ""
