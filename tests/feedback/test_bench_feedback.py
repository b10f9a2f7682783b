"""The feedback benchmark's fill and its catalog-only desk, run small on the tree (Huế 46 >
Thuận Hóa 19786, Vỹ Dạ 19777), so that the benchmark never rots and its comparison is fair:
the reports it fills are real reports of the store (the desk lists them), and the desk
built on the catalog (tests/bench/feedback_catalog.py) shows the same totals, overdue count
and page, in the same order (of due dates; of the time finished on the finished tab), as the
product's desk. No timing here."""

from datetime import datetime
from datetime import UTC
from nguon.feedback.desk import Desk
from nguon.feedback.policy import load_policy
from nguon.feedback.store import BUCKETS
from nguon.feedback.store import feedback_store
from nguon.feedback.store import OPEN_STATES
from nguon.testing import tree_user
from nguon.units.tree import find_unit
from nguon.units.tree import lineage
from plone import api
from tests.bench import bench_feedback
from tests.bench import feedback_catalog
from tests.bench.bench_feedback import order

import pytest
import re


REPORTS = 2000
NOW = datetime(
    2026, 11, 30, 9, 0, tzinfo=UTC
)  # a fixed moment: the same reports every run
UNITS = ("46", "19786", "19777")


@pytest.fixture
def filled(tree):
    portal = tree["portal"]
    store = feedback_store(portal)
    communes = bench_feedback.communes_of(find_unit("46"))
    lineages = {unit.code: lineage(unit) for unit in communes}
    policy = load_policy()
    categories = policy.offered(["46"])
    now = NOW
    catalog = feedback_catalog.install(portal)
    for index in range(REPORTS):
        spec = bench_feedback.plan(index, now, sorted(lineages), categories)
        report = bench_feedback.make_report(store, spec, lineages, policy, "46")
        feedback_catalog.catalog_report(catalog, report)
    return {
        "store": store,
        "catalog": feedback_catalog.CatalogListing(store, catalog),
        "request": tree["request"],
    }


def test_the_filled_reports_are_the_stores_own(filled):
    store = filled["store"]
    assert len(store.reports) == REPORTS
    listed = sum(
        store.listing(code, bucket, 0, 0)[0] for code in UNITS for bucket in BUCKETS
    )
    escalated = sum(1 for r in store.reports.values() if r.escalated_to)
    assert listed == REPORTS + escalated
    assert escalated and all(
        r.escalated_to == "46" and r.state in OPEN_STATES
        for r in store.reports.values()
        if r.escalated_to
    )


def test_the_catalog_gives_the_stores_totals_and_pages(filled):
    store, catalog = filled["store"], filled["catalog"]
    for code in UNITS:
        assert catalog.overdue(code) == store.overdue(code)
        for bucket in BUCKETS:
            total, page = store.listing(code, bucket, 0, 0)
            for start in (0, bench_feedback.deep_start(total)):
                expected = store.listing(code, bucket, start, 50)
                found = catalog.listing(code, bucket, start, 50)
                assert found[0] == expected[0] == total
                assert len(found[1]) == len(expected[1]) == min(50, total - start)
                assert order(bucket, found[1]) == order(bucket, expected[1])


def _rows(view_class, code, request, **form):
    request.form.clear()
    request.form.update(form)
    with api.env.adopt_user(username=tree_user("46", "approvers")):
        html = view_class(find_unit(code), request)()
    return re.findall(r'data-report="(\d+)"', html), re.findall(
        r'class="nguon-desk-count">(\d+)<', html
    )


def test_the_catalog_desk_shows_the_desks_page(filled):
    store, request = filled["store"], filled["request"]
    for code in UNITS:
        for bucket in BUCKETS:
            ids, counts = _rows(Desk, code, request, ds=bucket)
            catalog_ids, catalog_counts = _rows(
                feedback_catalog.CatalogDesk, code, request, ds=bucket
            )
            assert counts == catalog_counts
            assert (
                len(ids)
                == len(catalog_ids)
                == min(50, int(counts[BUCKETS.index(bucket)]))
            )
            assert order(bucket, [store.get(i) for i in ids]) == order(
                bucket, [store.get(i) for i in catalog_ids]
            )
