"""Plone's own search on Solr (``portal_catalog(SearchableText=…)``, restapi ``@search``,
``@@search``) through nguon's dispatcher: Solr is asked only for the rows the caller reads, the
results are the catalog's brains in Solr's order, every row is checked against the catalog, and
every Unicode form of a Vietnamese word, with or without its diacritics, finds the same items.
"""

from AccessControl.SecurityManagement import getSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.SecurityManagement import setSecurityManager
from nguon.search import dispatcher
from nguon.search import guard
from nguon.search.health import HEALTH
from nguon.testing import tree_user
from plone import api
from plone.batching import Batch
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import transition
from tests.search.helpers import use_node

import datetime
import pytest
import requests
import transaction
import unicodedata


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
TITLES = [
    "Lịch cấp nước sạch tháng {}",
    "Thông báo nước sinh hoạt đợt {}",
]


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    items = [
        published(
            commune,
            "Bulletin",
            EDITOR,
            APPROVER,
            title=TITLES[number % 2].format(number),
            description="Đường ống cấp nước của xã được sửa chữa.",
        )
        for number in range(7)
    ]
    other = published(
        commune, "Bulletin", EDITOR, APPROVER, title="Lễ hội mùa xuân", description=""
    )
    deliver(portal)
    HEALTH.up()
    yield portal, items, other
    HEALTH.up()


def anonymous_search(**query):
    """The catalog's search as an anonymous visitor."""
    catalog = api.portal.get_tool("portal_catalog")
    manager = getSecurityManager()
    noSecurityManager()
    try:
        return catalog(**query)
    finally:
        setSecurityManager(manager)


def uids(results):
    return [brain.UID for brain in results]


def forms(word):
    """The word as typed: composed (NFC), decomposed (NFD), and without its diacritics."""
    bare = "".join(
        c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c)
    ).replace("đ", "d")
    return [
        unicodedata.normalize("NFC", word),
        unicodedata.normalize("NFD", word),
        bare,
    ]


@pytest.mark.parametrize("word", ["nước sạch", "thông báo nước", "đường ống"])
def test_every_unicode_form_finds_the_same_items(site, sent, word):
    portal, items, other = site
    found = [set(uids(anonymous_search(SearchableText=text))) for text in forms(word)]
    assert found[0], word
    assert found[0] == found[1] == found[2], word
    assert other.UID() not in found[0]
    assert len(sent) == 3  # Solr answered each (the catalog finds no bare "nuoc")
    through_api = []
    for text in forms(word):
        answer = requests.get(
            f"{portal.absolute_url()}/@search",
            params={"SearchableText": text},
            headers={"Accept": "application/json"},
            timeout=60,
        )
        assert answer.status_code == 200, answer.text[:300]
        through_api.append({entry["@id"] for entry in answer.json()["items"]})
    expected = {item.absolute_url() for item in items if item.UID() in found[0]}
    assert through_api[0] == through_api[1] == through_api[2] == expected


def test_solr_is_asked_for_the_page_only(site, sent):
    portal, items, _other = site
    results = anonymous_search(
        SearchableText="nước", sort_on="sortable_title", b_start=2, b_size=3
    )
    [params] = sent
    assert (int(params["start"]), int(params["rows"])) == (2, 3)
    assert params["fl"] == "UID" and params["wt"] == "json"
    assert len(results) == len(items) == results.actual_result_count
    catalog_order = uids(
        api.portal.get_tool("portal_catalog")._cs_old_searchResults(
            SearchableText="nước", sort_on="sortable_title"
        )
    )
    batch = Batch(results, 3, 2)
    assert [brain.UID for brain in batch] == catalog_order[2:5]
    assert len(sent) == 1  # the page was all Solr was asked for


def test_without_a_page_the_first_rows_then_more_on_reading(site, sent, monkeypatch):
    monkeypatch.setattr(dispatcher, "FIRST_ROWS", 2)
    portal, items, _other = site
    results = anonymous_search(SearchableText="nước", sort_on="sortable_title")
    assert int(sent[0]["rows"]) == 2 and int(sent[0]["start"]) == 0
    assert len(results) == 7
    everything = list(results)
    assert sorted(uids(everything)) == sorted(item.UID() for item in items)
    assert [brain.Title for brain in everything] == sorted(
        brain.Title for brain in everything
    )
    assert len(sent) > 1
    assert results[-1].UID == everything[-1].UID
    assert uids(results[1:4]) == uids(everything[1:4])


def test_sort_order_and_filters_are_solrs(site, sent):
    portal, items, other = site
    forward = uids(anonymous_search(SearchableText="nước", sort_on="sortable_title"))
    backward = uids(
        anonymous_search(
            SearchableText="nước", sort_on="sortable_title", sort_order="reverse"
        )
    )
    assert backward == list(reversed(forward))
    assert sent[1]["sort"] == "sortable_title desc"
    assert (
        list(anonymous_search(SearchableText="nước", portal_type="LegalDocument")) == []
    )
    assert uids(
        anonymous_search(
            SearchableText="nước",
            review_state="published",
            path="/".join(items[0].getPhysicalPath()),
        )
    ) == [items[0].UID()]


def test_a_stale_hit_is_dropped_and_the_rest_move_up(site, sent, monkeypatch):
    """An item retracted in Plone that Solr still holds as published (its update not yet
    delivered) is never shown; the rows after it move up and the count drops."""
    monkeypatch.setattr(dispatcher, "FIRST_ROWS", 3)
    portal, items, _other = site
    before = uids(anonymous_search(SearchableText="nước", sort_on="sortable_title"))
    retracted = before[1]
    transition(APPROVER, "retract", api.content.get(UID=retracted))
    transaction.commit()  # not delivered: Solr still shows it to everyone
    results = anonymous_search(SearchableText="nước", sort_on="sortable_title")
    assert results[0].UID == before[0]
    assert results[1].UID == before[2]
    assert len(results) == len(before) - 1
    assert uids(results) == [uid for uid in before if uid != retracted]


def test_a_limit_set_on_the_results_caps_them(site):
    results = anonymous_search(SearchableText="nước", sort_on="sortable_title")
    results.actual_result_count = 4
    assert len(results) == 4 and len(list(results)) == 4


def test_plones_search_page_lists_solrs_hits(site):
    portal, items, _other = site
    page = requests.get(
        f"{portal.absolute_url()}/@@search",
        params={"SearchableText": unicodedata.normalize("NFD", "nước sạch")},
        timeout=60,
    )
    assert page.status_code == 200, page.text[-3000:]
    for item in items[::2]:  # the "nước sạch" titles
        assert item.absolute_url() in page.text


def test_the_visibility_check_reads_what_the_catalog_finds(site):
    """``guard.visible_brains`` reads the indexes row by row; it finds exactly what the
    catalog's own search by UID finds, for every kind of user and item."""
    portal, items, other = site
    commune = portal["vn"]["46"]["19786"]
    draft = create(commune, "Bulletin", EDITOR, title="Dự thảo nước")
    expired = published(commune, "Bulletin", EDITOR, APPROVER, title="Hết hạn nước")
    expired.setExpirationDate(datetime.datetime(2020, 1, 1))
    expired.reindexObject()
    future = published(commune, "Bulletin", EDITOR, APPROVER, title="Sắp tới nước")
    future.setEffectiveDate(datetime.datetime.now() + datetime.timedelta(days=30))
    future.reindexObject()
    transaction.commit()
    catalog = api.portal.get_tool("portal_catalog")
    asked = [item.UID() for item in (*items[:2], other, draft, expired, future)]
    asked.append("0" * 32)  # no such item

    def both(show_inactive=False):
        assert guard.visible_rids(catalog, asked, show_inactive) is not None
        fast = guard.visible_brains(catalog, asked, show_inactive)
        query = {"UID": asked, **({"show_inactive": True} if show_inactive else {})}
        slow = {brain.UID for brain in catalog._cs_old_searchResults(query)}
        assert set(fast) == slow
        assert all(fast[uid].getPath() == slow_path(uid) for uid in fast)
        return set(fast)

    def slow_path(uid):
        [brain] = catalog.unrestrictedSearchResults(UID=uid)
        return brain.getPath()

    manager = getSecurityManager()
    noSecurityManager()
    try:
        seen = both()
        assert seen == {item.UID() for item in (*items[:2], other)}
        assert both(show_inactive=True) == seen | {expired.UID(), future.UID()}
    finally:
        setSecurityManager(manager)
    with api.env.adopt_user(username=EDITOR):
        assert draft.UID() in both()
    with api.env.adopt_roles(["Manager"]):
        assert {expired.UID(), future.UID(), draft.UID()} <= both()
