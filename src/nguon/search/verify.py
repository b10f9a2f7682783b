"""Compare Solr with the catalog, item by item: the "Solr equals the catalog" check.

Compared for every UID: where the item is, its type, state, title, dates (to the millisecond)
and who may see it (``allowedRolesAndUsers``). collective.solr's own sync compares modification
times to the minute only, and so misses security and workflow changes.
"""

from dataclasses import dataclass
from dataclasses import field
from DateTime import DateTime
from nguon.search import client

import Missing


FIELDS = (
    "path_string",
    "portal_type",
    "review_state",
    "Title",
    "modified",
    "effective",
    "expires",
    "allowedRolesAndUsers",
)
DATES = ("modified", "effective", "expires")
PAGE = 1000


@dataclass
class Differences:
    missing: list = field(default_factory=list)  # in the catalog, not in Solr
    extra: list = field(default_factory=list)  # in Solr, not in the catalog
    mismatched: dict = field(default_factory=dict)  # uid -> {field: (catalog, solr)}
    catalog_count: int = 0
    solr_count: int = 0

    @property
    def empty(self):
        return not (self.missing or self.extra or self.mismatched)

    @property
    def uids(self):
        return set(self.missing) | set(self.extra) | set(self.mismatched)

    def summary(self):
        return (
            f"catalog {self.catalog_count}, Solr {self.solr_count}: "
            f"{len(self.missing)} missing in Solr, {len(self.extra)} only in Solr, "
            f"{len(self.mismatched)} different"
        )


def millis(value):
    """A date as milliseconds since the epoch (Solr's ISO strings and Zope's DateTime)."""
    if value is None or value == "":
        return None
    when = value if isinstance(value, DateTime) else DateTime(value)
    return when.millis()


def normalised(name, value):
    if value is Missing.Value or value == "":
        return None
    if name in DATES:
        return millis(value)
    if name == "allowedRolesAndUsers":
        return sorted(token.replace("$", ":") for token in value or ())
    return value


def solr_items(url=None, fields=FIELDS):
    """Every document of the core: ``uid -> {field: value}``, paged with a cursor."""
    items, cursor = {}, "*"
    while True:
        answer = client.get(
            "select",
            url=url,
            q="*:*",
            sort="UID asc",
            rows=PAGE,
            fl=",".join(("UID",) + tuple(fields)),
            cursorMark=cursor,
        )
        for doc in answer["response"]["docs"]:
            items[doc["UID"]] = {
                name: normalised(name, doc.get(name)) for name in fields
            }
        if answer["nextCursorMark"] == cursor:
            return items
        cursor = answer["nextCursorMark"]


def all_brains(portal):
    """Every item the catalog holds (an empty query finds nothing)."""
    return portal.portal_catalog.unrestrictedSearchResults(
        path="/".join(portal.getPhysicalPath())
    )


def catalog_items(portal, fields=FIELDS):
    catalog = portal.portal_catalog
    security = catalog._catalog.getIndex("allowedRolesAndUsers")._unindex
    items = {}
    for brain in all_brains(portal):
        values = {
            "path_string": brain.getPath(),
            "allowedRolesAndUsers": security.get(brain.getRID(), ()),
        }
        for name in fields:
            if name not in values:
                values[name] = getattr(brain, name, None)
        items[brain.UID] = {name: normalised(name, values[name]) for name in fields}
    return items


def compare(portal, url=None):
    catalog, solr = catalog_items(portal), solr_items(url)
    differences = Differences(catalog_count=len(catalog), solr_count=len(solr))
    differences.missing = sorted(set(catalog) - set(solr))
    differences.extra = sorted(set(solr) - set(catalog))
    for uid in set(catalog) & set(solr):
        fields = {
            name: (catalog[uid][name], solr[uid][name])
            for name in FIELDS
            if catalog[uid][name] != solr[uid][name]
        }
        if fields:
            differences.mismatched[uid] = fields
    return differences


def count(url=None):
    return client.get("select", url=url, q="*:*", rows=0)["response"]["numFound"]
