"""Solr syntax in what anonymous users type never widens their results nor breaks the search:
every input is tried on every search entry point (restapi @search, Plone's @@search, the
citizen page and its REST endpoint, and the catalog tool's URL), and none of them ever returns
a draft, an expired item, or a stale Solr document the catalog no longer shows."""

from nguon.testing import tree_user
from tests.search.helpers import create
from tests.search.helpers import current_node
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import transition
from tests.search.helpers import use_node

import datetime
import pytest
import requests


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
INJECTIONS = [
    "*:*",
    "*",
    "allowedRolesAndUsers:*",
    "allowedRolesAndUsers:Manager",
    "review_state:draft",
    "{!lucene}*:*",
    "{!terms f=review_state}draft",
    "{!func}1",
    "bí mật) OR (*:*",
    '") OR (*:* "',
    '"bí mật',
    'bí mật" OR "',
    "[* TO *]",
    "SearchableText:[* TO *]",
    "bí mật OR *:*",
    "bí || mật && *",
    "-thông +mật",
    "bí~2 mật^100",
    "\\",
    "\x00bí mật\x1f",
    "bí mật " * 2000,
    "đ" * 20000,
]
PARAMETER_INJECTIONS = [
    {"fq": "*:*"},
    {"fq": "review_state:draft"},
    {"fl": "*,allowedRolesAndUsers"},
    {"show_inactive": "true"},
    {"request_handler": "../admin/cores?action=STATUS&x="},
    {"core": "plone"},
    {"qt": "/update"},
    {"defType": "lucene", "q": "*:*"},
    {"use_solr": "true"},
    {"facet": "true", "facet.field": "review_state"},
    {"hl": "true", "hl.fl": "SearchableText"},
]


@pytest.fixture
def site(tree_solr):
    node = tree_solr["solr"]
    use_node(node)
    portal = tree_solr["portal"]
    commune = portal["vn"]["46"]["19786"]
    public = published(
        commune,
        "Bulletin",
        EDITOR,
        APPROVER,
        title="Thông báo công khai",
        description="Nội dung công khai, không bí mật.",
    )
    draft = create(
        commune,
        "Bulletin",
        EDITOR,
        title="Bí mật dự thảo",
        description="bí mật chưa duyệt",
    )
    pending = create(
        commune,
        "Bulletin",
        EDITOR,
        title="Bí mật chờ duyệt",
        description="bí mật đang chờ",
    )
    transition(EDITOR, "submit", pending)
    expired = published(
        commune,
        "Bulletin",
        EDITOR,
        APPROVER,
        title="Bí mật hết hạn",
        description="bí mật đã hết hạn",
    )
    expired.setExpirationDate(datetime.datetime(2020, 1, 1))
    expired.reindexObject()
    deliver(portal)
    # A stale document: Solr still believes the draft is public (as after an index drift).
    stored = node.get("select", q=f'UID:"{draft.UID()}"', fl="*,allowedRolesAndUsers")[
        "response"
    ]["docs"][0]
    stored = {
        k: v
        for k, v in stored.items()
        if k != "_version_" and not k.endswith("_folded")
    }
    node.post(
        "update",
        {
            "add": {
                "doc": {
                    **stored,
                    "review_state": "published",
                    "allowedRolesAndUsers": ["Anonymous"],
                }
            },
            "commit": {},
        },
    )
    secrets = {obj.UID() for obj in (draft, pending, expired)}
    secret_urls = {obj.absolute_url() for obj in (draft, pending, expired)}
    return portal, public, secrets, secret_urls


def _anonymous(url, params):
    return requests.get(
        url, params=params, headers={"Accept": "application/json"}, timeout=60
    )


def _check_json(answer, secrets, secret_urls):
    assert answer.status_code in (200, 400), (answer.status_code, answer.text[:300])
    if answer.status_code == 200:
        data = answer.json()  # restapi @search answers [] for a bare "*"
        for item in data.get("items", []) if isinstance(data, dict) else data:
            assert (
                item.get("UID") not in secrets and item.get("@id") not in secret_urls
            ), item


def test_injected_text_never_widens_results(site):
    portal, published, secrets, secret_urls = site
    base = portal.absolute_url()
    for text in INJECTIONS:
        _check_json(
            _anonymous(f"{base}/@search", {"SearchableText": text}),
            secrets,
            secret_urls,
        )
        _check_json(
            _anonymous(f"{base}/@faceted-search", {"q": text}), secrets, secret_urls
        )
        for view in ("@@search", "@@tra-cuu"):
            page = requests.get(
                f"{base}/{view}", params={"SearchableText": text, "q": text}, timeout=60
            )
            assert page.status_code == 200, (view, text, page.status_code)
            assert not any(url in page.text for url in secret_urls), (view, text)
            assert "Bí mật" not in page.text, (view, text)


def test_solr_parameters_in_the_query_are_ignored(site):
    portal, published, secrets, secret_urls = site
    base = portal.absolute_url()
    for extra in PARAMETER_INJECTIONS:
        params = {"SearchableText": "bí mật", **extra}
        answer = _anonymous(f"{base}/@search", params)
        _check_json(answer, secrets, secret_urls)
        data = answer.json()
        assert "responseHeader" not in data and "facet_counts" not in data
        assert all("allowedRolesAndUsers" not in item for item in data.get("items", []))
        _check_json(
            _anonymous(f"{base}/@faceted-search", {"q": "bí mật", **extra}),
            secrets,
            secret_urls,
        )


def test_request_handler_cannot_reach_solrs_admin_api(site):
    portal, *_rest = site
    cores = f"http://127.0.0.1:{current_node().port}/solr/admin/cores"
    started = requests.get(
        cores, params={"action": "STATUS", "core": "plone", "wt": "json"}, timeout=30
    ).json()["status"]["plone"]["startTime"]
    for url in (
        f"{portal.absolute_url()}/@search",
        f"{portal.absolute_url()}/@@search",
    ):
        answer = requests.get(
            url,
            params={
                "SearchableText": "bí mật",
                "request_handler": "../admin/cores?action=RELOAD&core=plone&x=",
            },
            headers={"Accept": "application/json"},
            timeout=30,
        )
        assert answer.status_code == 200
    after = requests.get(
        cores, params={"action": "STATUS", "core": "plone", "wt": "json"}, timeout=30
    ).json()["status"]["plone"]["startTime"]
    assert after == started


def test_the_public_search_still_finds_what_is_public(site):
    portal, published, secrets, secret_urls = site
    found = _anonymous(
        f"{portal.absolute_url()}/@search", {"SearchableText": "công khai"}
    ).json()
    assert [item["@id"] for item in found["items"]] == [published.absolute_url()]
    found = _anonymous(
        f"{portal.absolute_url()}/@faceted-search", {"q": "bi mat"}
    ).json()
    assert [item["UID"] for item in found["items"]] == [published.UID()]


def test_the_catalog_tool_is_not_published(site):
    portal, *_rest = site
    answer = requests.get(
        f"{portal.absolute_url()}/portal_catalog",
        params={"SearchableText": "bí mật", "fl": "*"},
        timeout=30,
    )
    assert answer.status_code in (403, 404)
    assert "Bí mật" not in answer.text


def test_term_suggestions_reveal_nothing(site):
    portal, *_rest = site
    for view in ("@@suggest-terms", "@@solr-autocomplete"):
        answer = requests.get(
            f"{portal.absolute_url()}/{view}", params={"term": "bí"}, timeout=30
        )
        assert answer.status_code == 200 and answer.json() == []
