"""The catalog-only alternative to the feedback store, for ``bench_feedback.py``: the same
reports as entries of a ZCatalog, and the officials' desk reading its pages from it.

A desk built on the catalog, as Plone builds its listings, would keep an index per thing it
filters and sorts on and run one query per tab and count:

- ``handler``, ``state``, ``bucket`` (``open`` or ``done``) and ``escalated_to``
  (FieldIndex), ``due`` and ``finished`` (DateIndex: the due date, and when a finished report
  was closed, or received when it never was);
- a tab's page: ``handler=<unit>, state in the open states, sort_on due, sort_limit
  start+50`` (the escalated tab filters ``escalated_to``; the finished one sorts on
  ``finished``, the latest first), then the page's 50 results woken from the store by their
  catalog uid, the report's id;
- a tab's count: the same query without sorting; the overdue count adds ``due`` up to now.

``CatalogDesk`` is the product's desk (``nguon.feedback.desk.Desk``, same template and rows)
with the store's ``listing`` and ``overdue`` answered by the catalog: what differs between
the two pages is only where the page and its counts come from. It is registered as
``xu-ly-phan-anh-catalog`` by ``feedback_catalog.zcml``, which only the benchmark's instance
loads.
"""

from nguon.feedback.desk import Desk
from nguon.feedback.store import DONE
from nguon.feedback.store import DONE_STATES
from nguon.feedback.store import ESCALATED
from nguon.feedback.store import OPEN
from nguon.feedback.store import OPEN_STATES
from nguon.feedback.store import utcnow
from plone import api
from Products.PluginIndexes.DateIndex.DateIndex import DateIndex
from Products.PluginIndexes.FieldIndex.FieldIndex import FieldIndex
from Products.ZCatalog.ZCatalog import ZCatalog
from zope.annotation.interfaces import IAnnotations


KEY = "nguon.bench.feedback-catalog"
FIELDS = ("handler", "state", "bucket", "escalated_to")
DATES = ("due", "finished")


class Entry:
    """What the catalog indexes of a report."""

    def __init__(self, report):
        self.handler = report.handler
        self.state = report.state
        self.bucket = OPEN if report.is_open else DONE
        self.escalated_to = report.escalated_to if report.is_open else None
        self.due = report.due
        self.finished = report.closed_at or report.received


def install(portal):
    """The benchmark's catalog of reports in the site's annotations (made once)."""
    annotations = IAnnotations(portal)
    if KEY not in annotations:
        catalog = ZCatalog("bench-feedback-catalog")
        for name in FIELDS:
            catalog.addIndex(name, FieldIndex(name))
        for name in DATES:
            catalog.addIndex(name, DateIndex(name))
        annotations[KEY] = catalog
    return annotations[KEY]


def catalog_of(portal):
    return IAnnotations(portal).get(KEY)


def catalog_report(catalog, report):
    catalog.catalog_object(Entry(report), uid=report.id, update_metadata=False)


def query(unit_code, bucket):
    """The catalog query of a desk tab, unsorted (``sorted_query`` adds the order)."""
    if bucket == ESCALATED:
        return {"escalated_to": unit_code, "state": OPEN_STATES}
    states = DONE_STATES if bucket == DONE else OPEN_STATES
    return {"handler": unit_code, "state": states}


def sorted_query(unit_code, bucket, limit):
    found = query(unit_code, bucket)
    found["sort_on"] = "finished" if bucket == DONE else "due"
    if bucket == DONE:
        found["sort_order"] = "reverse"
    found["sort_limit"] = limit
    return found


class CatalogListing:
    """The feedback store as a catalog-based desk reads it: ``listing`` and ``overdue`` from
    the catalog, everything else from the store."""

    def __init__(self, store, catalog):
        self.store, self.catalog = store, catalog

    def __getattr__(self, name):
        return getattr(self.store, name)

    def listing(self, unit_code, bucket, start=0, size=50):
        if not size:
            return len(self.catalog.searchResults(query(unit_code, bucket))), []
        results = self.catalog.searchResults(
            sorted_query(unit_code, bucket, start + size)
        )
        reports = self.store.reports
        page = [reports.get(brain.getPath()) for brain in results[start : start + size]]
        return results.actual_result_count, [r for r in page if r is not None]

    def overdue(self, unit_code, now=None):
        late = query(unit_code, OPEN)
        late["due"] = {"query": now or utcnow(), "range": "max"}
        return len(self.catalog.searchResults(late))


class CatalogDesk(Desk):
    """``xu-ly-phan-anh-catalog``: the desk's listing with its page and counts from the
    catalog (the report pages are the desk's own)."""

    @property
    def store(self):
        return self._listing

    @store.setter
    def store(self, found):
        catalog = catalog_of(api.portal.get())
        self._listing = (
            None if found is None or catalog is None else CatalogListing(found, catalog)
        )
