"""Every key collective.solr turns into a Solr parameter is dropped or bounded before it leaves
Plone, and a query Solr refuses costs that one request a catalog answer, never Solr's "up"
state for everyone.

Each attack is first sent through collective.solr's own path (``solrSearchResults``, what
answered before nguon's guard) to show what it did to the real Solr, then through the site as
an anonymous caller."""

from collective.solr.dispatcher import solrSearchResults
from collective.solr.exceptions import SolrConnectionException
from nguon.search import guard
from nguon.search.health import HEALTH
from nguon.testing import tree_user
from plone import api
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import use_node

import pytest
import requests


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
# What collective.solr's ``subtractQueryParameters``/``mangleQuery``/``buildQueryAndParameters``
# read from a catalog query, with a hostile value each.
HOSTILE = {
    "fq": "*:*",
    "fl": "*,allowedRolesAndUsers",
    "facet": "true",
    "facet.field": "review_state",
    "facet_field": "review_state",
    "facet.limit": "-1",
    "facet_limit": "-1",
    "facet.query": "review_state:draft",
    "hl": "true",
    "hl.fl": "*",
    "bq": "review_state:draft^100",
    "d": "10",
    "pt": "0,0",
    "sfield": "review_state",
    "core": "plone",
    "request_handler": "../admin/cores?action=STATUS&x=",
    "sort-on": "review_state",
    "sort-limit": "1000000000",
    "default": "*:*",
    "solr_complex_search": "1",
    "use_solr": "1",
    "review_state_usage": "range:min",
    "-review_state": "draft",
    "+portal_type": "Bulletin",
    "rows": "1000000000",
    "start": "5",
    "q": "*:*",
    "defType": "lucene",
    "json.facet": "{x:{type:terms,field:review_state}}",
}


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    item = published(
        portal["vn"]["46"]["19786"],
        "Bulletin",
        EDITOR,
        APPROVER,
        title="Thông báo lịch tiêm chủng",
        description="Tiêm chủng mở rộng.",
    )
    deliver(portal)
    HEALTH.up()
    yield portal, item
    HEALTH.up()


def _search(portal, **params):
    return requests.get(
        f"{portal.absolute_url()}/@search",
        params={"SearchableText": "tiêm chủng", **params},
        headers={"Accept": "application/json"},
        timeout=60,
    )


def _flat(params):
    """Solr's parameters as ``name=value`` strings, lists spread."""
    flat = set()
    for name, value in params.items():
        for one in value if isinstance(value, (list, tuple, set)) else [value]:
            flat.add(f"{name}={one}")
    return flat


def test_collective_solr_hands_request_keys_to_solr(site, sent):
    """The attack, on the path that answered before the guard: keys of the request become Solr
    parameters, unbounded, and a negative start is Solr's error."""
    portal, _item = site
    with api.env.adopt_roles(["Anonymous"]):
        solrSearchResults(
            None,
            SearchableText="tiêm chủng",
            facet_field="review_state",
            b_size=100_000_000,
            sort_limit=100_000_000,
            fl="*,allowedRolesAndUsers",
        )
        with pytest.raises(SolrConnectionException) as refusal:
            solrSearchResults(None, SearchableText="tiêm chủng", b_start=-1)
    assert {
        "facet.field=review_state",
        "rows=100000000",
        "fl=*,allowedRolesAndUsers",
    } <= _flat(sent[0])
    assert refusal.value.httpcode == 400


def test_only_the_catalogs_own_keys_reach_solr_bounded(site, sent):
    portal, item = site
    answer = _search(
        portal,
        **HOSTILE,
        b_size="100000000",
        sort_limit="100000000",
        b_start="100000000",
        sort_on="effective",
        sort_order="reverse",
    )
    assert answer.status_code == 200, answer.text[:300]
    [params] = sent
    flat = _flat(params)
    for name in (
        "facet",
        "facet.field",
        "facet.limit",
        "facet.query",
        "hl",
        "hl.fl",
        "bq",
        "d",
        "pt",
        "sfield",
        "core",
        "request_handler",
        "defType",
        "json.facet",
    ):
        assert name not in params, name
    assert "fq=*:*" not in flat and "allowedRolesAndUsers" not in str(params["fl"])
    assert int(params["rows"]) <= guard.MAX_ROWS
    assert 0 <= int(params["start"]) <= guard.MAX_START
    assert params["sort"] == "effective desc"
    assert "review_state" not in params["q"] and "*:*" not in params["q"]
    assert not HEALTH.is_down
    assert _search(portal).json()["items"][0]["@id"] == item.absolute_url()


@pytest.mark.parametrize(
    "name,value",
    [
        ("b_start", "-1"),
        ("b_size", "-5"),
        ("sort_limit", "-1"),
        ("b_start", "abc"),
        ("path.depth", "deep"),
        ("effective.range", "sideways"),
        ("Subject.operator", "xor"),
    ],
)
def test_a_parameter_that_cannot_be_a_query_is_refused(site, sent, name, value):
    portal, _item = site
    answer = _search(portal, **{name: value, "effective.query": "2020-01-01"})
    assert answer.status_code == 400, (answer.status_code, answer.text[:300])
    error = answer.json()
    assert (
        error["type"] == "BadRequest" and f"«{name.split('.')[0]}" in error["message"]
    ), error
    assert sent == []
    assert not HEALTH.is_down


def test_a_sort_the_catalog_cannot_do_is_dropped(site, sent):
    portal, item = site
    answer = _search(portal, sort_on="review_state_usage", sort_order="sideways")
    assert answer.status_code == 200
    assert "sort" not in sent[0]
    assert [entry["@id"] for entry in answer.json()["items"]] == [item.absolute_url()]


def test_a_query_solr_refuses_does_not_take_solr_down_for_everyone(site, sent, caplog):
    """The attack: Solr refuses to sort on a multi-valued field (HTTP 400). That used to mark
    Solr down: for 5 seconds every citizen's search lost Solr. Now the one query is answered
    from the catalog and the next caller still gets Solr."""
    portal, item = site
    answer = _search(portal, sort_on="Subject")
    assert answer.status_code == 200
    assert [entry["@id"] for entry in answer.json()["items"]] == [item.absolute_url()]
    assert sent[0]["sort"] == "Subject asc"  # it did reach Solr, which refused it
    assert not HEALTH.is_down
    assert "Solr unavailable" not in caplog.text
    citizen = requests.get(
        f"{portal.absolute_url()}/@faceted-search",
        params={"q": "tiêm chủng"},
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    assert citizen["facets"]["portal_type"], (
        "the next search was answered by Solr (facets)"
    )


@pytest.mark.parametrize(
    "view,query",
    [
        ("@@search", "b_start=on"),
        ("@@search", "b_start=1&b_start=2"),
        ("@@search", "SearchableText:list=a&SearchableText:list=b"),
        ("@@search", "fq=99999"),
        ("@@search", "SearchableText=a&q=%FF%FE&q=x"),
        ("@@search", "created.query:record=AND"),
        ("@@search", "end=foo"),
        ("@search", "SearchableText=a&SearchableText=b"),
        ("@search", "start=2147483648"),
        ("@search", "getObjPositionInParent=1"),
    ],
)
def test_input_that_crashed_a_search_page_is_answered(site, view, query):
    """Each of these was a 500 (found by tests/security/test_fuzz.py): now a page or a 400."""
    portal, _item = site
    answer = requests.get(
        f"{portal.absolute_url()}/{view}?{query}",
        headers={"Accept": "application/json"} if view == "@search" else {},
        timeout=60,
    )
    assert answer.status_code in (200, 400), (answer.status_code, answer.text[:300])
