"""The target picker's answers (``@reachable-units``) and the summary of who will receive an
item (``@reach-preview``), per role, over real HTTP on the small tree: an editor of Phường
Thuận Hóa finds units by name without diacritics, sees Thành phố Huế only as a climb, never a
unit a legal document (``approve: own``) cannot reach; anonymous visitors get a 401."""

from nguon.testing import TREE_PASSWORD
from nguon.testing import tree_user
from plone import api

import pytest
import requests
import transaction


EDITOR = tree_user("19786", "editors")


def _get(url, user=EDITOR, **params):
    auth = (user, TREE_PASSWORD) if user else None
    return requests.get(
        url, auth=auth, params=params, headers={"Accept": "application/json"}
    )


@pytest.fixture
def ward(tree_functional):
    return tree_functional["portal"]["vn"]["46"]["19786"]


def _codes(answer):
    return {unit["code"]: unit for unit in answer.json()["items"]}


def test_an_editor_finds_units_by_name_without_diacritics(ward):
    answer = _get(
        f"{ward.absolute_url()}/@reachable-units", q="thuan hoa", portal_type="Bulletin"
    )
    assert answer.status_code == 200, answer.text
    found = _codes(answer)
    assert list(found) == ["19786"]
    assert found["19786"]["title"] == "Phường Thuận Hóa"
    assert found["19786"]["level_title"] == "Xã, phường, đặc khu"
    assert found["19786"]["climbs"] is False
    assert [u["title"] for u in answer.json()["own_chain"]] == ["Phường Thuận Hóa"]


def test_the_city_is_offered_as_a_climb_for_a_bulletin(ward):
    found = _codes(
        _get(f"{ward.absolute_url()}/@reachable-units", q="hue", portal_type="Bulletin")
    )
    assert found["46"]["climbs"] is True
    assert [u["title"] for u in found["46"]["chain"]] == [
        "Phường Thuận Hóa",
        "Thành phố Huế",
    ]
    found = _codes(
        _get(
            f"{ward.absolute_url()}/@reachable-units",
            q="quang tri",
            portal_type="Bulletin",
        )
    )
    assert found["44"]["climbs"] is True
    assert found["44"]["chain"][-1]["title"] == "Trung ương"


def test_a_legal_document_is_offered_only_its_own_units_area(ward):
    for query in ("hue", "quang tri", "vy da", "phuong", "dong hoi"):
        found = _codes(
            _get(
                f"{ward.absolute_url()}/@reachable-units",
                q=query,
                portal_type="LegalDocument",
            )
        )
        assert set(found) <= {"19786"}, (query, found)
    found = _codes(
        _get(
            f"{ward.absolute_url()}/@reachable-units",
            q="thuan",
            portal_type="LegalDocument",
        )
    )
    assert set(found) == {"19786"}


def test_the_edit_form_asks_on_the_item_with_its_own_type(ward):
    with api.env.adopt_user(username=EDITOR):
        item = api.content.create(
            container=ward,
            type="LegalDocument",
            title="Quyết định thử",
            category="policy-law",
        )
    transaction.commit()
    found = _codes(_get(f"{item.absolute_url()}/@reachable-units", q="hue"))
    assert found == {}
    found = _codes(_get(f"{item.absolute_url()}/@reachable-units", q="19786"))
    assert set(found) == {"19786"}


def test_who_may_not_write_there_is_refused(ward):
    url = f"{ward.absolute_url()}/@reachable-units"
    assert _get(url, user=None, q="hue", portal_type="Bulletin").status_code == 401
    # An approver of the city reviews the ward's items but does not write in the ward.
    approver = tree_user("46", "approvers")
    assert _get(url, user=approver, q="hue", portal_type="Bulletin").status_code == 401
    other = tree_user("18880", "editors")
    assert _get(url, user=other, q="hue", portal_type="Bulletin").status_code == 401


def test_bad_parameters_are_a_translated_400(ward):
    url = f"{ward.absolute_url()}/@reachable-units"
    answer = _get(url, q="hue", portal_type="Folder")
    assert answer.status_code == 400
    assert "portal_type" in answer.json()["message"]
    assert _get(url, q="x" * 101, portal_type="Bulletin").status_code == 400
    assert (
        _get(url, q="hue", portal_type="Bulletin", priority="loud").status_code == 400
    )


def test_the_preview_says_who_receives_and_who_approves(ward):
    with api.env.adopt_user(username=EDITOR):
        item = api.content.create(
            container=ward,
            type="Bulletin",
            title="Thông báo cho cả thành phố",
            category="public-services",
            target_scope="chosen",
            target_units=["46"],
            channels={"web", "radio"},
        )
    transaction.commit()
    answer = _get(f"{item.absolute_url()}/@reach-preview")
    assert answer.status_code == 200, answer.text
    preview = answer.json()
    assert [u["title"] for u in preview["units"]] == ["Thành phố Huế"]
    assert [c["id"] for c in preview["channels"]] == ["radio", "web"]
    assert [u["title"] for u in preview["chain"]] == [
        "Phường Thuận Hóa",
        "Thành phố Huế",
    ]
    assert preview["problem"] is None
    assert _get(f"{item.absolute_url()}/@reach-preview", user=None).status_code == 401


def test_the_items_page_shows_the_summary_only_before_submission(ward):
    with api.env.adopt_user(username=EDITOR):
        item = api.content.create(
            container=ward,
            type="LegalDocument",
            title="Quyết định cho phường",
            category="policy-law",
        )
    transaction.commit()
    page = requests.get(item.absolute_url(), auth=(EDITOR, TREE_PASSWORD)).text
    assert "nguon-reach-preview" in page
    assert "Khi phát hành, tin sẽ đến:" in page
    assert "Cần được duyệt lần lượt tại:" in page
    with api.env.adopt_user(username=EDITOR):
        api.content.transition(obj=item, transition="submit")
    transaction.commit()
    page = requests.get(item.absolute_url(), auth=(EDITOR, TREE_PASSWORD)).text
    assert "nguon-reach-preview" not in page
    assert "Đang chờ duyệt tại:" in page
