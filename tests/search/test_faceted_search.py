"""The citizen search on the real Solr: Vietnamese with and without diacritics, facets,
highlighting, filters, paging, and nothing unpublished for anonymous callers."""

from nguon.testing import tree_user
from plone.namedfile.file import NamedBlobFile
from tests.fixtures import samples
from tests.search.helpers import create
from tests.search.helpers import deliver
from tests.search.helpers import published
from tests.search.helpers import use_node

import datetime
import pytest
import requests


EDITOR = tree_user("19786", "editors")
APPROVER = tree_user("19786", "approvers")
OTHER_EDITOR = tree_user("18880", "editors")
OTHER_APPROVER = tree_user("18880", "approvers")


def _publish(commune, editor, approver, portal_type="Bulletin", **fields):
    return published(commune, portal_type, editor, approver, **fields)


@pytest.fixture(scope="module")
def archive():
    return {}


@pytest.fixture
def site(tree_solr):
    use_node(tree_solr["solr"])
    portal = tree_solr["portal"]
    hue = portal["vn"]["46"]["19786"]
    dong_hoi = portal["vn"]["44"]["18880"]
    items = {
        "exact": _publish(
            hue,
            EDITOR,
            APPROVER,
            title="Thông báo lịch cắt điện tháng 12",
            description="Điện lực Thuận Hóa thông báo lịch cắt điện để bảo dưỡng lưới.",
            category="public-services",
        ),
        "plain": _publish(
            dong_hoi,
            OTHER_EDITOR,
            OTHER_APPROVER,
            title="Thong bao cat dien khu pho 3",
            description="Ban quan ly thong bao cat dien.",
            category="public-services",
        ),
        "storm": _publish(
            dong_hoi,
            OTHER_EDITOR,
            OTHER_APPROVER,
            title="Cảnh báo bão số 3",
            description="Người dân chằng chống nhà cửa, không ra khơi.",
            category="disaster",
        ),
        "draft": create(
            hue,
            "Bulletin",
            EDITOR,
            title="Dự thảo thông báo cắt điện nội bộ",
            description="Bản nháp chưa duyệt.",
            category="public-services",
        ),
        "expired": _publish(
            hue,
            EDITOR,
            APPROVER,
            title="Thông báo cắt điện năm ngoái",
            description="Đã hết hiệu lực.",
            category="public-services",
        ),
    }
    items["expired"].setExpirationDate(datetime.datetime(2020, 1, 1))
    items["expired"].reindexObject()
    deliver(portal)
    return portal, items


def _get(portal, auth=None, **params):
    return requests.get(
        f"{portal.absolute_url()}/@faceted-search",
        params=params,
        auth=auth,
        headers={"Accept": "application/json"},
        timeout=30,
    )


def test_without_diacritics_finds_the_text_with_them_and_exact_ranks_first(site):
    portal, items = site
    with_marks = _get(portal, q="thông báo cắt điện").json()
    assert [hit["UID"] for hit in with_marks["items"]][:2] == [
        items["exact"].UID(),
        items["plain"].UID(),
    ]
    without = _get(portal, q="thong bao cat dien").json()
    assert {hit["UID"] for hit in without["items"]} == {
        items["exact"].UID(),
        items["plain"].UID(),
    }
    assert without["items_total"] == 2


def test_snippets_mark_the_matched_syllables(site):
    portal, items = site
    hit = next(
        hit
        for hit in _get(portal, q="cat dien").json()["items"]
        if hit["UID"] == items["exact"].UID()
    )
    assert any(
        "<mark>cắt</mark> <mark>điện</mark>" in snippet for snippet in hit["snippets"]
    )


def test_facets_count_units_categories_types_and_years(site):
    portal, items = site
    answer = _get(portal).json()
    assert answer["items_total"] == 3
    facets = {
        name: {v["value"]: (v["title"], v["count"]) for v in values}
        for name, values in answer["facets"].items()
    }
    assert facets["unit"] == {
        "19786": ("Phường Thuận Hóa", 1),
        "18880": ("Phường Đồng Hới", 2),
    }
    assert facets["category"]["disaster"] == ("Phòng chống thiên tai", 1)
    assert facets["portal_type"]["Bulletin"][1] == 3
    assert sum(count for _title, count in facets["year"].values()) == 3
    assert facets["unit_level"]["commune"][1] == 3


def test_filters_by_unit_and_below_category_and_dates(site):
    portal, items = site
    province = _get(portal, unit="44").json()
    assert {hit["UID"] for hit in province["items"]} == {
        items["plain"].UID(),
        items["storm"].UID(),
    }
    # the unit facet still counts the other units (multi-select facets)
    assert {v["value"] for v in province["facets"]["unit"]} == {"19786", "18880"}
    disaster = _get(portal, category="disaster").json()
    assert [hit["UID"] for hit in disaster["items"]] == [items["storm"].UID()]
    today = datetime.date.today().isoformat()
    assert _get(portal, **{"from": today, "to": today}).json()["items_total"] == 3
    assert _get(portal, to="2001-01-01").json()["items_total"] == 0


def test_paging_and_sorting(site):
    portal, _items = site
    first = _get(portal, b_size=2, sort="newest").json()
    second = _get(portal, b_size=2, b_start=2, sort="newest").json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1
    assert not {h["UID"] for h in first["items"]} & {h["UID"] for h in second["items"]}


def test_bad_input_is_a_clear_400(site):
    portal, _items = site
    answer = _get(portal, **{"from": "31/12/2026"})
    assert answer.status_code == 400
    assert "năm-tháng-ngày" in answer.json()["error"]["message"]
    assert _get(portal, sort="drop table").status_code == 400
    assert _get(portal, **{"from": "2026-02-01", "to": "2026-01-01"}).status_code == 400


def test_anonymous_never_sees_drafts_or_expired_items_but_the_editor_sees_drafts(site):
    portal, items = site
    anonymous = {hit["UID"] for hit in _get(portal, q="cắt điện").json()["items"]}
    assert (
        items["draft"].UID() not in anonymous
        and items["expired"].UID() not in anonymous
    )
    editor = _get(portal, auth=(EDITOR, "tree-password-1"), q="cắt điện").json()
    assert items["draft"].UID() in {hit["UID"] for hit in editor["items"]}


def test_the_text_of_an_attached_document_is_searchable_and_linked(site):
    portal, items = site
    document = _publish(
        portal["vn"]["46"]["19786"],
        EDITOR,
        APPROVER,
        "LegalDocument",
        title="Quyết định về công tác phòng chống thiên tai",
        number="12/2026/QĐ-UBND",
        document_type="decision",
        issuing_body="UBND phường Thuận Hóa",
        signer="Nguyễn Văn A",
        issue_date=datetime.date(2025, 3, 5),
        category="disaster",
        file=NamedBlobFile(
            samples.docx_file("Kế hoạch nạo vét kênh mương Đông Ba"),
            filename="qd-12.docx",
        ),
    )
    deliver(portal)
    answer = _get(portal, q="nao vet kenh muong").json()
    assert [hit["UID"] for hit in answer["items"]] == [document.UID()]
    assert answer["items"][0]["file"] == document.absolute_url() + "/@@download/file"
    assert answer["items"][0]["@type"] == "LegalDocument"
    facets = {
        name: {v["value"]: v["count"] for v in values}
        for name, values in answer["facets"].items()
    }
    assert facets["document_type"] == {"decision": 1}
    assert facets["issuing_body"] == {"UBND phường Thuận Hóa": 1}
    assert facets["year"] == {"2025": 1}  # the year it was issued
    assert _get(portal, q="12/2026/QĐ-UBND").json()["items"][0]["UID"] == document.UID()
    assert (
        _get(
            portal,
            document_type="decision",
            issuing_body="UBND phường Thuận Hóa",
            year="2025",
        ).json()["items_total"]
        == 1
    )
    assert _get(portal, year="2024").json()["items_total"] == 0
