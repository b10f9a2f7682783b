"""What an item looks like in Solr.

The fields come from the core's own schema (``schema.xml``, read once per process and again
when Solr rejects a field), filled by collective.solr's ``getData``: the same plone.indexer
adapters the catalog uses, with its date and number handling. nguon adds what only Solr has:
the unit an item belongs to (code, path, level, and the codes of every unit above it, for
"this unit and below" filters), the document number and the year for facets.
"""

from Acquisition import aq_base
from collective.solr.indexer import SolrIndexProcessor
from collective.solr.parser import SolrSchema
from collective.solr.utils import prepareData
from nguon.content.unit import IAdministrativeUnit
from nguon.search import client
from nguon.units.tree import item_unit
from nguon.units.tree import lineage

import threading


_schemas = {}
_lock = threading.Lock()
# Filled by Solr itself: the folded copies (copyField) and the version.
NOT_SENT = ("Title_folded", "Description_folded", "SearchableText_folded", "_version_")


class _SchemaSource:
    """Just enough of collective.solr's connection manager for ``getData``."""

    def __init__(self, schema):
        self.schema = schema

    def getSchema(self):
        return self.schema


def schema(url=None, reload=False):
    """The core's schema as collective.solr parses it; raises ``SolrUnavailable``."""
    url = url or client.core_url()
    with _lock:
        if reload or url not in _schemas:
            _schemas[url] = SolrSchema(client.schema_file(url))
        return _schemas[url]


def indexable(obj):
    """Everything the catalog indexes (the site root too, as Plone 6's catalog does)."""
    return getattr(aq_base(obj), "UID", None) is not None


def document(obj, solr_schema):
    """The full Solr document of ``obj``: every schema field the object has a value for."""
    fields = [field.name for field in solr_schema.fields if field.name not in NOT_SENT]
    data, _missing = SolrIndexProcessor(_SchemaSource(solr_schema)).getData(
        obj, attributes=fields
    )
    prepareData(data)
    data.update(unit_fields(obj))
    data.update(legal_fields(obj))
    data["year"] = publication_year(obj)
    return {name: value for name, value in data.items() if name in solr_schema}


def unit_fields(obj):
    unit = obj if IAdministrativeUnit.providedBy(obj) else item_unit(obj)
    if unit is None:
        return {}
    return {
        "unit_code": unit.code,
        "unit_level": unit.level,
        "unit_path": "/".join(unit.getPhysicalPath()),
        "unit_ancestors": [code for code, _level in lineage(unit)],
    }


def legal_fields(obj):
    number = getattr(aq_base(obj), "number", None)
    return {"document_number": number} if number else {}


def publication_year(obj):
    """The year citizens file an item under: its issue date, else when it took effect."""
    issued = getattr(aq_base(obj), "issue_date", None)
    if issued:
        return issued.year
    when = obj.effective() if callable(getattr(obj, "effective", None)) else None
    if when is None or when.year() < 1900:
        when = obj.created()
    return when.year()
