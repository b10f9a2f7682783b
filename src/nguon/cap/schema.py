"""Validation against the official OASIS CAP 1.2 schema shipped in ``schema/``.

``validate(xml_bytes)`` raises ``CapError`` listing every schema error with its line; the
compiled schema is made once per thread. The document is read with the same safe parser
as ``xml.parse``. An XML signature (``ds:Signature``, last child of ``<alert>``) is allowed
by the schema itself (``<any namespace="...xmldsig#" processContents="lax"/>``).
"""

from lxml import etree
from nguon import _
from nguon.cap.errors import CapError
from nguon.cap.xml import read_xml
from pathlib import Path

import threading


SCHEMA = Path(__file__).parent / "schema" / "CAP-v1.2.xsd"
# How many schema errors a refusal lists (a broken message can have hundreds).
SHOWN = 20


_local = threading.local()


def cap_schema():
    """The compiled OASIS CAP 1.2 schema, one per thread (a validator keeps its error log)."""
    if not hasattr(_local, "schema"):
        _local.schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    return _local.schema


def validate(xml_bytes):
    """Nothing when the document is valid CAP 1.2; ``CapError`` ("invalid") otherwise."""
    root = read_xml(xml_bytes)
    schema = cap_schema()
    if schema.validate(root):
        return
    errors = [f"{error.line}: {error.message}" for error in schema.error_log]
    raise CapError(
        "invalid",
        _(
            "cap_error_schema",
            default="Bản tin không hợp lệ theo lược đồ CAP 1.2 (dòng: lỗi): ${errors}",
            mapping={"errors": "; ".join(errors[:SHOWN])},
        ),
    )
