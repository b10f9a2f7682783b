"""The plain text of PDF and DOCX files, for the search index.

The parsers never run in the Zope process: ``read_text`` runs this module in a child process
(``python -m nguon.content.text_extraction pdf|docx``, the file on its standard input, the
text on its standard output) under memory, CPU and wall-clock limits (``nguon.content.confined``),
so that no crafted file (a decompression bomb, a PDF that loops, an XML tree of millions of
elements) can exhaust the server. A DOCX whose XML declares a DTD is refused before it is
parsed (Word never writes one; it is how entity bombs and external entities come in);
python-docx's own parser resolves no external entities and keeps libxml2's depth limit.

``read_text`` raises on a file it cannot read, so that validation can refuse it;
``searchable_text`` never raises, so that indexing never breaks saving.
"""

from io import BytesIO
from nguon.content import confined
from nguon.content.formats import document_format
from xml.parsers import expat

import logging
import sys
import zipfile


logger = logging.getLogger(__name__)

# Far more than any legal document; keeps a pathological file from bloating the index.
MAX_TEXT_CHARACTERS = 2_000_000
LIMITS = confined.Limits(memory_mb=1024, cpu_seconds=30, wall_seconds=60)
EXIT_ENCRYPTED, EXIT_DAMAGED, EXIT_DTD, EXIT_MEMORY = 3, 4, 5, 6


class EncryptedDocument(ValueError):
    """The PDF is protected by a password."""


class DamagedDocument(ValueError):
    """The parser could not read the file."""


class ForbiddenDTD(ValueError):
    """An XML part of the DOCX declares a DTD (entities)."""


class TooComplex(ValueError):
    """Reading the file needed more memory or time than allowed."""


def pdf_text(data):
    import pypdf

    reader = pypdf.PdfReader(BytesIO(data))
    if reader.is_encrypted:
        raise EncryptedDocument()
    return "\n".join(page.extract_text() or "" for page in reader.pages)


class _RootReached(Exception):
    """The prolog is over: no DTD can follow."""


def _refuse_doctype(*_args):
    raise ForbiddenDTD()


def _stop_at_root(*_args):
    raise _RootReached()


def check_prolog(stream, name):
    """``ForbiddenDTD`` when the XML read from ``stream`` declares a DTD. Only the prolog is
    parsed (by expat, which never expands anything before the root)."""
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = _stop_at_root
    try:
        while chunk := stream.read(65536):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except ForbiddenDTD:
        raise ForbiddenDTD(name) from None
    except (
        _RootReached,
        expat.ExpatError,
    ):  # no DTD; a damaged part is python-docx's to say
        pass


def check_xml_parts(data):
    """``ForbiddenDTD`` when an XML part of the DOCX declares a DTD."""
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.endswith((".xml", ".rels")):
                with archive.open(name) as stream:
                    check_prolog(stream, name)


def docx_text(data):
    import docx

    check_xml_parts(data)
    document = docx.Document(BytesIO(data))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    cells = [
        cell.text
        for table in document.tables
        for row in table.rows
        for cell in row.cells
    ]
    return "\n".join(paragraphs + cells)


READERS = {"pdf": pdf_text, "docx": docx_text}
FAILURES = {
    EXIT_ENCRYPTED: EncryptedDocument,
    EXIT_DTD: ForbiddenDTD,
    EXIT_MEMORY: TooComplex,
}


def read_text(data, fmt):
    """The text of a document of format ``fmt`` (``"pdf"`` or ``"docx"``), read in a
    confined child process."""
    try:
        done = confined.run(
            [sys.executable, "-I", "-B", "-m", __name__, fmt], LIMITS, data
        )
    except confined.LimitExceeded as exceeded:
        raise TooComplex(str(exceeded)) from None
    if done.returncode:
        failure = FAILURES.get(done.returncode, DamagedDocument)
        raise failure(done.stderr.decode(errors="replace")[-300:])
    return done.stdout.decode("utf-8")


def searchable_text(data):
    """The text of a PDF or DOCX file, or "" when it is neither or cannot be read."""
    fmt = document_format(data or b"")
    if fmt is None:
        return ""
    try:
        return read_text(data, fmt)
    except Exception:  # a damaged file can make a parser fail in any way
        logger.warning(
            "nguon: cannot extract the text of a %s file", fmt, exc_info=True
        )
        return ""


def out_of_memory(error):
    """True when lxml (libxml2) failed to allocate memory."""
    from lxml import etree

    return (
        isinstance(error, etree.XMLSyntaxError)
        and error.code == etree.ErrorTypes.ERR_NO_MEMORY
    )


def main(fmt):
    """The child: the file on standard input, its text on standard output."""
    data = sys.stdin.buffer.read()
    try:
        text = READERS[fmt](data)[:MAX_TEXT_CHARACTERS]
    except EncryptedDocument:
        return EXIT_ENCRYPTED
    except ForbiddenDTD as error:
        print(f"DTD in {error}", file=sys.stderr)
        return EXIT_DTD
    except MemoryError:
        return EXIT_MEMORY
    except Exception as error:  # a damaged file can make a parser fail in any way
        if out_of_memory(error):
            return EXIT_MEMORY
        print(f"{error.__class__.__name__}: {error}", file=sys.stderr)
        return EXIT_DAMAGED
    sys.stdout.buffer.write(text.encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
