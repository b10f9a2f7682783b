"""The configset's Vietnamese analysis on a real Solr node: queries typed without diacritics
find text with them, "đ" folds to "d", exact diacritics rank first, phrases match syllables."""

import pytest


DOCS = [
    {
        "UID": "exact",
        "Title": "Thông báo lịch cắt điện tháng 12",
        "SearchableText": "Thông báo lịch cắt điện tháng 12 tại phường Thuận Hóa",
    },
    {
        "UID": "other",
        "Title": "Thông báo về cát ở Điền Hải",
        "SearchableText": "Thông báo về khai thác cát ở xã Điền Hải",
    },
    {
        "UID": "road",
        "Title": "Đường Đông Đô được sửa chữa",
        "SearchableText": "ĐƯỜNG ĐÔNG ĐÔ được sửa chữa từ ngày 1/12",
    },
    {
        "UID": "tone",
        "Title": "Hoà Bình khoẻ mạnh",
        "SearchableText": "Chương trình sức khoẻ ở Hoà Bình",
    },
]


@pytest.fixture(scope="module")
def indexed(solr):
    solr.post("update?commit=true", {"delete": {"query": "*:*"}})
    solr.post("update?commit=true", DOCS)
    return solr


def _uids(solr, q, handler="search", **params):
    return [
        doc["UID"]
        for doc in solr.get(handler, q=q, fl="UID", **params)["response"]["docs"]
    ]


def test_the_node_answers_its_ping(solr):
    assert solr.get("admin/ping")["status"] == "OK"


def test_without_diacritics_finds_text_with_them(indexed):
    assert "exact" in _uids(indexed, "thong bao cat dien")


def test_d_with_stroke_folds_to_d_in_both_cases(indexed):
    assert _uids(indexed, "duong dong do") == ["road"]
    assert _uids(indexed, "đường đông đô") == ["road"]


def test_exact_diacritics_rank_above_a_folded_only_match(indexed):
    ranked = _uids(indexed, "thông báo cắt điện")
    assert ranked[0] == "exact" and "other" in ranked[1:]


def test_phrase_queries_work_on_syllables(indexed):
    assert _uids(indexed, 'SearchableText:"cắt điện"', handler="select") == ["exact"]
    assert _uids(indexed, 'SearchableText_folded:"cat dien"', handler="select") == [
        "exact"
    ]


def test_both_tone_mark_placements_match(indexed):
    assert _uids(indexed, 'Title:"hòa bình"', handler="select") == ["tone"]
    assert _uids(indexed, 'SearchableText:"sức khỏe"', handler="select") == ["tone"]


def test_collective_solr_can_read_the_schema_file(solr):
    import urllib.request

    with urllib.request.urlopen(
        f"{solr.url}/admin/file/?file=schema.xml", timeout=30
    ) as answer:
        schema = answer.read().decode()
    assert (
        "<uniqueKey>UID</uniqueKey>" in schema
        and 'name="allowedRolesAndUsers"' in schema
    )
