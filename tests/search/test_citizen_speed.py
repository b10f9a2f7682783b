"""The citizen query made cheaper for a million documents (issue 18) finds exactly what the full
query finds, on the real Solr node: the same documents, count and facet counts for Vietnamese
typed with or without diacritics and in any Unicode form, the same security and dates; the
full ranking still puts the diacritics as typed first, and equal relevance newest first."""

from datetime import datetime
from datetime import timedelta
from datetime import UTC
from nguon.search import query
from nguon.search.query import clean_text
from nguon.search.query import SearchRequest
from nguon.search.query import solr_params

import pytest
import requests
import unicodedata


NOW = datetime.now(UTC).replace(microsecond=0)


def _iso(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _doc(uid, title, body="", days=30, **fields):
    effective = NOW - timedelta(days=days)
    return {
        "UID": uid,
        "Title": title,
        "Description": fields.pop("description", ""),
        "SearchableText": " ".join(filter(None, (title, body))),
        "allowedRolesAndUsers": ["Anonymous"],
        "portal_type": "Bulletin",
        "effective": _iso(effective),
        "expires": "2499-12-31T00:00:00Z",
        "unit_code": "19786",
        "unit_ancestors": ["vn", "46", "19786"],
        "unit_level": "commune",
        "category": "public-services",
        "year": effective.year,
        **fields,
    }


DOCS = [
    _doc(
        "exact",
        "Thông báo lịch cắt điện tháng 12",
        "Điện lực Thuận Hóa bảo dưỡng lưới.",
    ),
    _doc("plain", "Thong bao cat dien khu pho 3", "Ban quan ly thong bao cat dien."),
    _doc(
        "decomposed",
        unicodedata.normalize("NFD", "Lịch cắt điện phường Đông Ba"),
        unicodedata.normalize("NFD", "Thông báo tạm ngừng cấp điện."),
        days=40,
    ),
    _doc("tone", "Hoà Bình: lịch cắt điện", "Sức khoẻ người dân.", category="health"),
    _doc(
        "older-twin",
        "Thông báo lịch cắt điện tháng 12",
        "Điện lực Thuận Hóa bảo dưỡng lưới.",
        days=400,
    ),
    _doc(
        "body-only",
        "Kế hoạch bảo dưỡng",
        "Trong thời gian cắt điện, đề nghị nhân dân chủ động.",
        description="Điện lực tỉnh thông báo.",
        portal_type="LegalDocument",
        document_type="decision",
        issuing_body="UBND phường Thuận Hóa",
        unit_code="46",
        unit_ancestors=["vn", "46"],
        unit_level="province",
    ),
    _doc(
        "storm",
        "Cảnh báo bão số 3",
        "Nạo vét kênh mương, chằng chống nhà cửa.",
        category="disaster",
        unit_code="18880",
        unit_ancestors=["vn", "44", "18880"],
    ),
    _doc("draft", "Dự thảo thông báo cắt điện", allowedRolesAndUsers=["Editor"]),
    _doc(
        "expired",
        "Thông báo cắt điện năm ngoái",
        expires=_iso(NOW - timedelta(days=1)),
    ),
    _doc("future", "Thông báo cắt điện tuần sau", days=-7),
]
TEXTS = [
    "thông báo lịch cắt điện",
    "thong bao lich cat dien",
    unicodedata.normalize("NFD", "Thông Báo CẮT ĐIỆN"),
    "hòa bình",  # the other tone placement of "Hoà"
    "hoa binh",
    '"nạo vét kênh mương"',
    '"nao vet kenh muong"',
    "cat dien dong ba",
    "điện lực",
    "thuận hóa",
]


@pytest.fixture(scope="module")
def indexed(solr):
    solr.post("update?commit=true", {"delete": {"query": "*:*"}})
    solr.post("update?commit=true", DOCS)
    return solr


def _search(solr, params):
    answer = requests.post(
        f"{solr.url}/search", data={**params, "rows": 50, "wt": "json"}, timeout=60
    )
    answer.raise_for_status()
    return answer.json()


def _full(params):
    """The same request with the full query on every hit, as before issue 18: the handler's
    fields and phrase boosts, no re-ranking, no ``enum`` facets."""
    full = {
        name: value
        for name, value in params.items()
        if name not in ("rq", "rank_q", "rank_qf", "rank_pf", "rank_bf", "qf", "pf")
    }
    if "facet.field" in full:
        full["facet.field"] = [
            field.replace(" facet.method=enum", "") for field in full["facet.field"]
        ]
    return full


def _request(text, **filters):
    return SearchRequest(
        text=clean_text(text),
        **{name: (value,) for name, value in filters.items()},
    )


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("roles", [["Anonymous"], ["Anonymous", "Editor"]])
def test_the_same_documents_count_and_facets_as_the_full_query(indexed, text, roles):
    params = solr_params(_request(text), roles)
    cheap, full = _search(indexed, params), _search(indexed, _full(params))
    assert cheap["response"]["numFound"] == full["response"]["numFound"]
    assert {doc["UID"] for doc in cheap["response"]["docs"]} == {
        doc["UID"] for doc in full["response"]["docs"]
    }
    assert cheap["facet_counts"]["facet_fields"] == full["facet_counts"]["facet_fields"]


def test_with_filters_too(indexed):
    for filters in ({"unit": "46"}, {"category": "disaster"}, {"year": str(NOW.year)}):
        params = solr_params(_request("cat dien bao", **filters), ["Anonymous"])
        cheap, full = _search(indexed, params), _search(indexed, _full(params))
        assert cheap["response"]["numFound"] == full["response"]["numFound"]
        assert {d["UID"] for d in cheap["response"]["docs"]} == {
            d["UID"] for d in full["response"]["docs"]
        }
        assert (
            cheap["facet_counts"]["facet_fields"]
            == full["facet_counts"]["facet_fields"]
        )


def test_anonymous_finds_only_what_is_public_and_in_effect(indexed):
    found = {
        doc["UID"]
        for doc in _search(
            indexed, solr_params(_request("thong bao cat dien"), ["Anonymous"])
        )["response"]["docs"]
    }
    assert {"exact", "plain", "decomposed", "older-twin"} <= found
    assert not found & {"draft", "expired", "future"}


def test_diacritics_as_typed_first_and_equal_relevance_newest_first(indexed):
    ranked = [
        doc["UID"]
        for doc in _search(
            indexed, solr_params(_request("Thông báo lịch cắt điện"), ["Anonymous"])
        )["response"]["docs"]
    ]
    assert ranked[:2] == ["exact", "older-twin"]  # the same text: the newer first
    assert ranked.index("exact") < ranked.index("plain")


def test_only_the_uid_comes_back_with_snippets_of_the_folded_text(indexed):
    answer = _search(indexed, solr_params(_request("cat dien dong ba"), ["Anonymous"]))
    assert all(set(doc) == {"UID"} for doc in answer["response"]["docs"])
    snippets = answer["highlighting"]["decomposed"]["SearchableText_folded"]
    assert any("<mark>" in snippet for snippet in snippets)


def test_the_first_ranking_is_reranked_over_ten_pages():
    assert query.RERANK_DOCS >= 10 * query.DEFAULT_ROWS
    params = solr_params(_request("điện"), ["Anonymous"])
    assert "SearchableText^" not in params["qf"]  # the exact body: re-ranking only
    assert "SearchableText_folded" in params["qf"]


def test_newest_first_is_not_reranked(indexed):
    params = solr_params(
        SearchRequest(text=clean_text("thong bao cat dien"), sort="newest"),
        ["Anonymous"],
    )
    assert "rq" not in params
    docs = _search(indexed, {**params, "fl": "UID,effective"})["response"]["docs"]
    dates = [doc["effective"] for doc in docs]
    assert dates == sorted(dates, reverse=True) and len(docs) >= 4
