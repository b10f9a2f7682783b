"""The citizen query: what is kept of untrusted text, and the Solr parameters it becomes."""

from nguon.search.query import clean_text
from nguon.search.query import IN_EFFECT
from nguon.search.query import MAX_TEXT
from nguon.search.query import SearchInputError
from nguon.search.query import SearchRequest
from nguon.search.query import solr_params

import datetime
import pytest


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("Thông báo lịch cắt điện", "thông báo lịch cắt điện"),
        ("*:*", ""),
        (
            "allowedRolesAndUsers:* OR review_state:draft",
            "allowedrolesandusers or review state draft",
        ),
        ("{!lucene}*:*", "lucene"),
        ('"cắt điện" huế', '"cắt điện" huế'),
        ('"cắt điện', "cắt điện"),
        ('a " b " c "', 'a " b " c'),
        ("12/2026/QĐ-UBND", "12 2026 qđ ubnd"),
        ("bí~2 mật^100 -x +y [* TO *]", "bí 2 mật 100 x y to"),
        ("Tho\u0302ng ba\u0301o", "thông báo"),  # decomposed input becomes NFC
        ("\x00ẩn\x1f", "ẩn"),
    ],
)
def test_text_keeps_words_and_balanced_quotes_only(typed, kept):
    assert clean_text(typed) == kept


def test_text_is_bounded():
    assert len(clean_text("điện " * 10_000)) <= MAX_TEXT
    assert len(clean_text("a " * 100).split()) == 32


def test_security_filters_come_from_the_server_and_user_values_are_quoted():
    request = SearchRequest.from_form(
        {"q": "cắt điện", "category": ['x") OR (*:*'], "unit": "46"}
    )
    params = solr_params(request, ["Anonymous", "user:bob"])
    assert params["fq"][0] == "{!terms f=allowedRolesAndUsers}Anonymous,user$bob"
    assert IN_EFFECT in params["fq"]
    assert '{!tag=category}category:("x\\") OR (*:*")' in params["fq"]
    assert '{!tag=unit}unit_ancestors:("46")' in params["fq"]
    assert params["uf"] == "-*" and params["q"] == "cắt điện" and params["hl"] == "true"


def test_editors_may_see_inactive_items_and_empty_text_lists_newest_first():
    params = solr_params(SearchRequest(), ["Editor"], include_inactive=True)
    assert not any("effective" in fq for fq in params["fq"])
    assert "q" not in params and params["sort"].startswith("effective desc")


def test_facets_exclude_their_own_filter():
    params = solr_params(SearchRequest(year=("2025",)), ["Anonymous"])
    assert "{!ex=year key=year}year" in params["facet.field"]
    assert '{!tag=year}year:("2025")' in params["fq"]
    assert "facet" not in solr_params(SearchRequest(facets=False), ["Anonymous"])


@pytest.mark.parametrize(
    "form",
    [
        {"from": "31/12/2026"},
        {"to": "2026-13-01"},
        {"sort": "score"},
        {"b_start": "x"},
        {"from": "2026-02-01", "to": "2026-01-01"},
        {"year": "năm ngoái"},
    ],
)
def test_bad_input_is_refused_with_a_reason(form):
    with pytest.raises(SearchInputError):
        SearchRequest.from_form(form)


def test_paging_is_bounded_and_dates_parsed():
    request = SearchRequest.from_form(
        {"b_size": "5000", "b_start": "-3", "from": "2026-01-31"}
    )
    assert request.rows == 50 and request.start == 0
    assert request.date_from == datetime.date(2026, 1, 31)
    assert SearchRequest.from_form(
        {"portal_type": ["Bulletin", "Image"]}
    ).portal_type == ("Bulletin",)
